"""The idempotency keys' background job: `purge_idempotency_keys` (queue `maintenance`,
hourly at minute 41) deletes the expired keys."""

import logging

from procrastinate import App, JobContext

from vividshift.db import connect
from vividshift.idempotency import service

log = logging.getLogger("vividshift.tasks")

IDEMPOTENCY_CRON = "41 * * * *"  # hourly, off the quarter hours the session purge takes


async def purge_idempotency_keys(database_url: str) -> dict[str, int]:
    """Delete Idempotency-Key records past their 24-hour lifetime (the idempotency
    service's own cleanup); live keys, and so their replays, are kept."""
    async with connect(database_url) as conn:
        keys = await service.delete_expired_keys(conn)
    if keys:
        log.info("idempotency keys: %d expired keys deleted", keys)
    return {"idempotency_keys": keys}


def register(app: App) -> None:
    """Register the key purge (and its schedule) on `app`."""

    @app.periodic(cron=IDEMPOTENCY_CRON, periodic_id="purge_idempotency_keys")
    @app.task(
        name="purge_idempotency_keys",
        queue="maintenance",
        pass_context=True,
        queueing_lock="idempotency_keys",
    )
    async def purge_idempotency_keys_task(context: JobContext, timestamp: int) -> dict[str, int]:
        return await purge_idempotency_keys(context.additional_context["database_url"])
