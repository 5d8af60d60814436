"""Fixtures of the account tests: an app client with chosen settings or address."""

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack

import httpx
import pytest

from tests.conftest import make_settings
from vividshift.app import create_app
from vividshift.db import Connection, get_db

MakeClient = Callable[..., Awaitable[httpx.AsyncClient]]


@pytest.fixture
async def make_client(database_url: str, db: Connection) -> AsyncIterator[MakeClient]:
    """`await make_client(address="10.0.0.2", **settings)`: a client like `client` (on the
    test's `db` transaction) with setting overrides and a chosen client address."""
    async with AsyncExitStack() as stack:

        async def make(address: str = "127.0.0.1", **overrides: object) -> httpx.AsyncClient:
            app = create_app(make_settings(database_url, **overrides))

            async def test_db() -> AsyncIterator[Connection]:
                yield db

            app.dependency_overrides[get_db] = test_db
            await stack.enter_async_context(app.router.lifespan_context(app))
            transport = httpx.ASGITransport(
                app=app, raise_app_exceptions=False, client=(address, 40000)
            )
            return await stack.enter_async_context(
                httpx.AsyncClient(transport=transport, base_url="http://test")
            )

        yield make
