"""Test fixtures on a real PostgreSQL.

The server is the embedded one (a cluster in .pytest-pg/, kept between runs) unless
DATABASE_URL names one. Per session, a template database is migrated with the real
migrations and a working database is copied from it. Per test, `db` is a connection
inside a transaction that is rolled back at the end; `fresh_db_url` is a database of
its own, for tests that need real commits or several connections.
"""

import logging
import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from psycopg.rows import dict_row

from vividshift import migrate
from vividshift.app import create_app
from vividshift.config import Settings
from vividshift.db import Connection, get_db, url_with_database
from vividshift.embedded import EmbeddedPostgres

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
TEST_SECRET = "test-secret-" + "x" * 40


def create_database(server_url: str, name: str, template: str | None = None) -> str:
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        suffix = f' TEMPLATE "{template}"' if template else ""
        conn.execute(f'CREATE DATABASE "{name}"{suffix}')
    return url_with_database(server_url, name)


def drop_database(server_url: str, name: str) -> None:
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def embedded_server() -> Iterator[EmbeddedPostgres | None]:
    """The embedded cluster when no DATABASE_URL is given (None otherwise)."""
    if os.environ.get("DATABASE_URL"):
        yield None
        return
    server = EmbeddedPostgres(ROOT / ".pytest-pg")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def server_url(embedded_server: EmbeddedPostgres | None) -> str:
    """A URL on the test server with rights to create databases."""
    return os.environ.get("DATABASE_URL") or embedded_server.admin_url  # type: ignore[union-attr]


@pytest.fixture(scope="session")
def template_name(server_url: str) -> Iterator[str]:
    """A database migrated to head, never connected to after, so it can be copied."""
    name = f"vs_template_{os.getpid()}"
    migrate.upgrade(create_database(server_url, name))
    yield name
    drop_database(server_url, name)


@pytest.fixture(scope="session")
def database_url(server_url: str, template_name: str) -> Iterator[str]:
    """The session's working database (a copy of the template)."""
    name = f"vs_test_{os.getpid()}"
    url = create_database(server_url, name, template=template_name)
    yield url
    drop_database(server_url, name)


@pytest.fixture
def fresh_db_url(server_url: str, template_name: str) -> Iterator[str]:
    """A migrated database of this test's own, dropped afterwards."""
    name = f"vs_fresh_{uuid.uuid4().hex[:12]}"
    url = create_database(server_url, name, template=template_name)
    yield url
    drop_database(server_url, name)


@pytest.fixture
def empty_db_url(server_url: str) -> Iterator[str]:
    """An empty database of this test's own, for migration tests."""
    name = f"vs_empty_{uuid.uuid4().hex[:12]}"
    url = create_database(server_url, name)
    yield url
    drop_database(server_url, name)


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Connection]:
    """A connection inside a transaction rolled back after the test."""
    conn = await psycopg.AsyncConnection.connect(
        database_url, autocommit=True, row_factory=dict_row
    )
    try:
        async with conn.transaction(force_rollback=True):
            yield conn
    finally:
        await conn.close()


def make_settings(database_url: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "database_url": database_url,
        "jwt_secret": TEST_SECRET,
        "migrate_on_start": False,
        "db_pool_min_size": 0,
        "db_pool_max_size": 4,
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture
def settings(database_url: str) -> Settings:
    return make_settings(database_url)


@pytest.fixture
async def client(settings: Settings, db: Connection) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client on the app, whose requests all use the test's `db` connection."""
    app = create_app(settings)

    async def test_db() -> AsyncIterator[Connection]:
        yield db

    app.dependency_overrides[get_db] = test_db
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            yield http


# --- accounts and security (issue 4) ---------------------------------------------------


class _AllRecords(logging.Handler):
    """Keeps the rendered text of every record of the service's loggers."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.texts: list[str] = []
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        if record.name.startswith(("httpx", "httpcore")):
            return  # the test client's own logs (it prints URLs it was given), not ours
        try:
            self.texts.append(self.format(record) + " " + repr(record.__dict__))
        except Exception:  # noqa: BLE001 - a record that cannot render still counts
            self.texts.append(repr(record.__dict__))


@pytest.fixture(scope="session", autouse=True)
def logs_hold_no_secrets() -> Iterator[None]:
    """Whole run: no password or token a test used appears in any captured log record."""
    from tests.secrets_registry import SECRETS

    handler = _AllRecords()
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
    leaked = {s[:12] + "…" for s in SECRETS for text in handler.texts if s in text}
    assert not leaked, f"secrets found in logs: {sorted(leaked)}"


@pytest.fixture
async def auth_headers(
    settings: Settings, db: Connection
) -> Callable[..., Awaitable[dict[str, str]]]:
    """Async factory: `await auth_headers("viewer")` creates a user of that role with a
    real session (through the auth service) and returns its Authorization header, valid
    for `client`. Each call is a new user. `member_of={domain_id: "member"}` also gives
    them those roles in those domains."""
    from tests.factories import make_member, make_user
    from tests.secrets_registry import remember
    from vividshift.auth.service import ClientInfo, open_session
    from vividshift.auth.tokens import resolve_signing_key

    key = resolve_signing_key(settings)

    async def make(
        role: str = "user", *, member_of: dict[Any, str] | None = None, **user_overrides: object
    ) -> dict[str, str]:
        user = await make_user(db, role=role, **user_overrides)
        for domain_id, domain_role in (member_of or {}).items():
            await make_member(db, domain_id, user["id"], domain_role)
        issued = await open_session(db, settings, key, user, ClientInfo("127.0.0.1", "pytest"))
        remember(issued.access_token, issued.refresh_token)
        return {"Authorization": f"Bearer {issued.access_token}"}

    return make
