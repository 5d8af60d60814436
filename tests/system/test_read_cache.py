"""The opt-in read cache (GET /api/me/assignments, GET /api/participants): a hit is the
miss's bytes; a change committed by another connection shows on a request right after
its notification arrives, one made through this process's API on the very next
request; entries are per caller; without its listening connection nothing is cached."""

import asyncio
import hashlib
import re
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from tests.assignments.helpers import LiveApp, live_app, user_id_of
from tests.factories import make_assignment, make_detail, make_domain, make_participant, make_target
from vividshift.change_listener import APPLICATION_NAME, ChangeListener
from vividshift.db import Connection
from vividshift.domains.queries import upsert_member
from vividshift.http.read_cache import ReadCache

MINE = "/api/me/assignments"
COOKS = "/api/participants?has_skill=cooking"
NOTIFIED_WITHIN_S = 1.0


@dataclass
class House:
    live: LiveApp
    cache: ReadCache
    headers: dict[str, str]
    house: dict[str, Any]
    me: dict[str, Any]
    mate: dict[str, Any]
    chore: dict[str, Any]
    run: dict[str, Any]
    detail: dict[str, Any]


async def _house(conn: Connection, user_id: Any) -> dict[str, Any]:
    """A house where the user is "Me" (a cook) with a mate on one chore, 30 days ahead."""
    house = await make_domain(conn, configuration={"timezone": "Europe/Berlin"})
    me = await make_participant(
        conn, domain_id=house["id"], name="Me", user_id=user_id, skills=["cooking"]
    )
    mate = await make_participant(conn, domain_id=house["id"], name="Mate", skills=["cooking"])
    chore = await make_target(conn, domain_id=house["id"], name="Dishes")
    run = await make_assignment(
        conn, domain_id=house["id"], assignment_date=date.today() + timedelta(days=30)
    )
    details = [
        await make_detail(
            conn,
            assignment_id=run["id"],
            participant_id=person["id"],
            target_id=chore["id"],
            position=position,
        )
        for position, person in enumerate((me, mate))
    ]
    await upsert_member(conn, house["id"], user_id, "manager", None)
    return {"house": house, "me": me, "mate": mate, "chore": chore, "run": run} | {
        "detail": details[0]
    }


@pytest.fixture
async def cached(fresh_db_url: str) -> AsyncIterator[House]:
    """The app with the read cache on, over a real pool (committed writes), and a house."""
    async with live_app(fresh_db_url, read_cache_seconds=60) as live:
        headers, user = await live.headers("user")
        made = await _house(live.conn, user["id"])
        app = live.client._transport.app  # type: ignore[attr-defined]
        yield House(live, app.state.read_cache, headers, **made)


async def _get(h: House, path: str, headers: dict[str, str] | None = None) -> bytes:
    response = await h.live.client.get(path, headers=headers or h.headers)
    assert response.status_code == 200, response.text
    return response.content


async def _changed(h: House, path: str, before: bytes) -> bytes:
    """The first answer that differs from `before`, asking until the change's
    notification has had time to arrive (bounded)."""
    deadline = asyncio.get_running_loop().time() + NOTIFIED_WITHIN_S
    while True:
        body = await _get(h, path)
        if body != before or asyncio.get_running_loop().time() > deadline:
            return body
        await asyncio.sleep(0.01)


async def _unnotified(h: House, table: str, update: str, row_id: Any) -> None:
    """`UPDATE table update` with its notifying trigger off (committed)."""
    trigger = f"notify_{table}_read_change"
    async with h.live.conn.transaction():
        await h.live.conn.execute(f"ALTER TABLE {table} DISABLE TRIGGER {trigger}")
        await h.live.conn.execute(f"UPDATE {table} {update}", (row_id,))
        await h.live.conn.execute(f"ALTER TABLE {table} ENABLE TRIGGER {trigger}")


async def test_a_hit_is_the_bytes_of_the_miss_and_skips_the_database(cached: House) -> None:
    h = cached
    for path in (MINE, COOKS, MINE + "?when=all&limit=5", "/api/participants?sort=-name"):
        miss = await _get(h, path)
        assert await _get(h, path) == miss
    assert len(h.cache) == 4
    # A write nobody is told of proves the hit came from memory: the cached answer
    # still shows the old name.
    await _unnotified(h, "participants", "SET name = 'Unseen' WHERE id = %s", h.mate["id"])
    assert b"Unseen" not in await _get(h, MINE)


async def test_the_answers_are_byte_identical_with_the_cache_off(
    cached: House, fresh_db_url: str
) -> None:
    paths = [
        MINE,
        MINE + "?when=past",
        MINE + "?when=all&limit=1&offset=1",
        COOKS,
        "/api/participants?sort=-created_at&limit=1",
        f"/api/participants?domain={cached.house['name']}&q=at",
    ]
    on = [hashlib.sha1(await _get(cached, p)).hexdigest() for p in paths]
    hits = [hashlib.sha1(await _get(cached, p)).hexdigest() for p in paths]
    async with live_app(fresh_db_url) as off:
        assert off.client._transport.app.state.settings.read_cache_seconds == 0  # type: ignore[attr-defined]
        plain = []
        for path in paths:
            response = await off.client.get(path, headers=cached.headers)
            assert response.status_code == 200
            plain.append(hashlib.sha1(response.content).hexdigest())
    assert on == hits == plain


