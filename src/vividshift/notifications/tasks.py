"""The notifications' background jobs (queue `notifications`).

- `deliver_notification(delivery_id)`: one outbox row (`delivery.deliver_due`), queued
  in the transaction that wrote it, and again at its next retry time after a failure.
- `sweep_notifications` (every minute): everything due that no job took — retries of
  deliveries written while no worker ran, leases of killed senders run out.
"""

from uuid import UUID

from procrastinate import App, JobContext

from vividshift.config import Settings
from vividshift.db import connect
from vividshift.notifications import delivery
from vividshift.notifications.queries import QUEUE, TASK

SWEEP_CRON = "* * * * *"


async def deliver_one(settings: Settings, database_url: str, delivery_id: UUID) -> dict[str, int]:
    async with connect(database_url) as conn:
        return await delivery.deliver_due(conn, settings, delivery_ids=[delivery_id], limit=1)


async def sweep(settings: Settings, database_url: str) -> int:
    async with connect(database_url) as conn:
        return await delivery.drain(conn, settings)


def register(app: App) -> None:
    """Register delivery and the sweep (and its schedule) on `app`."""

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
