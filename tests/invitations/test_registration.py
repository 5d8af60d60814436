"""Registration modes (issue 17): VIVIDSHIFT_REGISTRATION open | invite | closed, and
VIVIDSHIFT_REGISTRATION_ROLE; registering with an invitation token accepts it in the
same transaction (a bad token leaves no account)."""

import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import httpx
import pytest

from tests.conftest import make_settings
from tests.domains.helpers import create_domain
from tests.secrets_registry import remember
from tests.system.test_http_errors import assert_error
from vividshift.app import create_app
from vividshift.db import Connection, get_db

PASSWORD = "correct horse battery staple 42"
remember(PASSWORD)


@pytest.fixture
def app_client(database_url: str, db: Connection) -> Callable:
    """`async with app_client(registration="invite") as http:` a client on an app with
    those settings, on the test's rolled-back connection."""

    @asynccontextmanager
    async def make(**overrides: object) -> AsyncIterator[httpx.AsyncClient]:
        app = create_app(make_settings(database_url, **overrides))

        async def test_db() -> AsyncIterator[Connection]:
            yield db

        app.dependency_overrides[get_db] = test_db
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
                yield http

    return make


def _body(**extra: object) -> dict:
    name = f"r{uuid.uuid4().hex[:10]}"
    return {"username": name, "email": f"{name}@example.org", "password": PASSWORD} | extra


async def _count_users(db: Connection, username: str) -> int:
    cur = await db.execute("SELECT count(*) AS n FROM users WHERE username = %s", (username,))
    return (await cur.fetchone())["n"]


async def _invitation(client: httpx.AsyncClient, auth_headers, **body: object) -> dict:
    manager = await auth_headers("user")
    domain = await create_domain(client, manager, f"house-{uuid.uuid4().hex[:6]}")
    response = await client.post(
        f"/api/domains/{domain}/invitations",
        json={"email": "new@example.org"} | body,
        headers=manager,
    )
    assert response.status_code == 201, response.text
    remember(response.json()["token"])
    return response.json() | {"manager": manager}


async def test_open_keeps_the_compatible_shape_and_role(app_client, db: Connection) -> None:
    async with app_client() as http:
        body = _body()
        response = await http.post("/auth/register", json=body)
    assert response.status_code == 201, response.text
    assert response.json()["message"] == "User registered successfully"
    assert response.json()["user"]["role"] == "user"
    assert response.json()["invitation"] is None


async def test_the_first_account_of_an_empty_install_is_no_admin(
    app_client, db: Connection
) -> None:
    await db.execute("DELETE FROM users")  # rolled back after the test
    async with app_client() as http:
        response = await http.post("/auth/register", json=_body())
    assert response.status_code == 201 and response.json()["user"]["role"] == "user"


async def test_registration_role_viewer(app_client) -> None:
    async with app_client(registration_role="viewer") as http:
        response = await http.post("/auth/register", json=_body())
    assert response.json()["user"]["role"] == "viewer"


def test_registration_role_admin_is_refused() -> None:
    with pytest.raises(ValueError, match="registration_role"):
        make_settings("postgresql://localhost/x", registration_role="admin")
    with pytest.raises(ValueError, match="registration"):
        make_settings("postgresql://localhost/x", registration="sometimes")


async def test_closed_refuses_everyone(app_client, client, auth_headers, db: Connection) -> None:
    invitation = await _invitation(client, auth_headers)
    async with app_client(registration="closed") as http:
        for body in (_body(), _body(invitation_token=invitation["token"])):
            assert_error(await http.post("/auth/register", json=body), 403, "AUTHORIZATION_ERROR")
            assert await _count_users(db, body["username"]) == 0


async def test_invite_needs_a_valid_token(app_client, client, auth_headers, db: Connection) -> None:
    invitation = await _invitation(client, auth_headers, role="viewer")
    async with app_client(registration="invite") as http:
        plain = _body()
        assert_error(await http.post("/auth/register", json=plain), 403, "AUTHORIZATION_ERROR")
        forged = _body(invitation_token=invitation["token"][:-2] + "xx")
        assert_error(await http.post("/auth/register", json=forged), 404, "RESOURCE_NOT_FOUND")
        good = _body(invitation_token=invitation["token"])
        response = await http.post("/auth/register", json=good)
        assert response.status_code == 201, response.text
        assert response.json()["invitation"]["role"] == "viewer"
        assert response.json()["invitation"]["domain_id"] == invitation["domain_id"]
        # Used: the next one registering with it gets 410 and no account.
        late = _body(invitation_token=invitation["token"])
        assert_error(await http.post("/auth/register", json=late), 410, "RESOURCE_GONE")
    assert await _count_users(db, plain["username"]) == 0
    assert await _count_users(db, forged["username"]) == 0
    assert await _count_users(db, late["username"]) == 0
    cur = await db.execute(
        "SELECT m.role FROM domain_members AS m JOIN users AS u ON u.id = m.user_id"
        " WHERE u.username = %s AND m.domain_id = %s",
        (good["username"], invitation["domain_id"]),
    )
    assert [r["role"] for r in await cur.fetchall()] == ["viewer"]


async def test_a_revoked_token_registers_nobody(
    app_client, client, auth_headers, db: Connection
) -> None:
    invitation = await _invitation(client, auth_headers)
    revoked = await client.delete(
        f"/api/domains/{invitation['domain_id']}/invitations/{invitation['id']}",
        headers=invitation["manager"],
    )
    assert revoked.status_code == 204
    async with app_client(registration="open") as http:
        body = _body(invitation_token=invitation["token"])
        assert_error(await http.post("/auth/register", json=body), 410, "RESOURCE_GONE")
    assert await _count_users(db, body["username"]) == 0


async def test_links_use_the_public_url(app_client, client, auth_headers) -> None:
    manager = await auth_headers("user")
    house = await create_domain(client, manager, f"house-{uuid.uuid4().hex[:6]}")
    async with app_client(public_url="https://chores.example.org/app") as http:
        response = await http.post(
            f"/api/domains/{house}/invitations", json={"email": "a@example.org"}, headers=manager
        )
    assert response.status_code == 201, response.text
    remember(response.json()["token"])
    assert response.json()["url"] == (
        "https://chores.example.org/app/invite/" + response.json()["token"]
    )
    with pytest.raises(ValueError, match="public_url"):
        make_settings("postgresql://localhost/x", public_url="chores.example.org")
