"""Refresh-token rotation, reuse detection (RFC 9700 §4.14) and session timeouts."""

import asyncio
from datetime import datetime

import httpx
import psycopg
from psycopg.rows import dict_row

from tests.auth.helpers import bearer, login_ok, new_name, new_password, register
from tests.conftest import make_settings
from tests.secrets_registry import remember
from vividshift.app import create_app
from vividshift.auth import service
from vividshift.db import Connection


async def refresh(client: httpx.AsyncClient, token: str) -> httpx.Response:
    response = await client.post("/auth/refresh", json={"refresh_token": token})
    if response.status_code == 200:
        remember(response.json()["token"], response.json()["refresh_token"])
    return response


async def session_row(db: Connection, user_id: str) -> dict:
    cur = await db.execute("SELECT * FROM user_sessions WHERE user_id = %s", (user_id,))
    rows = await cur.fetchall()
    assert len(rows) == 1
    return rows[0]


async def test_refresh_rotates_and_each_token_works_once(
    client: httpx.AsyncClient, db: Connection
) -> None:
    user = await register(client)
    first = await login_ok(client, user["username"], user["password"])
    before = await session_row(db, user["id"])
    second = (await refresh(client, first["refresh_token"])).json()
    assert second["refresh_token"] != first["refresh_token"]
    assert second["token"] != first["token"]
    assert second["user"]["id"] == user["id"]
    after = await session_row(db, user["id"])
    assert after["id"] == before["id"]  # same session (family), new token hash
    assert after["token_hash"] != before["token_hash"]
    assert (await client.get("/api/me", headers=bearer(second["token"]))).status_code == 200
    third = await refresh(client, second["refresh_token"])
    assert third.status_code == 200


async def test_reuse_of_a_refresh_token_revokes_the_family(
    client: httpx.AsyncClient, db: Connection
) -> None:
    user = await register(client)
    first = await login_ok(client, user["username"], user["password"])
    other_session = await login_ok(client, user["username"], user["password"])
    second = (await refresh(client, first["refresh_token"])).json()
    # Past the reuse grace (10 s): move the rotation back rather than wait.
    await db.execute(
        "UPDATE user_sessions SET rotated_at = rotated_at - interval '11 seconds'"
        " WHERE user_id = %s",
        (user["id"],),
    )
    reused = await refresh(client, first["refresh_token"])  # the attacker's stolen copy
    assert reused.status_code == 401
    assert reused.json()["code"] == "AUTHENTICATION_ERROR"
    # The whole family ends: the legitimate holder's newer tokens too.
    assert (await client.get("/api/me", headers=bearer(second["token"]))).status_code == 401
    assert (await refresh(client, second["refresh_token"])).status_code == 401
    cur = await db.execute(
        "SELECT revoke_reason FROM user_sessions WHERE user_id = %s AND is_revoked", (user["id"],)
    )
    assert [r["revoke_reason"] for r in await cur.fetchall()] == ["refresh_reuse"]
    # Other sessions (families) of the same user are untouched.
    assert (await client.get("/api/me", headers=bearer(other_session["token"]))).status_code == 200


async def test_refresh_moves_idle_timeout_but_never_past_absolute(
    client: httpx.AsyncClient, db: Connection
) -> None:
    user = await register(client)
    tokens = await login_ok(client, user["username"], user["password"])
    row = await session_row(db, user["id"])
    lifetime = (row["expires_at"] - row["created_at"]).total_seconds()
    idle = (row["idle_expires_at"] - row["created_at"]).total_seconds()
    assert abs(lifetime - 12 * 3600) < 60
    assert abs(idle - 30 * 60) < 60
    await db.execute(
        "UPDATE user_sessions SET expires_at = now() + interval '5 minutes',"
        " idle_expires_at = now() + interval '1 minute' WHERE id = %s",
        (row["id"],),
    )
    assert (await refresh(client, tokens["refresh_token"])).status_code == 200
    row = await session_row(db, user["id"])
    assert row["idle_expires_at"] == row["expires_at"]


async def test_idle_and_absolute_timeouts_end_refresh_too(
    client: httpx.AsyncClient, db: Connection
) -> None:
    for column in ("idle_expires_at", "expires_at"):
        user = await register(client)
        tokens = await login_ok(client, user["username"], user["password"])
        await db.execute(
            f"UPDATE user_sessions SET {column} = now() - interval '1 second' WHERE user_id = %s",
            (user["id"],),
        )
        assert (await refresh(client, tokens["refresh_token"])).status_code == 401
        assert (await client.get("/api/me", headers=bearer(tokens["token"]))).status_code == 401


