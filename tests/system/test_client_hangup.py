"""A client that hangs up mid-request leaves nothing behind and the server healthy: a
generation whose client closed the socket while the solver ran persists no run, and an
import whose client went away (mid-body, or right after sending it) writes all of its
rows or none. Against the app as `serve` runs it (a real uvicorn on 127.0.0.1), over raw
sockets."""

import asyncio
import json
import logging
import socket
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import closing
from typing import Any

import httpx
import psycopg
import pytest
from psycopg.rows import dict_row

from tests.conftest import make_settings
from tests.factories import make_user
from tests.secrets_registry import remember
from tests.system.live_server import serving
from vividshift.auth.service import ClientInfo, open_session
from vividshift.auth.tokens import resolve_signing_key

PEOPLE, TARGETS, PER_TARGET = 260, 40, 3


@pytest.fixture
def served(fresh_db_url: str) -> Iterator[tuple[str, int]]:
    """(host, port) of the app on its own database, as `serve` runs it."""
    with serving(make_settings(fresh_db_url, db_pool_max_size=4)) as address:
        yield address


@pytest.fixture
async def conn(fresh_db_url: str) -> AsyncIterator[psycopg.AsyncConnection[dict[str, Any]]]:
    async with await psycopg.AsyncConnection.connect(
        fresh_db_url, autocommit=True, row_factory=dict_row
    ) as c:
        yield c


async def _token(conn: psycopg.AsyncConnection[Any], url: str) -> str:
    settings = make_settings(url)
    user = await make_user(conn, role="admin")
    issued = await open_session(
        conn, settings, resolve_signing_key(settings), user, ClientInfo("127.0.0.1", "pytest")
    )
    remember(issued.access_token, issued.refresh_token)
    return issued.access_token


async def _count(conn: psycopg.AsyncConnection[Any], table: str) -> int:
    cur = await conn.execute(f"SELECT count(*) AS n FROM {table}")  # noqa: S608 - our names
    return int((await cur.fetchone())["n"])


def _request(method: str, path: str, token: str, body: bytes, content_type: str) -> bytes:
    head = (
        f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
        f"Content-Type: {content_type}\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


def _hang_up(address: tuple[str, int], data: bytes, after: float) -> None:
    """Send `data`, wait `after` seconds, then close the socket without reading."""
    with closing(socket.create_connection(address, timeout=5)) as sock:
        sock.sendall(data)
        time.sleep(after)


async def _requests_done(base: str, handler: str, status: str = "") -> float:
    """The server's count of `handler` requests answered `status` (any: "") (/metrics)."""
    async with httpx.AsyncClient(timeout=5) as http:
        text = (await http.get(f"{base}/metrics")).text
    total = 0.0
    for line in text.splitlines():
        if (
            line.startswith("http_requests_total{")
            and f'handler="{handler}"' in line
            and f'status="{status}' in line
        ):
            total += float(line.rsplit(" ", 1)[1])
    return total


async def _wait_for_answers(base: str, handler: str, count: int) -> None:
    """Until the server has answered `count` requests of `handler` (at most 60 s)."""
    async with asyncio.timeout(60):
        while await _requests_done(base, handler) < count:  # noqa: ASYNC110 - another process
            await asyncio.sleep(0.1)


async def _healthy(base: str) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=5) as http:
        got = await http.get("/health")
        assert got.status_code == 200
        assert (await http.get("/ready")).status_code == 200
        # HEAD and OPTIONS through the real server too: headers only.
        head = await http.head("/health")
        assert head.status_code == 200 and head.content == b""
        assert head.headers["content-length"] == str(len(got.content))
        options = await http.options("/api/participants")
        assert options.status_code == 204 and options.content == b""
        assert options.headers["allow"] == "GET, HEAD, OPTIONS, POST"


