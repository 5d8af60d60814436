"""Single use under concurrency: two accepts of one token at once, one wins (the other
410), on real connections of a committed database."""

import asyncio
import uuid

import psycopg
from psycopg.rows import dict_row

from tests.secrets_registry import remember
from vividshift.auth.deps import Principal
from vividshift.errors import Gone
from vividshift.invitations import service
from vividshift.invitations.schemas import Accepted, InvitationCreate


async def _connect(url: str) -> psycopg.AsyncConnection:
    return await psycopg.AsyncConnection.connect(url, autocommit=True, row_factory=dict_row)


async def _user(conn: psycopg.AsyncConnection) -> Principal:
    name = f"u{uuid.uuid4().hex[:10]}"
    cur = await conn.execute(
        "INSERT INTO users (username, email, password_hash) VALUES (%s, %s, 'x') RETURNING id",
        (name, f"{name}@example.org"),
    )
    row = await cur.fetchone()
    return Principal(id=row["id"], username=name, role="user", session_id=uuid.uuid4())


async def test_two_accepts_at_once_one_wins(fresh_db_url: str) -> None:
    setup, lock, first, second = [await _connect(fresh_db_url) for _ in range(4)]
    try:
        cur = await setup.execute(
            "INSERT INTO domains (name, display_name) VALUES ('oak', 'Oak') RETURNING id"
        )
        domain_id = (await cur.fetchone())["id"]
        invitation = await service.create_invitation(
            setup, None, domain_id, InvitationCreate(email="r@example.org"), base_url="http://x"
        )
        remember(invitation.token)
        ana, ben = await _user(setup), await _user(setup)
        # Hold the invitation's row so both accepts are waiting on it at the same time.
        async with lock.transaction():
            await lock.execute(
                "SELECT 1 FROM domain_invitations WHERE id = %s FOR UPDATE", (invitation.id,)
            )
            racing = [
                asyncio.create_task(service.accept(first, ana, invitation.token)),
                asyncio.create_task(service.accept(second, ben, invitation.token)),
            ]
            for _ in range(200):
                cur = await setup.execute(
                    "SELECT count(*) AS n FROM pg_stat_activity"
                    " WHERE wait_event_type = 'Lock' AND datname = current_database()"
                )
                if (await cur.fetchone())["n"] == 2:
                    break
                await asyncio.sleep(0.02)
            else:
                raise AssertionError("the two accepts never waited together")
        results = await asyncio.gather(*racing, return_exceptions=True)
        assert sorted(type(r).__name__ for r in results) == ["Accepted", "Gone"], results
        winner = ana if isinstance(results[0], Accepted) else ben
        assert isinstance(next(r for r in results if not isinstance(r, Accepted)), Gone)
        cur = await setup.execute(
            "SELECT user_id FROM domain_members WHERE domain_id = %s", (domain_id,)
        )
        assert [r["user_id"] for r in await cur.fetchall()] == [winner.id]
        cur = await setup.execute(
            "SELECT accepted_by FROM domain_invitations WHERE id = %s", (invitation.id,)
        )
        assert (await cur.fetchone())["accepted_by"] == winner.id
    finally:
        for conn in (setup, lock, first, second):
            await conn.close()
