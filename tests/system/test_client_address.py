"""VIVIDSHIFT_FORWARDED_ALLOW_IPS: `serve` runs the app behind uvicorn's
ProxyHeadersMiddleware, so the client address of login throttling and of sessions'
`ip_address` comes from X-Forwarded-For only when the peer is a trusted proxy.

The requests go through the very ASGI stack `serve` would run (the uvicorn Config it
builds, loaded), with the peer address set at the ASGI level, on a real database."""

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack

import httpx
import pytest
from fastapi import FastAPI
from pydantic import ValidationError
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from tests.auth.helpers import login, register
from tests.conftest import make_settings
from vividshift.cli.serve import server_config
from vividshift.config import Settings
from vividshift.db import Connection, get_db

PROXY = "10.1.2.3"
CLIENT = "198.51.100.7"
STRANGER = "203.0.113.9"
SPOOFED = "192.0.2.66"

MakeClient = Callable[..., Awaitable[httpx.AsyncClient]]


def test_serve_passes_the_setting_to_uvicorn(database_url: str) -> None:
    config = server_config(make_settings(database_url))
    assert config.proxy_headers is False  # our default: no proxy is trusted
    config.load()
    assert not isinstance(config.loaded_app, ProxyHeadersMiddleware)
    assert (config.host, config.port) == ("127.0.0.1", 8080)

    settings = make_settings(database_url, forwarded_allow_ips=" 10.0.0.0/8, 192.168.1.5 ")
    config = server_config(settings, host="0.0.0.0", port=9090)
    assert config.forwarded_allow_ips == "10.0.0.0/8,192.168.1.5"
    assert (config.host, config.port) == ("0.0.0.0", 9090)
    config.load()  # what uvicorn.Server does before serving: wraps the app, opens nothing
    assert isinstance(config.loaded_app, ProxyHeadersMiddleware)
    trusted = config.loaded_app.trusted_hosts
    assert "10.200.0.1" in trusted and "192.168.1.5" in trusted
    assert "192.168.1.6" not in trusted and "127.0.0.1" not in trusted


def test_the_setting_comes_from_the_environment_not_uvicorns_variable(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "*")  # uvicorn's own; we pass ours explicitly
    monkeypatch.setenv("VIVIDSHIFT_FORWARDED_ALLOW_IPS", "172.16.0.0/12")
    monkeypatch.setenv("VIVIDSHIFT_JWT_SECRET", "e" * 40)
    monkeypatch.setenv("DATABASE_URL", database_url)
    config = server_config(Settings())
    assert config.forwarded_allow_ips == "172.16.0.0/12"
    monkeypatch.delenv("VIVIDSHIFT_FORWARDED_ALLOW_IPS")
    assert server_config(Settings()).proxy_headers is False


@pytest.mark.parametrize(
    "value", ["localhost", "10.0.0.1/8", "10.0.0.0/33", "*,10.0.0.1", "127.0.0.1,"]
)
def test_a_malformed_forwarded_allow_ips_is_refused(value: str) -> None:
    with pytest.raises(ValidationError, match="VIVIDSHIFT_FORWARDED_ALLOW_IPS"):
        make_settings("postgresql://localhost/unused", forwarded_allow_ips=value)


@pytest.mark.parametrize("value", ["*", " * ", "::1", "127.0.0.1,::1", "fd00::/8,10.0.0.0/8"])
def test_addresses_networks_and_star_are_accepted(value: str) -> None:
    settings = make_settings("postgresql://localhost/unused", forwarded_allow_ips=value)
    assert settings.forwarded_allow_ips == ",".join(v.strip() for v in value.split(","))