async def test_refresh_of_deactivated_user_is_401(
    client: httpx.AsyncClient, db: Connection
) -> None:
    user = await register(client)
    tokens = await login_ok(client, user["username"], user["password"])
    await db.execute("UPDATE users SET is_active = false WHERE id = %s", (user["id"],))
    assert (await refresh(client, tokens["refresh_token"])).status_code == 401


async def test_timeouts_are_settings(database_url: str) -> None:
    settings = make_settings(
        database_url, session_idle_timeout_seconds=120, session_absolute_lifetime_seconds=600
    )
    assert settings.session_idle_timeout_seconds == 120
    assert settings.session_absolute_lifetime_seconds == 600


async def test_twenty_concurrent_refreshes_exactly_one_succeeds(fresh_db_url: str) -> None:
    """Real commits, a pool of 20 connections: the rotation is atomic (strict mode, no
    reuse grace)."""
    settings = make_settings(
        fresh_db_url, db_pool_max_size=20, db_pool_min_size=0, refresh_reuse_grace_seconds=0
    )
    name, password = new_name(), new_password()
    async with await psycopg.AsyncConnection.connect(
        fresh_db_url, autocommit=True, row_factory=dict_row
    ) as conn:
        await service.create_user(
            conn, username=name, email=f"{name}@example.org", password=password
        )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            tokens = await login_ok(client, name, password)
            responses = await asyncio.gather(
                *(refresh(client, tokens["refresh_token"]) for _ in range(20))
            )
            statuses = sorted(r.status_code for r in responses)
            assert statuses == [200] + [401] * 19, statuses
            # The losers presented a token that was no longer current: reuse, family ends.
            winner = next(r for r in responses if r.status_code == 200).json()
            me = await client.get("/api/me", headers=bearer(winner["token"]))
            assert me.status_code == 401
    async with await psycopg.AsyncConnection.connect(fresh_db_url, row_factory=dict_row) as conn:
        cur = await conn.execute("SELECT is_revoked, revoke_reason FROM user_sessions")
        assert await cur.fetchall() == [{"is_revoked": True, "revoke_reason": "refresh_reuse"}]


def _parse(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


async def test_access_token_lifetime_is_short(client: httpx.AsyncClient) -> None:
    user = await register(client)
    tokens = await login_ok(client, user["username"], user["password"])
    span = _parse(tokens["expires_at"]) - datetime.now(_parse(tokens["expires_at"]).tzinfo)
    assert 14 * 60 < span.total_seconds() <= 15 * 60


async def test_racing_refreshes_within_the_grace_share_the_winners_pair(
    fresh_db_url: str,
) -> None:
    """Two tabs refresh with the same token at once: nobody is logged out; every loser
    gets the winner's refresh token, and the session goes on."""
    settings = make_settings(fresh_db_url, db_pool_max_size=10, db_pool_min_size=0)
    name, password = new_name(), new_password()
    async with await psycopg.AsyncConnection.connect(
        fresh_db_url, autocommit=True, row_factory=dict_row
    ) as conn:
        await service.create_user(
            conn, username=name, email=f"{name}@example.org", password=password
        )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            tokens = await login_ok(client, name, password)
            responses = await asyncio.gather(
                *(refresh(client, tokens["refresh_token"]) for _ in range(6))
            )
            assert [r.status_code for r in responses] == [200] * 6
            pairs = [r.json() for r in responses]
            assert len({p["refresh_token"] for p in pairs}) == 1  # the winner's, for all
            for pair in pairs:
                me = await client.get("/api/me", headers=bearer(pair["token"]))
                assert me.status_code == 200
            # The shared token rotates on as usual.
            nxt = await refresh(client, pairs[0]["refresh_token"])
            assert nxt.status_code == 200
            # The first token is now two rotations old: reuse, the family ends.
            stale = await refresh(client, tokens["refresh_token"])
            assert stale.status_code == 401
            me = await client.get("/api/me", headers=bearer(nxt.json()["token"]))
            assert me.status_code == 401
    async with await psycopg.AsyncConnection.connect(fresh_db_url, row_factory=dict_row) as conn:
        cur = await conn.execute("SELECT is_revoked, revoke_reason FROM user_sessions")
        assert await cur.fetchall() == [{"is_revoked": True, "revoke_reason": "refresh_reuse"}]
