"""/api/me and /api/me/profile."""

import httpx
import pytest

from tests.auth.helpers import bearer, login, login_ok, new_password, register


async def test_me_update_username(client: httpx.AsyncClient) -> None:
    user = await register(client)
    tokens = await login_ok(client, user["username"], user["password"])
    response = await client.patch(
        "/api/me", json={"username": user["username"] + "b"}, headers=bearer(tokens["token"])
    )
    assert response.status_code == 200
    assert response.json()["username"] == user["username"] + "b"


async def test_me_refuses_server_fields(client: httpx.AsyncClient, auth_headers) -> None:
    headers = await auth_headers("viewer")
    for body in ({"role": "admin"}, {"is_active": True}, {"email_verified": True}):
        response = await client.patch("/api/me", json=body, headers=headers)
        assert response.status_code == 422, body
    assert (await client.get("/api/me", headers=headers)).json()["role"] == "viewer"


async def test_email_change_needs_the_current_password(client: httpx.AsyncClient) -> None:
    user = await register(client)
    headers = bearer((await login_ok(client, user["username"], user["password"]))["token"])
    new_email = "renamed-" + user["email"]
    missing = await client.patch("/api/me", json={"email": new_email}, headers=headers)
    assert missing.status_code == 422
    wrong = await client.patch(
        "/api/me", json={"email": new_email, "current_password": new_password()}, headers=headers
    )
    assert wrong.status_code == 422
    assert wrong.json()["details"][0]["loc"] == ["body", "current_password"]
    ok = await client.patch(
        "/api/me",
        json={"email": new_email.upper(), "current_password": user["password"]},
        headers=headers,
    )
    assert ok.status_code == 200
    assert ok.json()["email"] == new_email.lower()
    assert ok.json()["email_verified"] is False
    assert (await login(client, new_email, user["password"])).status_code == 200


async def test_email_change_to_a_taken_one_is_409(client: httpx.AsyncClient) -> None:
    user = await register(client)
    other = await register(client)
    headers = bearer((await login_ok(client, user["username"], user["password"]))["token"])
    response = await client.patch(
        "/api/me",
        json={"email": other["email"], "current_password": user["password"]},
        headers=headers,
    )
    assert response.status_code == 409
    assert response.json()["code"] == "DUPLICATE_RESOURCE"


async def test_profile_defaults_then_put(client: httpx.AsyncClient, auth_headers) -> None:
    headers = await auth_headers("user")
    empty = await client.get("/api/me/profile", headers=headers)
    assert empty.status_code == 200
    assert empty.json()["timezone"] == "UTC" and empty.json()["preferences"] == {}
    body = {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "phone": "+44 20 7946 0958",
        "avatar_url": "https://example.org/ada.png",
        "timezone": "Europe/London",
        "preferences": {"theme": "dark", "notify": {"email": True}},
        "metadata": {"team": "engine"},
    }
    saved = await client.put("/api/me/profile", json=body, headers=headers)
    assert saved.status_code == 200
    assert {k: saved.json()[k] for k in body} == body
    again = await client.get("/api/me/profile", headers=headers)
    assert {k: again.json()[k] for k in body} == body
    reset = await client.put("/api/me/profile", json={"first_name": "Ada"}, headers=headers)
    assert reset.json()["last_name"] is None and reset.json()["preferences"] == {}


def _deep(levels: int) -> dict:
    value: object = "leaf"
    for _ in range(levels):
        value = {"a": value}
    return value


@pytest.mark.parametrize(
    "body",
    [
        {"timezone": "Mars/Olympus"},
        {"timezone": "utc "},
        {"phone": "call me"},
        {"phone": "+1" + "2" * 30},
        {"avatar_url": "javascript:alert(1)"},
        {"avatar_url": "ftp://example.org/a.png"},
        {"first_name": "x" * 101},
        {"preferences": {"blob": "x" * 20000}},
        {"metadata": _deep(9)},
        {"preferences": ["not", "an", "object"]},
        {"user_id": "00000000-0000-0000-0000-000000000000"},
        {"preferences": {"nul": "a\u0000b"}},
    ],
)
async def test_profile_validation(client: httpx.AsyncClient, auth_headers, body: dict) -> None:
    headers = await auth_headers("user")
    response = await client.put("/api/me/profile", json=body, headers=headers)
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "VALIDATION_ERROR"


async def test_profile_depth_limit_allows_eight_levels(
    client: httpx.AsyncClient, auth_headers
) -> None:
    headers = await auth_headers("user")
    response = await client.put("/api/me/profile", json={"metadata": _deep(8)}, headers=headers)
    assert response.status_code == 200
