"""The opt-in session cache: hits skip the database, and every way a session ends or an
account changes applies to the next request — at once when made through this process
(logout, ending a session), once its notification arrives when made by another
connection (a role change, a deactivation)."""

import asyncio
from collections.abc import AsyncIterator
from uuid import UUID

import httpx
import psycopg
import pytest

from tests.auth.helpers import bearer, login_ok, register
from tests.conftest import make_settings
from vividshift.app import create_app
from vividshift.auth.session_cache import SessionCache
from vividshift.auth.tokens import decode_token


@pytest.fixture
async def cached(fresh_db_url: str) -> AsyncIterator[tuple[httpx.AsyncClient, SessionCache]]:
    """A client on an app with the cache on, over a real pool (committed writes)."""
    app = create_app(make_settings(fresh_db_url, session_cache_seconds=60))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            http.app = app  # type: ignore[attr-defined]
            yield http, app.state.session_cache


async def signed_in(http: httpx.AsyncClient) -> tuple[dict, dict]:
    user = await register(http)
    return user, await login_ok(http, user["username"], user["password"])


def session_of(http: httpx.AsyncClient, token: str) -> tuple[UUID, UUID]:
    app = http.app  # type: ignore[attr-defined]
    claims = decode_token(app.state.settings, app.state.jwt_key, token, "access")
    assert claims is not None
    return claims.session_id, claims.user_id


async def test_a_live_session_is_served_from_the_cache(
    cached: tuple[httpx.AsyncClient, SessionCache],
) -> None:
    http, cache = cached
    _, session = await signed_in(http)
    sid, uid = session_of(http, session["token"])
    assert cache.listening and cache.get(sid, uid) is None
    assert (await http.get("/api/me", headers=bearer(session["token"]))).status_code == 200
    hit = cache.get(sid, uid)
    assert hit is not None and hit.id == uid
    assert (await http.get("/api/me", headers=bearer(session["token"]))).status_code == 200


async def test_logout_applies_to_the_very_next_request(
    cached: tuple[httpx.AsyncClient, SessionCache],
) -> None:
    http, _ = cached
    _, session = await signed_in(http)
    headers = bearer(session["token"])
    assert (await http.get("/api/me", headers=headers)).status_code == 200  # now cached
    assert (await http.post("/auth/logout", headers=headers)).status_code == 204
    assert (await http.get("/api/me", headers=headers)).status_code == 401


async def test_ending_a_session_from_another_applies_at_once(
    cached: tuple[httpx.AsyncClient, SessionCache],
) -> None:
    http, _ = cached
    user, first = await signed_in(http)
    second = await login_ok(http, user["username"], user["password"])
    assert (await http.get("/api/me", headers=bearer(second["token"]))).status_code == 200
    sid, _ = session_of(http, second["token"])
    ended = await http.delete(f"/auth/sessions/{sid}", headers=bearer(first["token"]))
    assert ended.status_code == 204
    assert (await http.get("/api/me", headers=bearer(second["token"]))).status_code == 401


async def test_changes_made_by_another_connection_apply_to_the_next_request(
    cached: tuple[httpx.AsyncClient, SessionCache], fresh_db_url: str
) -> None:
    """As when an administrator's CLI or another app process makes them: the next
    request once the change's notification has reached this process (it is sent at
    commit; on a loaded machine it can take a few milliseconds to arrive)."""
    http, cache = cached
    user, session = await signed_in(http)
    headers = bearer(session["token"])
    sid, uid = session_of(http, session["token"])
    assert (await http.get("/api/me", headers=headers)).json()["role"] == "user"
    async with await psycopg.AsyncConnection.connect(fresh_db_url, autocommit=True) as other:
        await other.execute("UPDATE users SET role = 'viewer' WHERE id = %s", (user["id"],))
        await _notified(cache, sid, uid)
        assert (await http.get("/api/me", headers=headers)).json()["role"] == "viewer"
        await other.execute("UPDATE users SET is_active = false WHERE id = %s", (user["id"],))
        await _notified(cache, sid, uid)
        assert (await http.get("/api/me", headers=headers)).status_code == 401


async def _notified(cache: SessionCache, sid: UUID, uid: UUID) -> None:
    """Wait (at most a second) until the cache has dropped the session."""
    for _ in range(100):
        if cache.get(sid, uid) is None:
            return
        await asyncio.sleep(0.01)
    raise AssertionError("no notification within a second")


async def test_without_its_listening_connection_the_cache_is_not_used(
    cached: tuple[httpx.AsyncClient, SessionCache], fresh_db_url: str
) -> None:
    """Fail closed: changes could go unheard, so every request asks the database."""
    http, cache = cached
    user, session = await signed_in(http)
    headers = bearer(session["token"])
    assert (await http.get("/api/me", headers=headers)).status_code == 200
    async with await psycopg.AsyncConnection.connect(fresh_db_url, autocommit=True) as other:
        await other.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE query = 'LISTEN vividshift_auth' AND datname = current_database()"
        )
        sid, uid = session_of(http, session["token"])
        for _ in range(200):  # the termination reaches the socket asynchronously
            if not cache.listening:
                break
            cache.get(sid, uid)
            await asyncio.sleep(0.01)
        assert not cache.listening
        await other.execute("UPDATE user_sessions SET is_revoked = true WHERE id = %s", (sid,))
    assert (await http.get("/api/me", headers=headers)).status_code == 401


async def test_an_own_write_empties_the_cache_before_the_notification_arrives(
    cached: tuple[httpx.AsyncClient, SessionCache], fresh_db_url: str
) -> None:
    """Ending a session through this process applies on the next request even when no
    notification ever comes (the trigger is off): the write itself empties the cache."""
    http, cache = cached
    user, first = await signed_in(http)
    second = await login_ok(http, user["username"], user["password"])
    assert (await http.get("/api/me", headers=bearer(second["token"]))).status_code == 200
    sid, uid = session_of(http, second["token"])
    assert cache.get(sid, uid) is not None
    trigger = "ALTER TABLE user_sessions {} TRIGGER notify_user_sessions_change"
    with psycopg.connect(fresh_db_url, autocommit=True) as conn:
        conn.execute(trigger.format("DISABLE"))
    try:
        ended = await http.delete(f"/auth/sessions/{sid}", headers=bearer(first["token"]))
        assert ended.status_code == 204
        assert cache.get(sid, uid) is None
        assert (await http.get("/api/me", headers=bearer(second["token"]))).status_code == 401
    finally:
        with psycopg.connect(fresh_db_url, autocommit=True) as conn:
            conn.execute(trigger.format("ENABLE"))
