"""Whether the database answers, within a short deadline."""

import asyncio
import logging

from psycopg_pool import AsyncConnectionPool

log = logging.getLogger("vividshift.ready")

READY_TIMEOUT_SECONDS = 2.0


async def is_database_reachable(pool: AsyncConnectionPool) -> bool:
    """True when a pooled connection answers `SELECT 1` within the deadline."""
    try:
        async with asyncio.timeout(READY_TIMEOUT_SECONDS):
            async with pool.connection(timeout=READY_TIMEOUT_SECONDS) as conn:
                await conn.execute("SELECT 1")
        return True
    except Exception as exc:  # any failure means "not ready"; the probe must not raise
        log.warning("database unreachable: %s", type(exc).__name__)
        return False
