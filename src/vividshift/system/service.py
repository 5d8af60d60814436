"""Whether the database answers, within a short deadline, and if not, why."""

import asyncio
import logging
from typing import Literal

import psycopg
from psycopg.errors import TooManyConnections
from psycopg_pool import AsyncConnectionPool, PoolTimeout

log = logging.getLogger("vividshift.ready")

READY_TIMEOUT_SECONDS = 2.0

DatabaseState = Literal["connected", "busy", "unreachable"]


async def database_state(pool: AsyncConnectionPool, url: str) -> DatabaseState:
    """`connected` when a pooled connection answers `SELECT 1` within the deadline;
    `busy` when no pooled connection is free but the server answers a connection of its
    own at `url` (or says it has too many); `unreachable` otherwise. Never raises."""
    try:
        async with asyncio.timeout(READY_TIMEOUT_SECONDS):
            # Half the deadline for a free connection, so a busy pool is told apart.
            wait = min(pool.timeout, READY_TIMEOUT_SECONDS / 2)
            async with pool.connection(timeout=wait) as conn:
                await conn.execute("SELECT 1")
        return "connected"
    except PoolTimeout:
        state = await _server_state(url)
    except Exception as exc:  # any other failure means "not ready"; the probe must not raise
        log.warning("database unreachable: %s", type(exc).__name__)
        return "unreachable"
    log.warning("database %s: no pooled connection free", state)
    return state


async def _server_state(conninfo: str) -> DatabaseState:
    """Whether the server itself answers, on one short connection outside the pool."""
    try:
        async with asyncio.timeout(READY_TIMEOUT_SECONDS):
            conn = await psycopg.AsyncConnection.connect(
                conninfo, connect_timeout=max(1, int(READY_TIMEOUT_SECONDS)), autocommit=True
            )
            try:
                await conn.execute("SELECT 1")
            finally:
                await conn.close()
        return "busy"
    except TooManyConnections:
        return "busy"
    except Exception:  # refused, timed out, shut down: the server is not there
        return "unreachable"