# Changes committed by another connection (another process, the CLI, psql): each is
# seen once its notification arrives. (path, SQL, its parameters' keys, seen in the body)
CHANGES: dict[str, tuple[str, str, tuple[str, ...], Callable[[bytes], bool]]] = {
    "place marked done": (
        MINE,
        "UPDATE assignment_details SET outcome = 'done', outcome_at = now() WHERE id = %s",
        ("detail",),
        lambda body: b'"outcome":"done"' in body,
    ),
    "task renamed": (
        MINE,
        "UPDATE assignment_targets SET name = 'Pots' WHERE id = %s",
        ("chore",),
        lambda body: b'"target_name":"Pots"' in body,
    ),
    "teammate renamed": (
        MINE,
        "UPDATE participants SET name = 'Matey' WHERE id = %s",
        ("mate",),
        lambda body: b'"name":"Matey"' in body,
    ),
    "run cancelled": (
        MINE,
        "UPDATE assignments SET status = 'cancelled' WHERE id = %s",
        ("run",),
        lambda body: body.startswith(b'{"items":[],"total":0'),
    ),
    "participant unlinked": (
        MINE,
        "UPDATE participants SET user_id = NULL WHERE id = %s",
        ("me",),
        lambda body: body.startswith(b'{"items":[],"total":0'),
    ),
    "membership removed": (
        MINE,
        "DELETE FROM domain_members WHERE domain_id = %s",
        ("house",),
        lambda body: body.startswith(b'{"items":[],"total":0'),
    ),
    "skills changed": (
        COOKS,
        "UPDATE participants SET skills = '[\"baking\"]' WHERE id = %s",
        ("mate",),
        lambda body: b'"name":"Mate"' not in body and b'"name":"Me"' in body,
    ),
}


@pytest.mark.parametrize("change", list(CHANGES))
async def test_a_change_by_another_connection_is_seen_once_notified(
    cached: House, change: str
) -> None:
    h = cached
    path, sql, keys, shows = CHANGES[change]
    before = await _get(h, path)
    assert await _get(h, path) == before and len(h.cache) == 1  # cached
    assert not shows(before)
    await h.live.conn.execute(sql, tuple(getattr(h, k)["id"] for k in keys))
    after = await _changed(h, path, before)
    assert shows(after), after
    assert await _get(h, path) == after


async def test_an_own_write_is_seen_on_the_very_next_request(cached: House) -> None:
    h = cached
    before = await _get(h, MINE)
    assert b'"name":"Mate"' in before and len(h.cache) == 1
    renamed = await h.live.client.patch(
        f"/api/participants/{h.mate['id']}", json={"name": "Matey"}, headers=h.headers
    )
    assert renamed.status_code == 200
    # Dropped before the answer left, not when the notification is read.
    assert len(h.cache) == 0
    assert b'"name":"Matey"' in await _get(h, MINE)


async def test_a_refused_write_drops_the_cache_too_and_errors_are_never_kept(
    cached: House,
) -> None:
    h = cached
    await _get(h, COOKS)
    bad = await h.live.client.patch(
        f"/api/participants/{h.mate['id']}", json={"name": ""}, headers=h.headers
    )
    assert bad.status_code == 422 and len(h.cache) == 0
    unseen = await h.live.client.get("/api/participants?domain=nowhere", headers=h.headers)
    invalid = await h.live.client.get(MINE + "?when=soon", headers=h.headers)
    assert (unseen.status_code, invalid.status_code) == (404, 422)
    assert len(h.cache) == 0


async def test_a_different_caller_never_gets_anothers_entry(cached: House) -> None:
    h = cached
    other_headers, other = await h.live.headers("user")
    await make_participant(h.live.conn, domain_id=h.house["id"], name="Other", user_id=other["id"])
    await upsert_member(h.live.conn, h.house["id"], other["id"], "member", None)
    # Two entries are kept, each answers its own caller.
    mine, theirs = await _get(h, MINE), await _get(h, MINE, other_headers)
    assert b'"target_name":"Dishes"' in mine and theirs.startswith(b'{"items":[],"total":0')
    assert await _get(h, MINE) == mine and await _get(h, MINE, other_headers) == theirs
    # The other's list shows their house's people, mine mine: the same query, two entries.
    unseen = await make_domain(h.live.conn)
    await make_participant(h.live.conn, domain_id=unseen["id"], name="Hidden", skills=["cooking"])
    assert b"Hidden" not in await _get(h, COOKS)
    # The same account with another role is another caller: an admin sees every house.
    await h.live.conn.execute(
        "UPDATE users SET role = 'admin' WHERE id = %s", (user_id_of(h.headers),)
    )
    assert b"Hidden" in await _get(h, COOKS)


