"""Delivery in the API process when no worker runs (as generation jobs do).

The app's lifespan starts one task that LISTENs on `vividshift_notifications` (sent by
`events.emit` on commit) on a connection of its own — outside the request pool, so
requests never wait for it — and, when woken or every `POLL_SECONDS` (for retries that
come due), delivers what is due on that same connection, unless a worker with a recent
heartbeat is running, which then does it. Several API processes may run it at once: the
claim's lease gives each delivery to one of them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

import psycopg
from psycopg.rows import dict_row

from vividshift.config import Settings
from vividshift.db import Connection
from vividshift.notifications import delivery, queries

log = logging.getLogger("vividshift.notifications")

POLL_SECONDS = 15.0
RECONNECT_SECONDS = 5.0


async def _deliver(conn: Connection, settings: Settings) -> None:
    if await queries.live_worker_exists(conn, settings.worker_stale_seconds):
        return
    await delivery.drain(conn, settings)


async def run(url: str, settings: Settings) -> None:
    """Listen and deliver until cancelled."""
    while True:
        try:
            async with await psycopg.AsyncConnection.connect(
                url,
                autocommit=True,
                row_factory=dict_row,
                connect_timeout=max(1, int(settings.db_connect_timeout)),
            ) as listener:
                await listener.execute(f"LISTEN {queries.WAKE_CHANNEL}")
                await _deliver(listener, settings)  # what was left while no one listened
                while True:
                    with contextlib.suppress(TimeoutError):
                        async for _ in listener.notifies(timeout=POLL_SECONDS, stop_after=1):
                            pass
                    await _deliver(listener, settings)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - the database went away: wait, reconnect
            log.warning("notification sender paused: %s", type(exc).__name__)
            await asyncio.sleep(RECONNECT_SECONDS)
