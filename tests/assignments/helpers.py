"""Helpers of the assignment tests: people, targets, and an app on a database of its own
(real pool, real commits) for tests that need several connections."""

import base64
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import httpx
import psycopg
from psycopg.rows import dict_row

from tests.conftest import make_settings
from tests.factories import make_participant, make_target, make_user
from tests.secrets_registry import remember
from vividshift.app import create_app
from vividshift.auth.service import ClientInfo, open_session
from vividshift.auth.tokens import resolve_signing_key
from vividshift.db import Connection
from vividshift.domains.queries import upsert_member


async def people(db: Connection, n: int, **overrides: Any) -> list[dict[str, Any]]:
    return [await make_participant(db, name=f"person {i:03d}", **overrides) for i in range(n)]


async def targets(db: Connection, counts: dict[str, int], **overrides: Any) -> list[dict]:
    return [
        await make_target(db, name=name, required_count=n, **overrides)
        for name, n in counts.items()
    ]


def ids(rows: list[dict[str, Any]]) -> list[str]:
    return [str(r["id"]) for r in rows]


def user_id_of(headers: dict[str, str]) -> UUID:
    """The account of a bearer header (the token's `sub`; read, not verified)."""
    payload = headers["Authorization"].split()[1].split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return UUID(claims["sub"])


async def member_of(
    db: Connection, headers: dict[str, str], domain: dict[str, Any], role: str = "manager"
) -> None:
    """Make the caller of `headers` a member of `domain` (a row with an `id`)."""
    await upsert_member(db, domain["id"], user_id_of(headers), role, None)


@dataclass
class LiveApp:
    client: httpx.AsyncClient
    url: str
    conn: Connection  # autocommit, for setup and checks

    async def headers(self, role: str = "user") -> tuple[dict[str, str], dict[str, Any]]:
        settings = make_settings(self.url)
        user = await make_user(self.conn, role=role)
        issued = await open_session(
            self.conn, settings, resolve_signing_key(settings), user, ClientInfo("127.0.0.1", "t")
        )
        remember(issued.access_token, issued.refresh_token)
        return {"Authorization": f"Bearer {issued.access_token}"}, user

    async def count(self, table: str) -> int:
        row = await (await self.conn.execute(f"SELECT count(*) AS n FROM {table}")).fetchone()
        assert row is not None
        return row["n"]


@asynccontextmanager
async def live_app(url: str, **overrides: object) -> AsyncIterator[LiveApp]:
    """The app with its own pool on `url` (no shared test connection); `overrides` are
    settings."""
    app = create_app(make_settings(url, **({"db_pool_max_size": 6} | overrides)))
    conn = await psycopg.AsyncConnection.connect(url, autocommit=True, row_factory=dict_row)
    try:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
                yield LiveApp(http, url, conn)
    finally:
        await conn.close()
