"""Periodic maintenance: dead sessions, expired idempotency keys and, when configured,
old history.

Schedules (UTC, the worker's clock): sessions every 15 minutes, idempotency keys hourly
at minute 41, history retention daily at 03:17. Each periodic job is deferred once per
due time however many workers run (procrastinate records each (task, time) it
deferred), carries a queueing lock so jobs do not pile up while no worker takes them,
and is idempotent: a repeated run deletes nothing more.
"""

import logging
from typing import Any

import psycopg
from procrastinate import App, JobContext
from psycopg.rows import dict_row

from vividshift.auth import service as auth_service
from vividshift.config import Settings
from vividshift.idempotency import service as idempotency
from vividshift.tasks import queries

log = logging.getLogger("vividshift.tasks")

QUEUE = "maintenance"
SESSIONS_CRON = "*/15 * * * *"
IDEMPOTENCY_CRON = "41 * * * *"  # hourly, off the quarter hours the session purge takes
HISTORY_CRON = "17 3 * * *"
HISTORY_BATCH = 5000


async def purge_sessions(settings: Settings, database_url: str) -> dict[str, int]:
    """Delete revoked, expired and idle-timed-out sessions, and failed logins older than
    their window (the accounts service's own cleanup)."""
    async with await psycopg.AsyncConnection.connect(
        database_url, autocommit=True, row_factory=dict_row
    ) as conn:
        sessions, failures = await auth_service.cleanup(conn, settings)
    return {"sessions": sessions, "login_failures": failures}


async def purge_idempotency_keys(database_url: str) -> dict[str, int]:
    """Delete Idempotency-Key records past their 24-hour lifetime (the idempotency
    service's own cleanup); live keys, and so their replays, are kept."""
    async with await psycopg.AsyncConnection.connect(
        database_url, autocommit=True, row_factory=dict_row
    ) as conn:
        keys = await idempotency.delete_expired_keys(conn)
    if keys:
        log.info("idempotency keys: %d expired keys deleted", keys)
    return {"idempotency_keys": keys}


async def purge_history(settings: Settings, database_url: str) -> dict[str, int]:
    """Delete assignment_history rows older than VIVIDSHIFT_HISTORY_RETENTION_DAYS
    (nothing when it is 0, the default)."""
    days = settings.history_retention_days
    if days == 0:
        return {"history_rows": 0}
    total = 0
    async with await psycopg.AsyncConnection.connect(
        database_url, autocommit=True, row_factory=dict_row
    ) as conn:
        while True:
            deleted = await queries.delete_history_batch(
                conn, older_than_days=days, batch_size=HISTORY_BATCH
            )
            total += deleted
            if deleted < HISTORY_BATCH:
                break
    log.info("history retention: %d rows older than %d days deleted", total, days)
    return {"history_rows": total}


def _context(context: JobContext) -> tuple[Settings, str]:
    extra: dict[str, Any] = context.additional_context
    return extra["settings"], extra["database_url"]


def register(app: App) -> None:
    """Register the maintenance tasks (and their schedules) on `app`."""

    @app.periodic(cron=SESSIONS_CRON, periodic_id="purge_sessions")
    @app.task(name="purge_sessions", queue=QUEUE, pass_context=True, queueing_lock="sessions")
    async def purge_sessions_task(context: JobContext, timestamp: int) -> dict[str, int]:
        return await purge_sessions(*_context(context))

    @app.periodic(cron=IDEMPOTENCY_CRON, periodic_id="purge_idempotency_keys")
    @app.task(
        name="purge_idempotency_keys",
        queue=QUEUE,
        pass_context=True,
        queueing_lock="idempotency_keys",
    )
    async def purge_idempotency_keys_task(context: JobContext, timestamp: int) -> dict[str, int]:
        _, url = _context(context)
        return await purge_idempotency_keys(url)

    @app.periodic(cron=HISTORY_CRON, periodic_id="purge_history")
    @app.task(name="purge_history", queue=QUEUE, pass_context=True, queueing_lock="history")
    async def purge_history_task(context: JobContext, timestamp: int) -> dict[str, int]:
        return await purge_history(*_context(context))