async def _listener_killed(h: House) -> None:
    await h.live.conn.execute(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
        " WHERE application_name = %s AND datname = current_database()",
        (APPLICATION_NAME,),
    )
    for _ in range(200):  # the termination reaches the socket asynchronously
        if not h.cache.listening:
            return
        h.cache.get(("probe",))
        await asyncio.sleep(0.01)
    raise AssertionError("the listening connection still looks alive")


async def test_without_its_listening_connection_nothing_is_cached(cached: House) -> None:
    h = cached
    await _get(h, MINE)
    assert len(h.cache) == 1
    await _listener_killed(h)
    assert len(h.cache) == 0
    first = await _get(h, MINE)
    # A change nobody is told of is still seen: the answer was not kept.
    await _unnotified(h, "assignment_targets", "SET name = 'Pots' WHERE id = %s", h.chore["id"])
    assert b'"target_name":"Dishes"' in first
    assert b'"target_name":"Pots"' in await _get(h, MINE)


async def test_an_entry_never_outlives_its_end(cached: House) -> None:
    """The bound `until` (for My turns: the houses' next midnight) caps the TTL."""
    h = cached
    h.cache.get(("drain",))
    generation = h.cache.generation
    soon = datetime.now(UTC) + timedelta(seconds=0.2)
    await h.cache.put(("soon",), b"{}", generation, soon)
    await h.cache.put(("past",), b"{}", generation, datetime.now(UTC) - timedelta(seconds=1))
    await h.cache.put(("stale",), b"{}", generation - 1)  # built before a change
    assert h.cache.get(("soon",)) == b"{}"
    assert h.cache.get(("past",)) is None and h.cache.get(("stale",)) is None
    await asyncio.sleep(0.3)
    assert h.cache.get(("soon",)) is None


async def test_one_listening_connection_serves_both_caches(fresh_db_url: str) -> None:
    """With the session cache on too, one connection LISTENs for both; a revoked session
    is still refused (before any cached answer), a change still seen."""
    async with live_app(fresh_db_url, read_cache_seconds=60, session_cache_seconds=60) as live:
        headers, user = await live.headers("user")
        made = await _house(live.conn, user["id"])
        app = live.client._transport.app  # type: ignore[attr-defined]
        h = House(live, app.state.read_cache, headers, **made)
        cur = await live.conn.execute(
            "SELECT count(*) AS n FROM pg_stat_activity"
            " WHERE application_name = %s AND datname = current_database()",
            (APPLICATION_NAME,),
        )
        assert (await cur.fetchone()) == {"n": 1}
        before = await _get(h, MINE)
        await live.conn.execute(
            "UPDATE assignment_targets SET name = 'Pots' WHERE id = %s", (h.chore["id"],)
        )
        assert b'"target_name":"Pots"' in await _changed(h, MINE, before)
        await live.conn.execute(
            "UPDATE user_sessions SET is_revoked = true WHERE user_id = %s", (user["id"],)
        )
        deadline = asyncio.get_running_loop().time() + NOTIFIED_WITHIN_S
        while (status := (await live.client.get(MINE, headers=headers)).status_code) == 200:
            assert asyncio.get_running_loop().time() < deadline
            await asyncio.sleep(0.01)
        assert status == 401


async def test_the_cache_keeps_at_most_its_bytes_oldest_out_first(fresh_db_url: str) -> None:
    listener = ChangeListener(fresh_db_url)
    cache = ReadCache(listener, 60, max_bytes=10)
    await listener.open()
    try:
        assert cache.get("probe") is None  # drained: listening
        for key in ("a", "b", "c"):
            await cache.put(key, b"1234", cache.generation)
        await cache.put("huge", b"x" * 11, cache.generation)  # never kept
        assert [cache.get(k) for k in ("a", "b", "c", "huge")] == [None, b"1234", b"1234", None]
    finally:
        await listener.close()
    assert len(cache) == 0 and cache.get("b") is None  # closed: nothing served


async def _lookups(h: House) -> dict[str, float]:
    text = (await h.live.client.get("/metrics")).text
    found = re.findall(r'^vividshift_read_cache_lookups_total\{result="(\w+)"\} (\S+)$', text, re.M)
    return {result: float(n) for result, n in found}


async def test_metrics_count_hits_misses_and_lookups_while_down(cached: House) -> None:
    h = cached
    before = await _lookups(h)
    await _get(h, MINE)
    await _get(h, MINE)
    await _listener_killed(h)
    await _get(h, MINE)
    after = await _lookups(h)
    delta = {k: after[k] - before.get(k, 0.0) for k in after}
    assert delta == {"hit": 1.0, "miss": 1.0, "down": 1.0}
