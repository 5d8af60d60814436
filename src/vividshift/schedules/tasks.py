"""The schedules' background job: `schedule_tick` (queue `schedules`, every minute)
claims due schedule runs (`vividshift.schedules.service.tick`)."""

from procrastinate import App, JobContext

from vividshift.db import connect
from vividshift.schedules import service

TICK_CRON = "* * * * *"


async def schedule_tick(database_url: str) -> list[str]:
    """Claim the due runs; the ids of the jobs queued."""
    async with connect(database_url) as conn:
        return [str(i) for i in await service.tick(conn)]


def register(app: App) -> None:
    """Register the tick (and its schedule) on `app`."""

    @app.periodic(cron=TICK_CRON, periodic_id="schedule_tick")
    @app.task(name="schedule_tick", queue="schedules", pass_context=True, queueing_lock="tick")
    async def schedule_tick_task(context: JobContext, timestamp: int) -> list[str]:
        return await schedule_tick(context.additional_context["database_url"])
