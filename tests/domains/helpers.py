"""Houses for HTTP tests: make a domain through the API, let someone join it."""

from typing import Any

import httpx


async def create_domain(client: httpx.AsyncClient, headers: dict[str, str], name: str) -> str:
    """A domain made by the caller of `headers` (its manager); its id."""
    response = await client.post(
        "/api/domains", json={"name": name, "display_name": name.title()}, headers=headers
    )
    assert response.status_code == 201, response.text
    return response.json()["id"]


async def user_id(client: httpx.AsyncClient, headers: dict[str, str]) -> str:
    response = await client.get("/api/me", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["id"]


async def join(
    client: httpx.AsyncClient,
    manager: dict[str, str],
    domain_id: str,
    who: dict[str, str],
    role: str = "member",
) -> dict[str, Any]:
    """The caller of `who` gets `role` in the domain, added by its manager."""
    response = await client.post(
        f"/api/domains/{domain_id}/members",
        json={"user_id": await user_id(client, who), "role": role},
        headers=manager,
    )
    assert response.status_code in (200, 201), response.text
    return response.json()
