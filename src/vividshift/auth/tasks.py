"""The accounts' background job: `purge_sessions` (queue `maintenance`, every 15
minutes) deletes dead sessions and old failed logins."""

from procrastinate import App, JobContext

from vividshift.auth import service
from vividshift.config import Settings
from vividshift.db import connect

SESSIONS_CRON = "*/15 * * * *"


async def purge_sessions(settings: Settings, database_url: str) -> dict[str, int]:
    """Delete revoked, expired and idle-timed-out sessions, and failed logins older than
    their window (the accounts service's own cleanup)."""
    async with connect(database_url) as conn:
        sessions, failures = await service.cleanup(conn, settings)
    return {"sessions": sessions, "login_failures": failures}


def register(app: App) -> None:
    """Register the session purge (and its schedule) on `app`."""

    @app.periodic(cron=SESSIONS_CRON, periodic_id="purge_sessions")
    @app.task(
        name="purge_sessions", queue="maintenance", pass_context=True, queueing_lock="sessions"
    )
    async def purge_sessions_task(context: JobContext, timestamp: int) -> dict[str, int]:
        extra = context.additional_context
        return await purge_sessions(extra["settings"], extra["database_url"])
