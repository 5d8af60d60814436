"""Reminders in the API process while no worker runs (as deliveries and generation jobs
are): every `INTERVAL_SECONDS` — the worker's schedule, 5 minutes — each API process
writes the reminders due, unless a worker with a recent heartbeat is running, which then
does it. Reminders are deduplicated per place and holder, so two processes doing it at
once still remind each person once."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime

from vividshift.config import Settings
from vividshift.db import Connection, connect
from vividshift.notifications.queries import live_worker_exists
from vividshift.reminders import service

log = logging.getLogger("vividshift.reminders")

INTERVAL_SECONDS = 300.0


async def remind_unless_worker(
    conn: Connection, settings: Settings, *, now: datetime | None = None
) -> int | None:
    """The reminders written now; None when a live worker has the job."""
    if await live_worker_exists(conn, settings.worker_stale_seconds):
        return None
    return await service.queue_reminders(conn, now=now)


async def run(url: str, settings: Settings) -> None:
    """Write due reminders every INTERVAL_SECONDS (the first after one interval, as a
    worker's schedule would) until cancelled."""
    while True:
        await asyncio.sleep(INTERVAL_SECONDS)
        try:
            async with connect(url) as conn:
                await remind_unless_worker(conn, settings)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - the database went away: try next time
            log.warning("in-process reminders paused: %s", type(exc).__name__)
