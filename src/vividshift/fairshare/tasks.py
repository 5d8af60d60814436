"""Fair share's background job: `close_ended_places` (queue `maintenance`, every 5
minutes) gives the places still open after their run's day their default outcome
(`done`, or `missed` per the domain's `configuration.fair_share.open_places`)."""

import logging

from procrastinate import App, JobContext

from vividshift.db import connect
from vividshift.fairshare import outcomes

log = logging.getLogger("vividshift.tasks")

CLOSE_CRON = "*/5 * * * *"


async def close_ended_places(database_url: str) -> dict[str, int]:
    """Close the open places of every run whose day has ended."""
    async with connect(database_url) as conn:
        closed = await outcomes.close_ended_places(conn)
    if closed["places"]:
        log.info("fair share: %(places)d open places of %(runs)d runs closed", closed)
    return closed


def register(app: App) -> None:
    """Register the closing of ended places (and its schedule) on `app`."""

    @app.periodic(cron=CLOSE_CRON, periodic_id="close_ended_places")
    @app.task(
        name="close_ended_places",
        queue="maintenance",
        pass_context=True,
        queueing_lock="close_ended_places",
    )
    async def close_ended_places_task(context: JobContext, timestamp: int) -> dict[str, int]:
        return await close_ended_places(context.additional_context["database_url"])
