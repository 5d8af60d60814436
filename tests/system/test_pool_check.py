"""A pooled connection is checked on checkout only when it has been idle a while: one
back from a request this recently skips the check's round trip, one idle longer is
still checked (a database restart costs no failed request then)."""

import asyncio
from collections.abc import AsyncIterator

import psycopg
import pytest
from psycopg_pool import AsyncConnectionPool

from tests.conftest import make_settings
from vividshift import db as db_module
from vividshift.db import create_pool


@pytest.fixture
async def pool(fresh_db_url: str) -> AsyncIterator[AsyncConnectionPool]:
    settings = make_settings(fresh_db_url, db_pool_min_size=1, db_pool_max_size=1)
    pool = create_pool(fresh_db_url, settings)
    await pool.open(wait=True)
    try:
        yield pool
    finally:
        await pool.close()


async def used_backend(pool: AsyncConnectionPool) -> int:
    async with pool.connection() as conn:
        await conn.execute("SELECT 1")
        return conn.info.backend_pid


async def terminate(url: str, pid: int) -> None:
    async with await psycopg.AsyncConnection.connect(url, autocommit=True) as other:
        await other.execute("SELECT pg_terminate_backend(%s)", (pid,))
        for _ in range(100):
            cur = await other.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", (pid,))
            if await cur.fetchone() is None:
                return
            await asyncio.sleep(0.01)


async def test_a_connection_used_just_now_is_not_checked_again(
    pool: AsyncConnectionPool, fresh_db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(db_module, "RECENTLY_USED_S", 30.0)  # "just now", however slow
    await terminate(fresh_db_url, await used_backend(pool))
    with pytest.raises(psycopg.OperationalError):  # no check: the dead socket is handed out
        async with pool.connection() as conn:
            await conn.execute("SELECT 1")
    assert await used_backend(pool) > 0  # the broken connection was replaced


async def test_a_connection_idle_a_while_is_checked_and_replaced_if_dead(
    pool: AsyncConnectionPool, fresh_db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(db_module, "RECENTLY_USED_S", 0.2)
    await terminate(fresh_db_url, await used_backend(pool))
    await asyncio.sleep(0.3)
    async with pool.connection() as conn:  # checked on checkout: a live one instead
        await conn.execute("SELECT 1")
