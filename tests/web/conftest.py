"""Fixtures of the browser tests: a real uvicorn server of the app on a free local port
(in a background thread, on a migrated database of this module's own) and Debian's
Chromium driven by Playwright. Without /usr/bin/chromium the browser tests are skipped
(CI installs the `chromium` package); `playwright install` is never needed. And for the
tests without a browser, `browser_like`: a cookie-keeping HTTP client signed in through
the page's own form."""

import os
import socket
import threading
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
import uvicorn

from tests.conftest import ROOT, create_database, drop_database, make_settings
from tests.factories import make_user
from tests.secrets_registry import remember
from tests.web.helpers import account, csrf_of, new_password
from vividshift.app import create_app
from vividshift.db import Connection, get_db
from vividshift.web.session import SESSION_COOKIE

CHROMIUM = os.environ.get("VIVIDSHIFT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
STALL_ALLOWANCE_MS = 60_000


@dataclass
class Live:
    url: str
    accounts: dict[str, dict[str, str]] = field(default_factory=dict)
    db_url: str = ""  # for setup a page cannot do yet


def _free_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


@pytest.fixture(scope="module")
def live(server_url: str, template_name: str) -> Iterator[Live]:
    """The app served by uvicorn on 127.0.0.1, with an admin, a user and a viewer."""
    name = f"vs_web_{uuid.uuid4().hex[:12]}"
    db_url = create_database(server_url, name, template=template_name)
    accounts: dict[str, dict[str, str]] = {}
    with psycopg.connect(db_url, autocommit=True) as conn:
        for role in ("admin", "user", "viewer"):
            password = new_password()
            values = account(role, password, name=f"{role}-{uuid.uuid4().hex[:6]}")
            conn.execute(
                "INSERT INTO users (username, email, password_hash, role) "
                "VALUES (%(username)s, %(email)s, %(password_hash)s, %(role)s)",
                values,
            )
            accounts[role] = {"username": values["username"], "password": password}
            accounts[role]["email"] = values["email"]
    app = create_app(make_settings(db_url))
    sock = _free_socket()
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_config=None, access_log=False, lifespan="on"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield Live(f"http://127.0.0.1:{port}", accounts, db_url)
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()
        drop_database(server_url, name)


@pytest.fixture(scope="module")
def browser(live: Live) -> Iterator[Any]:
    """Chromium, warmed up by one load of the live server: a fresh Chromium's first
    navigation starts its network service and can take longer than a test's time-out."""
    if not Path(CHROMIUM).exists():
        pytest.skip(
            f"{CHROMIUM} not found: install Debian's chromium package "
            "(apt-get install -y chromium) to run the browser tests"
        )
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            warm = chromium.new_page()
            warm.goto(live.url + "/health", timeout=STALL_ALLOWANCE_MS)
            warm.close()
            yield chromium
        finally:
            chromium.close()


def browser_context(browser: Any, live: Live) -> Any:
    """A fresh browser context (desktop size) on the live server. Its waits are generous
    (a minute): the CI machine has been seen to stall a request for 30 s; a page that
    never comes still fails."""
    context = browser.new_context(base_url=live.url, viewport=DESKTOP, accept_downloads=True)
    context.set_default_timeout(STALL_ALLOWANCE_MS)
    context.set_default_navigation_timeout(STALL_ALLOWANCE_MS)
    return context


@pytest.fixture
def page(browser: Any, live: Live) -> Iterator[Any]:
    """A page of a fresh browser context (see `browser_context`)."""
    context = browser_context(browser, live)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


HTML = {"Accept": "text/html,application/xhtml+xml"}
SignIn = Callable[..., Awaitable[tuple[httpx.AsyncClient, dict[str, Any]]]]


@pytest.fixture
async def browser_like(database_url: str, db: Connection) -> AsyncIterator[SignIn]:
    """`await sign_in(role, base_url=…)`: a cookie-keeping client signed in through the
    page's own form, on the test's `db` transaction."""
    clients: list[httpx.AsyncClient] = []
    app = create_app(make_settings(database_url))

    async def test_db() -> AsyncIterator[Connection]:
        yield db

    app.dependency_overrides[get_db] = test_db

    async def sign_in(
        role: str | None = "user", base_url: str = "http://test"
    ) -> tuple[httpx.AsyncClient, dict[str, Any]]:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        http = httpx.AsyncClient(transport=transport, base_url=base_url, headers=HTML)
        clients.append(http)
        if role is None:
            return http, {}
        password = new_password()
        user = await make_user(db, **account(role, password))
        page = await http.get("/login")
        response = await http.post(
            "/login",
            data={
                "username": user["username"],
                "password": password,
                "csrf_token": csrf_of(page.text),
            },
        )
        assert response.status_code == 303, response.text
        remember(http.cookies.get(SESSION_COOKIE))
        return http, user

    async with app.router.lifespan_context(app):
        yield sign_in
    for http in clients:
        await http.aclose()
