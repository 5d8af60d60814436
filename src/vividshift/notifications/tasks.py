"""The notifications' background jobs (queue `notifications`).

- `deliver_notification(delivery_id)`: one outbox row (`delivery.deliver_due`), queued
  in the transaction that wrote it, and again at its next retry time after a failure.
- `sweep_notifications` (every minute): everything due that no job took — retries of
  deliveries written while no worker ran, leases of killed senders run out.
- `purge_notifications` (queue `maintenance`, daily at 03:37): deliveries that ended
  more than `VIVIDSHIFT_NOTIFICATION_RETENTION_DAYS` ago (with their attempts), then the
  events no delivery refers to any more, in batches; pending deliveries stay.
"""

from uuid import UUID

from procrastinate import App, JobContext

from vividshift.config import Settings
from vividshift.db import connect
from vividshift.notifications import delivery, queries
from vividshift.notifications.queries import QUEUE, TASK

SWEEP_CRON = "* * * * *"
PURGE_CRON = "37 3 * * *"
PURGE_BATCH = 5000


async def deliver_one(settings: Settings, database_url: str, delivery_id: UUID) -> dict[str, int]:
    async with connect(database_url) as conn:
        return await delivery.deliver_due(conn, settings, delivery_ids=[delivery_id], limit=1)


async def sweep(settings: Settings, database_url: str) -> int:
    async with connect(database_url) as conn:
        return await delivery.drain(conn, settings)


async def purge(settings: Settings, database_url: str) -> dict[str, int]:
    """Apply the notification retention (nothing when it is 0); rows deleted per table.
    Each batch commits on its own, so a big purge never holds long locks."""
    days = settings.notification_retention_days
    deleted = {"deliveries": 0, "events": 0}
    if days == 0:
        return deleted
    async with connect(database_url) as conn:
        for table, delete in (
            ("deliveries", queries.delete_finished_deliveries),
            ("events", queries.delete_delivered_events),
        ):
            while True:
                n = await delete(conn, older_than_days=days, limit=PURGE_BATCH)
                deleted[table] += n
                if n < PURGE_BATCH:
                    break
    return deleted


def register(app: App) -> None:
    """Register delivery, the sweep and the retention (and their schedules) on `app`."""

    @app.task(name=TASK, queue=QUEUE, pass_context=True)
    async def deliver_notification(context: JobContext, delivery_id: str) -> dict[str, int]:
        extra = context.additional_context
        return await deliver_one(extra["settings"], extra["database_url"], UUID(delivery_id))

    @app.periodic(cron=SWEEP_CRON, periodic_id="sweep_notifications")
    @app.task(
        name="sweep_notifications", queue=QUEUE, pass_context=True, queueing_lock="notify-sweep"
    )
    async def sweep_notifications(context: JobContext, timestamp: int) -> int:
        extra = context.additional_context
        return await sweep(extra["settings"], extra["database_url"])

    @app.periodic(cron=PURGE_CRON, periodic_id="purge_notifications")
    @app.task(
        name="purge_notifications",
        queue="maintenance",
        pass_context=True,
        queueing_lock="notify-purge",
    )
    async def purge_notifications(context: JobContext, timestamp: int) -> dict[str, int]:
        extra = context.additional_context
        return await purge(extra["settings"], extra["database_url"])