@pytest.fixture
async def served_client(database_url: str, db: Connection) -> AsyncIterator[MakeClient]:
    """`await served_client(peer, **settings)`: a client on the app as `serve` wraps it
    (cli.server_config, loaded), connecting from `peer`, on the test's `db` transaction."""
    async with AsyncExitStack() as stack:

        async def make(peer: str, **overrides: object) -> httpx.AsyncClient:
            config = server_config(make_settings(database_url, **overrides))
            app = config.app
            assert isinstance(app, FastAPI)

            async def test_db() -> AsyncIterator[Connection]:
                yield db

            app.dependency_overrides[get_db] = test_db
            config.load()
            await stack.enter_async_context(app.router.lifespan_context(app))
            transport = httpx.ASGITransport(
                app=config.loaded_app,  # type: ignore[arg-type]
                raise_app_exceptions=False,
                client=(peer, 40000),
            )
            return await stack.enter_async_context(
                httpx.AsyncClient(transport=transport, base_url="http://test")
            )

        yield make


async def session_address(db: Connection, user_id: str) -> str | None:
    """The address of the user's one session."""
    cur = await db.execute(
        "SELECT host(ip_address) AS ip FROM user_sessions WHERE user_id = %s", (user_id,)
    )
    (row,) = await cur.fetchall()
    return row["ip"]


async def failure_addresses(db: Connection) -> list[str | None]:
    cur = await db.execute(
        "SELECT host(ip_address) AS ip FROM login_failures ORDER BY created_at, ip_address"
    )
    return [row["ip"] for row in await cur.fetchall()]


async def test_an_untrusted_peer_cannot_spoof_its_address(
    served_client: MakeClient, db: Connection
) -> None:
    http = await served_client(STRANGER)  # default: no proxy is trusted
    user = await register(http)
    spoof = {"X-Forwarded-For": SPOOFED, "X-Real-IP": SPOOFED, "Forwarded": f"for={SPOOFED}"}

    response = await login(http, user["username"], user["password"], **spoof)
    assert response.status_code == 200
    assert await session_address(db, user["id"]) == STRANGER

    # Throttling counts the failure against the peer too, not the address it claims.
    response = await login(http, user["username"], "not-the-password", **spoof)
    assert response.status_code == 401
    assert await failure_addresses(db) == [STRANGER]


async def test_a_trusted_proxy_gives_the_forwarded_client_address(
    served_client: MakeClient, db: Connection
) -> None:
    http = await served_client(PROXY, forwarded_allow_ips="10.0.0.0/8")
    user = await register(http)

    response = await login(http, user["username"], user["password"], **{"X-Forwarded-For": CLIENT})
    assert response.status_code == 200
    assert await session_address(db, user["id"]) == CLIENT

    # A client that sends its own X-Forwarded-For through the proxy: the proxy appends
    # the address it saw, and the rightmost untrusted entry counts, not the forged one.
    response = await login(
        http, user["username"], "not-the-password", **{"X-Forwarded-For": f"{SPOOFED}, {CLIENT}"}
    )
    assert response.status_code == 401
    assert await failure_addresses(db) == [CLIENT]


async def test_a_proxy_on_the_same_machine_is_trusted_when_listed(
    served_client: MakeClient, db: Connection
) -> None:
    local = await served_client("127.0.0.1", forwarded_allow_ips="127.0.0.1")
    remote_proxy = await served_client(PROXY, forwarded_allow_ips="127.0.0.1")
    for http, seen_as in ((local, CLIENT), (remote_proxy, PROXY)):
        user = await register(http)
        response = await login(
            http, user["username"], user["password"], **{"X-Forwarded-For": CLIENT}
        )
        assert response.status_code == 200
        assert await session_address(db, user["id"]) == seen_as


async def test_by_default_not_even_a_local_peer_is_believed(
    served_client: MakeClient, db: Connection
) -> None:
    """Any local process could otherwise claim any address past the per-address limit."""
    http = await served_client("127.0.0.1")
    user = await register(http)
    response = await login(
        http, user["username"], "not-the-password", **{"X-Forwarded-For": SPOOFED}
    )
    assert response.status_code == 401
    assert await failure_addresses(db) == ["127.0.0.1"]
