"""Overload and lost connections answer 503 SERVICE_UNAVAILABLE with Retry-After, soon,
never 500 (issue 17): a pool with no free connection within
VIVIDSHIFT_DB_POOL_TIMEOUT_SECONDS, a backend terminated mid-request. /ready tells "pool
busy" from "database unreachable"."""

import asyncio
import time
from collections.abc import AsyncIterator

import httpx
import psycopg
import pytest
from fastapi import FastAPI

from tests.conftest import make_settings
from vividshift.app import create_app
from vividshift.config import Settings
from vividshift.db import create_pool


@pytest.fixture
async def app_on(fresh_db_url: str) -> AsyncIterator[FastAPI]:
    """The app on its own pool (max 1 connection, 0.5 s wait) over a database of its own."""
    app = create_app(
        make_settings(
            fresh_db_url, db_pool_min_size=1, db_pool_max_size=1, db_pool_timeout_seconds=0.5
        )
    )
    async with app.router.lifespan_context(app):
        yield app


def client_of(app: FastAPI, **headers: str) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    return httpx.AsyncClient(transport=transport, base_url="http://test", headers=headers)


def assert_unavailable(response: httpx.Response) -> None:
    assert response.status_code == 503, response.text
    assert response.json()["code"] == "SERVICE_UNAVAILABLE"
    assert int(response.headers["Retry-After"]) > 0


def test_the_pool_waits_five_seconds_by_default(database_url: str) -> None:
    settings = Settings(database_url=database_url, jwt_secret="s" * 40)
    assert settings.db_pool_timeout_seconds == 5
    assert create_pool(database_url, settings).timeout == 5


async def test_an_exhausted_pool_answers_503_quickly(app_on: FastAPI) -> None:
    async with client_of(app_on) as http:
        assert (await http.get("/ready")).json()["database"] == "connected"
        async with app_on.state.pool.connection():  # the pool's only connection, held
            started = time.monotonic()
            responses = await asyncio.gather(
                http.get("/api/participants"),
                http.post("/auth/login", json={"username": "ann", "password": "x" * 12}),
                http.get("/api/me"),
            )
            assert time.monotonic() - started < 3
            for response in responses:
                assert_unavailable(response)
            assert responses[0].headers["Retry-After"] == "2"

            ready = await http.get("/ready")
            assert ready.status_code == 503
            assert ready.json()["status"] == "unavailable"
            assert ready.json()["database"] == "busy"
            assert ready.json()["code"] == "SERVICE_UNAVAILABLE"
            assert "Retry-After" in ready.headers

            page = await http.get("/people", headers={"Accept": "text/html"})
            assert page.status_code == 503 and page.headers["content-type"].startswith("text/html")
            assert "Retry-After" in page.headers
        # Freed: everything answers again.
        assert (await http.get("/ready")).status_code == 200
        assert (await http.get("/api/participants")).status_code == 401


async def test_a_connection_killed_mid_request_answers_503(
    app_on: FastAPI, fresh_db_url: str
) -> None:
    async with (
        client_of(app_on) as http,
        await psycopg.AsyncConnection.connect(fresh_db_url, autocommit=True) as locker,
    ):
        async with locker.transaction():
            await locker.execute("LOCK TABLE users IN ACCESS EXCLUSIVE MODE")
            login = asyncio.create_task(
                http.post("/auth/login", json={"username": "ann", "password": "x" * 12})
            )
            # Wait for the request's backend to block on the lock, then kill it. (Up to
            # 30 s: in a long suite the test process can pause for seconds; a request
            # that never blocks still fails, only later.)
            for _ in range(600):
                cur = await locker.execute(
                    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
                )
                blocked = [row[0] for row in await cur.fetchall()]
                if blocked:
                    break
                await asyncio.sleep(0.05)
            assert blocked, "the request never waited on the lock"
            await locker.execute("SELECT pg_terminate_backend(%s)", (blocked[0],))
            response = await asyncio.wait_for(login, 10)
        assert_unavailable(response)
        assert response.headers["Retry-After"] == "5"
        # The pool replaces the dead connection: the next request is served.
        assert (await http.get("/ready")).json()["database"] == "connected"
        login = await http.post("/auth/login", json={"username": "ann", "password": "x" * 12})
        assert login.status_code == 401


async def test_ready_says_unreachable_when_the_server_is_gone(database_url: str) -> None:
    # Nothing listens on port 1: connections are refused, not busy.
    app = create_app(
        make_settings(
            "postgresql://nobody@127.0.0.1:1/none",
            db_pool_min_size=0,
            db_pool_max_size=1,
            db_pool_timeout_seconds=0.5,
        )
    )
    async with app.router.lifespan_context(app), client_of(app) as http:
        ready = await http.get("/ready")
        assert ready.status_code == 503 and ready.json()["database"] == "unreachable"
        assert ready.headers["Retry-After"] == "5"
        assert_unavailable(await http.get("/api/participants"))


async def test_openapi_documents_503_on_database_routes(app_on: FastAPI) -> None:
    async with client_of(app_on) as http:
        spec = (await http.get("/openapi.json")).json()
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            if path in ("/health", "/metrics"):
                assert "503" not in responses
                continue
            assert "503" in responses, (method, path)
            assert "Retry-After" in responses["503"].get("headers", {}), (method, path)
    ready = spec["paths"]["/ready"]["get"]["responses"]["503"]
    assert ready["content"]["application/json"]["schema"]["$ref"].endswith("ReadinessFailure")
