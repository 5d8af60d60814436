"""A small house through the API: people, chores with effort, runs."""

from dataclasses import dataclass, field
from typing import Any

import httpx

from tests.assignments.test_hard_rules_http import GEN, _post


@dataclass
class House:
    name: str
    id: str
    headers: dict[str, str]  # its manager
    people: dict[str, str] = field(default_factory=dict)  # name → id
    chores: dict[str, str] = field(default_factory=dict)  # name → id


async def make_house(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    people: list[str],
    chores: dict[str, float],
    *,
    name: str = "lodge",
    configuration: dict[str, Any] | None = None,
    person_fields: dict[str, dict[str, Any]] | None = None,
    chore_fields: dict[str, dict[str, Any]] | None = None,
) -> House:
    body = {"name": name, "display_name": name, "configuration": configuration or {}}
    domain = await _post(client, "/api/domains", body, headers)
    house = House(name, domain["id"], headers)
    for person in people:
        extra = (person_fields or {}).get(person, {})
        row = await _post(
            client, "/api/participants", {"name": person, "domain": name} | extra, headers
        )
        house.people[person] = row["id"]
    for chore, effort in chores.items():
        extra = (chore_fields or {}).get(chore, {})
        body = {"name": chore, "domain": name, "effort": effort} | extra
        house.chores[chore] = (await _post(client, "/api/targets", body, headers))["id"]
    return house


async def generate(
    client: httpx.AsyncClient, house: House, day: str, **extra: Any
) -> dict[str, Any]:
    body = {"domain": house.name, "assignment_date": day} | extra
    return await _post(client, GEN, body, house.headers)


async def details(client: httpx.AsyncClient, house: House, run_id: str) -> list[dict[str, Any]]:
    r = await client.get(f"/api/assignments/{run_id}", headers=house.headers)
    assert r.status_code == 200, r.text
    return r.json()["details"]


async def user_id(client: httpx.AsyncClient, headers: dict[str, str]) -> str:
    r = await client.get("/api/me", headers=headers)
    assert r.status_code == 200, r.text
    return r.json()["id"]


async def history(client: httpx.AsyncClient, house: House, run_id: str) -> list[dict[str, Any]]:
    r = await client.get(f"/api/assignments/{run_id}/history", headers=house.headers)
    assert r.status_code == 200, r.text
    return r.json()