async def _people_and_tasks(conn: psycopg.AsyncConnection[Any]) -> None:
    await conn.execute(
        "INSERT INTO participants (name) SELECT 'p' || i FROM generate_series(1, %s) i",
        (PEOPLE,),
    )
    await conn.execute(
        "INSERT INTO assignment_targets (name, required_count)"
        " SELECT 't' || i, %s FROM generate_series(1, %s) i",
        (PER_TARGET, TARGETS),
    )


async def test_a_generation_whose_client_hung_up_during_the_solve_saves_nothing(
    served: tuple[str, int], conn: psycopg.AsyncConnection[Any], fresh_db_url: str
) -> None:
    base = f"http://{served[0]}:{served[1]}"
    token = await _token(conn, fresh_db_url)
    await _people_and_tasks(conn)
    # Side constraints (groups who must not share a task) make the solver CP-SAT's.
    cur = await conn.execute("SELECT id FROM participants ORDER BY name")
    ids = [str(row["id"]) for row in await cur.fetchall()]
    separate = [
        {"name": "must_not_be_together", "parameters": {"participants": ids[i : i + 3]}}
        for i in range(0, 200, 3)
    ]
    body = {
        "strategy": "optimal",
        "assignment_date": "2030-01-07",
        "async": False,
        "constraints": separate,
    }
    # The same request, answered (once to warm up): it persists a run, and its timings
    # say when its solver runs.
    async with httpx.AsyncClient(base_url=base, timeout=120) as http:
        for day in ("2030-01-05", "2030-01-06"):
            answered = await http.post(
                "/api/assignments/generate",
                json=body | {"assignment_date": day},
                headers={"Authorization": f"Bearer {token}"},
            )
            assert answered.status_code == 201, answered.text
    assert await _count(conn, "assignments") == 2
    timings = answered.json()["metadata"]["timings_ms"]
    assert timings["solve_ms"] > 300, f"the solve must outlast the hang-up: {timings}"
    # Hang up early in the solve (its length varies with the machine's load).
    data = _request(
        "POST", "/api/assignments/generate", token, json.dumps(body).encode(), "application/json"
    )
    hang_up_after = (timings["load_ms"] + 100) / 1000
    await asyncio.to_thread(_hang_up, served, data, hang_up_after)
    await _wait_for_answers(base, "/api/assignments/generate", 3)
    answered_201 = await _requests_done(base, "/api/assignments/generate", "201")
    assert await _requests_done(base, "/api/assignments/generate", "499") == 1, answered_201
    assert await _count(conn, "assignments") == 2  # only the answered ones
    await _healthy(base)


def _csv(rows: int) -> bytes:
    lines = ["name,email,skills"] + [f"person {i},p{i}@example.org,cooking" for i in range(rows)]
    return ("\n".join(lines) + "\n").encode()


async def test_an_import_whose_client_hung_up_mid_body_writes_nothing(
    served: tuple[str, int],
    conn: psycopg.AsyncConnection[Any],
    fresh_db_url: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    base = f"http://{served[0]}:{served[1]}"
    token = await _token(conn, fresh_db_url)
    body = _csv(2000)
    data = _request("POST", "/api/participants/import", token, body, "text/csv")
    with caplog.at_level(logging.ERROR):
        # Half of the body, then gone.
        await asyncio.to_thread(_hang_up, served, data[: len(data) - len(body) // 2], 0.3)
        await asyncio.sleep(1)
        await _healthy(base)
    assert await _count(conn, "participants") == 0
    assert await _requests_done(base, "/api/participants/import", "500") == 0
    assert not [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


async def test_an_import_whose_client_hung_up_after_sending_is_all_or_nothing(
    served: tuple[str, int], conn: psycopg.AsyncConnection[Any], fresh_db_url: str
) -> None:
    base = f"http://{served[0]}:{served[1]}"
    token = await _token(conn, fresh_db_url)
    rows = 2000
    data = _request("POST", "/api/participants/import", token, _csv(rows), "text/csv")
    await asyncio.to_thread(_hang_up, served, data, 0.05)
    await _wait_for_answers(base, "/api/participants/import", 1)
    assert await _count(conn, "participants") in (0, rows)
    await _healthy(base)
