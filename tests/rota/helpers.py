"""A house with a rota, through the HTTP API."""

from typing import Any

import httpx

ROTA = {"every": {"n": 14, "unit": "day"}, "anchor": "2030-01-07", "handoff": "09:00"}


async def post(client: httpx.AsyncClient, path: str, body: dict, headers) -> dict[str, Any]:
    r = await client.post(path, json=body, headers=headers)
    assert r.status_code in (200, 201), r.text
    return r.json()


async def house(
    client: httpx.AsyncClient, headers, name: str = "house", rota: dict | None = ROTA
) -> dict[str, Any]:
    configuration: dict[str, Any] = {"timezone": "Europe/Berlin"}
    if rota is not None:
        configuration["rota"] = rota
    body = {"name": name, "display_name": name.title(), "configuration": configuration}
    return await post(client, "/api/domains", body, headers)


async def person(client, headers, domain: str, name: str, **fields: Any) -> dict[str, Any]:
    return await post(
        client, "/api/participants", {"name": name, "domain": domain} | fields, headers
    )


async def task(client, headers, domain: str, name: str, count: int = 1, **fields) -> dict:
    body = {"name": name, "required_count": count, "domain": domain}
    return await post(client, "/api/targets", body | fields, headers)
