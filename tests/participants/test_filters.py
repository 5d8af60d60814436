"""Each list filter returns exactly the right rows of a seeded set; paging and sorting."""

import json

import httpx
import pytest

from tests.factories import make_participant
from tests.system.test_http_errors import assert_error
from vividshift.db import Connection

MON9 = {"monday": {"9:00": "available"}}

SEED = {
    "ana": {
        "skills": ["cleaning", "cooking"],
        "availability": MON9 | {"tuesday": {"9:00": "unavailable"}},
    },
    "bob": {"skills": ["cleaning"], "availability": {"monday": {"9:00": "unavailable"}}},
    "Carla": {"skills": ["cooking", "driving"], "availability": MON9},
    "dan_100%": {"skills": [], "availability": {}},
    "eve": {"skills": ["cleaning", "cooking"], "availability": MON9, "is_active": False},
}


@pytest.fixture
async def seeded(db: Connection) -> dict[str, str]:
    await db.execute("DELETE FROM participants")  # rolled back with the test
    ids = {}
    for name, values in SEED.items():
        ids[name] = str((await make_participant(db, name=name, **values))["id"])
    return ids


async def _names(client: httpx.AsyncClient, headers: dict, query: str) -> list[str]:
    response = await client.get(f"/api/participants?{query}", headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["total"] == len(body["items"])
    return [p["name"] for p in body["items"]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["Carla", "ana", "bob", "dan_100%"]),
        ("active_only=false", ["Carla", "ana", "bob", "dan_100%", "eve"]),
        ("has_skill=cleaning", ["ana", "bob"]),
        ("has_skill=cleaning&active_only=false", ["ana", "bob", "eve"]),
        ("has_skill=nothing", []),
        ("has_all_skills=cleaning&has_all_skills=cooking", ["ana"]),
        ("has_all_skills=cooking", ["Carla", "ana"]),
        ("available=" + json.dumps(MON9), ["Carla", "ana"]),
        ("available=" + json.dumps({"monday": {"9:00": "unavailable"}}), ["bob"]),
        ("q=CAR", ["Carla"]),
        ("q=a", ["Carla", "ana", "dan_100%"]),
        ("q=%25", ["dan_100%"]),
        ("q=_", ["dan_100%"]),
        ("has_skill=cooking&available=" + json.dumps(MON9) + "&q=an", ["ana"]),
        ("sort=-name", ["dan_100%", "bob", "ana", "Carla"]),
    ],
)
async def test_filter(client, auth_headers, seeded, query: str, expected: list[str]) -> None:
    headers = await auth_headers("viewer")
    assert await _names(client, headers, query) == expected


async def test_paging_reports_total(client, auth_headers, seeded) -> None:
    headers = await auth_headers("viewer")
    first = (await client.get("/api/participants?limit=2", headers=headers)).json()
    second = (await client.get("/api/participants?limit=2&offset=2", headers=headers)).json()
    assert first["total"] == second["total"] == 4
    assert [p["name"] for p in first["items"] + second["items"]] == [
        "Carla",
        "ana",
        "bob",
        "dan_100%",
    ]
    beyond = (await client.get("/api/participants?limit=2&offset=10", headers=headers)).json()
    assert beyond == {"items": [], "total": 4, "limit": 2, "offset": 10}


@pytest.mark.parametrize(
    "query",
    [
        "limit=501",
        "limit=0",
        "offset=-1",
        "sort=password_hash",
        "sort=name;drop",
        "available=notjson",
        "available=[1]",
        "available=" + json.dumps({"someday": {}}),
        "has_skill=",
        "has_skill=" + "x" * 101,
    ],
)
async def test_bad_query_is_422(client, auth_headers, query: str) -> None:
    headers = await auth_headers("viewer")
    response = await client.get(f"/api/participants?{query}", headers=headers)
    assert_error(response, 422, "VALIDATION_ERROR")
