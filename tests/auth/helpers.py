"""Shared helpers of the account tests: unique names, passwords, register and login."""

import uuid
from typing import Any

import httpx

from tests.secrets_registry import remember


def new_password() -> str:
    """A password no list holds, remembered for the log check."""
    password = f"Tpw-{uuid.uuid4().hex[:16]}"
    remember(password)
    return password


def new_name(prefix: str = "u") -> str:
    return f"{prefix}{uuid.uuid4().hex[:12]}"


async def register(
    client: httpx.AsyncClient, *, password: str | None = None, **extra: Any
) -> dict[str, Any]:
    """Register a fresh account; returns the body fields plus the password used."""
    name = extra.pop("username", new_name())
    password = password or new_password()
    body = {"username": name, "email": f"{name}@example.org", "password": password} | extra
    response = await client.post("/auth/register", json=body)
    assert response.status_code == 201, response.text
    return response.json()["user"] | {"password": password}


async def login(
    client: httpx.AsyncClient, username: str, password: str, **headers: str
) -> httpx.Response:
    response = await client.post(
        "/auth/login", json={"username": username, "password": password}, headers=headers
    )
    if response.status_code == 200:
        remember(response.json()["token"], response.json()["refresh_token"])
    return response


async def login_ok(client: httpx.AsyncClient, username: str, password: str) -> dict[str, Any]:
    response = await login(client, username, password)
    assert response.status_code == 200, response.text
    return response.json()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
