"""A generation holds no database connection while the solver runs (load, release,
solve, persist on a fresh one, re-checking what it read), and a client gone by the end
of the solve stops it before anything is written."""

from contextlib import asynccontextmanager

import psycopg
import pytest
from psycopg.rows import dict_row

from tests.assignments.test_transactions import _setup
from tests.conftest import make_settings
from tests.factories import make_user
from vividshift.assignments import generation
from vividshift.assignments.schemas import GenerateRequest
from vividshift.auth.deps import Principal
from vividshift.db import create_pool


class _App:
    def __init__(self, conn) -> None:  # type: ignore[no-untyped-def]
        self.conn = conn


@pytest.fixture
async def setup(fresh_db_url: str):  # type: ignore[no-untyped-def]
    async with await psycopg.AsyncConnection.connect(
        fresh_db_url, autocommit=True, row_factory=dict_row
    ) as conn:
        people, targets = await _setup(_App(conn), n_people=12, n_targets=3, per_target=2)
        user = await make_user(conn, role="user")
        principal = Principal(user["id"], user["username"], "user", user["id"])
        pool = create_pool(fresh_db_url, make_settings(fresh_db_url, db_pool_max_size=2))
        await pool.open()
        try:
            yield (
                conn,
                pool,
                principal,
                GenerateRequest.model_validate(
                    {"participants": people, "targets": targets, "seed": 5}
                ),
            )
        finally:
            await pool.close()


async def test_no_connection_is_held_while_solving(setup) -> None:  # type: ignore[no-untyped-def]
    conn, pool, principal, body = setup
    events: list[str] = []

    @asynccontextmanager
    async def connect():  # type: ignore[no-untyped-def]
        async with pool.connection() as c:
            events.append("acquire")
            yield c
            events.append("release")

    async def client_gone() -> bool:  # called once the solver has finished
        stats = pool.get_stats()
        events.append(f"solved with {stats['pool_size'] - stats['pool_available']} in use")
        return False

    result = await generation.generate_released(connect, principal, body, client_gone=client_gone)
    assert events == ["acquire", "release", "solved with 0 in use", "acquire", "release"]
    assert len(result.details) == 6
    cur = await conn.execute("SELECT count(*) AS n FROM assignment_details")
    assert (await cur.fetchone())["n"] == 6


async def test_a_client_gone_after_the_solve_saves_nothing(setup) -> None:  # type: ignore[no-untyped-def]
    conn, pool, principal, body = setup

    async def gone() -> bool:
        return True

    with pytest.raises(generation.ClientGone):
        await generation.generate_released(pool.connection, principal, body, client_gone=gone)
    cur = await conn.execute("SELECT count(*) AS n FROM assignments")
    assert (await cur.fetchone())["n"] == 0


async def test_inputs_changed_during_the_solve_are_solved_again(setup) -> None:  # type: ignore[no-untyped-def]
    """A participant deactivated between the load and the persist: the stored run is
    the one of the data as they are at the persist, not a stale one."""
    conn, pool, principal, body = setup
    body = body.model_copy(update={"participants": []})  # all active

    async def meanwhile() -> bool:
        await conn.execute("UPDATE participants SET is_active = false WHERE name = 'p000'")
        return False

    result = await generation.generate_released(
        pool.connection, principal, body, client_gone=meanwhile
    )
    cur = await conn.execute("SELECT id FROM participants WHERE name = 'p000'")
    gone = str((await cur.fetchone())["id"])
    assert gone not in set(result.participant_ids)
    cur = await conn.execute(
        "SELECT configuration->'inputs'->>'participant_count' AS n FROM assignments"
    )
    assert (await cur.fetchone())["n"] == "11"  # solved on the 11 still active
