"""Fair share's background jobs (queue `maintenance`):

- `close_ended_places`, every 5 minutes: places still open after their run's day get
  their default outcome (`done`, or `missed` per `configuration.fair_share.open_places`);
- `ask_for_cover`, every minute: the next wave of each automatic cover search.
"""

import logging

from procrastinate import App, JobContext

from vividshift.db import connect
from vividshift.fairshare import outcomes, waves

log = logging.getLogger("vividshift.tasks")

CLOSE_CRON = "*/5 * * * *"
WAVES_CRON = "* * * * *"


async def close_ended_places(database_url: str) -> dict[str, int]:
    """Close the open places of every run whose day has ended."""
    async with connect(database_url) as conn:
        closed = await outcomes.close_ended_places(conn)
    if closed["places"]:
        log.info("fair share: %(places)d open places of %(runs)d runs closed", closed)
    return closed


async def ask_for_cover(database_url: str) -> dict[str, int]:
    """Ask the next wave of every automatic cover search that is due."""
    async with connect(database_url) as conn:
        result = await waves.ask_next_waves(conn)
    if result["asked"]:
        log.info("fair share: %(asked)d people asked to cover %(requests)d places", result)
    return result


def register(app: App) -> None:
    """Register the closing of ended places and the cover waves (and their schedules)."""

    @app.periodic(cron=CLOSE_CRON, periodic_id="close_ended_places")
    @app.task(
        name="close_ended_places",
        queue="maintenance",
        pass_context=True,
        queueing_lock="close_ended_places",
    )
    async def close_ended_places_task(context: JobContext, timestamp: int) -> dict[str, int]:
        return await close_ended_places(context.additional_context["database_url"])

    @app.periodic(cron=WAVES_CRON, periodic_id="ask_for_cover")
    @app.task(
        name="ask_for_cover", queue="maintenance", pass_context=True, queueing_lock="ask_for_cover"
    )
    async def ask_for_cover_task(context: JobContext, timestamp: int) -> dict[str, int]:
        return await ask_for_cover(context.additional_context["database_url"])
