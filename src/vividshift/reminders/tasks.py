"""The reminders' background job: `remind_turns` (queue `notifications`, every 5
minutes) writes the reminders due (`vividshift.reminders.service`)."""

from procrastinate import App, JobContext

from vividshift.db import connect
from vividshift.reminders import service

REMIND_CRON = "*/5 * * * *"


async def remind(database_url: str) -> int:
    async with connect(database_url) as conn:
        return await service.queue_reminders(conn)


def register(app: App) -> None:
    """Register the reminder job (and its schedule) on `app`."""

    @app.periodic(cron=REMIND_CRON, periodic_id="remind_turns")
    @app.task(name="remind_turns", queue="notifications", pass_context=True, queueing_lock="remind")
    async def remind_turns(context: JobContext, timestamp: int) -> int:
        return await remind(context.additional_context["database_url"])
