"""The work-groups chores: the predecessor's defaults on a fresh install, and
GET/POST /api/work-groups/assignments (the chore counts)."""

import httpx

from tests.compat.helpers import DEFAULT_CHORES, placements
from tests.system.test_http_errors import assert_error

WG = "/api/work-groups"
NAMES_A = [f"A{i}" for i in range(9)]
NAMES_B = [f"B{i}" for i in range(9)]


async def test_generate_without_chores_uses_the_defaults(client: httpx.AsyncClient, auth_headers):
    headers = await auth_headers("user")
    for body in (
        {"names_a": NAMES_A, "names_b": NAMES_B},
        {"names_a": NAMES_A, "names_b": NAMES_B, "custom_assignments": {}},
    ):
        r = await client.post(f"{WG}/generate", json=body, headers=headers)
        assert r.status_code == 200, r.text
        assert list(r.json()["assignments"]) == list(DEFAULT_CHORES)
        assert {c: len(p) for c, p in r.json()["assignments"].items()} == DEFAULT_CHORES
        assert placements(r.json()) == 18
    # They are stored chores now, in the predecessor's order.
    r = await client.get(f"{WG}/assignments", headers=headers)
    assert r.status_code == 200 and list(r.json().items()) == list(DEFAULT_CHORES.items())
    targets = (await client.get("/api/targets?limit=100", headers=headers)).json()["items"]
    toilet_b = [t for t in targets if t["name"] == "Toilet B"]
    assert toilet_b and toilet_b[0]["constraints"] == {"no_repeat_window": 1}


async def test_stored_chores_are_used_with_their_counts(client: httpx.AsyncClient, auth_headers):
    headers = await auth_headers("user")
    first = {"names_a": ["Ann", "Abe"], "names_b": ["Bea"], "custom_assignments": {"Hall": 2}}
    assert (await client.post(f"{WG}/generate", json=first, headers=headers)).status_code == 200
    r = await client.post(
        f"{WG}/generate", json={"names_a": ["Ann", "Abe"], "names_b": ["Bea"]}, headers=headers
    )
    assert r.status_code == 200, r.text
    assert list(r.json()["assignments"]) == ["Hall"] and len(r.json()["assignments"]["Hall"]) == 2
    assert (await client.get(f"{WG}/assignments", headers=headers)).json() == {"Hall": 2}


async def test_fewer_people_than_places_share_the_chores(client: httpx.AsyncClient, auth_headers):
    """As the predecessor's example shows: 4 people, 5 places — someone does two chores,
    never the same chore twice."""
    headers = await auth_headers("user")
    r = await client.post(
        f"{WG}/generate",
        json={
            "names_a": ["Alice", "Bob"],
            "names_b": ["Charlie", "David"],
            "custom_assignments": {"Parlor": 3, "Kitchen": 2},
        },
        headers=headers,
    )
    assert r.status_code == 200, r.text
    chores = r.json()["assignments"]
    counts: dict[str, int] = {}
    for people in chores.values():
        assert len(set(people)) == len(people)
        for person in people:
            counts[person] = counts.get(person, 0) + 1
    assert sorted(counts.values()) == [1, 1, 1, 2]


async def test_chore_counts_endpoints(client: httpx.AsyncClient, auth_headers):
    admin, user, viewer = [await auth_headers(role) for role in ("admin", "user", "viewer")]
    # Fresh install: the defaults a generation would use (nothing is written by a GET).
    r = await client.get(f"{WG}/assignments", headers=viewer)
    assert r.status_code == 200 and list(r.json().items()) == list(DEFAULT_CHORES.items())

    new = {"Kitchen": 2, "Parlor": 3, "Garden": 1}
    r = await client.post(f"{WG}/assignments", json=new, headers=admin)
    assert r.status_code == 200, r.text
    assert list(r.json().items()) == list(new.items())
    assert list((await client.get(f"{WG}/assignments", headers=viewer)).json().items()) == list(
        new.items()
    )
    # Chores not listed are deactivated; listed ones (re)activated with their counts.
    r = await client.post(f"{WG}/assignments", json={"Parlor": 4, "Bin": 1}, headers=admin)
    assert list(r.json().items()) == [("Parlor", 4), ("Bin", 1)]
    targets = (await client.get("/api/targets?limit=100&active_only=false", headers=admin)).json()[
        "items"
    ]
    state = {t["name"]: (t["is_active"], t["required_count"]) for t in targets}
    assert state["Kitchen"] == (False, 2) and state["Garden"] == (False, 1)
    assert state["Parlor"] == (True, 4) and state["Bin"] == (True, 1)
    r = await client.post(
        f"{WG}/generate",
        json={"names_a": ["Ann", "Abe", "Al"], "names_b": ["Bea", "Bo"]},
        headers=user,
    )
    assert r.status_code == 200, r.text
    assert list(r.json()["assignments"]) == ["Parlor", "Bin"]
    r = await client.post(f"{WG}/assignments", json={"Kitchen": 1, "Parlor": 4}, headers=admin)
    assert list(r.json().items()) == [("Kitchen", 1), ("Parlor", 4)]

    # Admin only; the error body as everywhere.
    assert_error(
        await client.post(f"{WG}/assignments", json={"Parlor": 1}, headers=user),
        403,
        "AUTHORIZATION_ERROR",
    )
    assert_error(
        await client.post(f"{WG}/assignments", json={"Parlor": 1}, headers=viewer),
        403,
        "AUTHORIZATION_ERROR",
    )
    assert_error(await client.get(f"{WG}/assignments"), 401, "AUTHENTICATION_ERROR")
    for bad in ({}, {"Parlor": 0}, {"Parlor": "two"}, {"Parlor": 1.5}, [], {"": 1}, {"P\u0000": 1}):
        assert_error(
            await client.post(f"{WG}/assignments", json=bad, headers=admin),
            422,
            "VALIDATION_ERROR",
        )


async def test_chores_openapi(client: httpx.AsyncClient):
    spec = (await client.get("/openapi.json")).json()
    ops = spec["paths"]["/api/work-groups/assignments"]
    assert {"get", "post"} <= set(ops)
    assert {"200", "401", "403"} <= set(ops["get"]["responses"])
    assert {"200", "401", "403", "413", "422"} <= set(ops["post"]["responses"])
    assert "requestBody" in ops["post"]
    for status in ("401", "403", "422"):
        schema = ops["post"]["responses"][status]["content"]["application/json"]["schema"]
        assert schema["$ref"].endswith("/ErrorBody")
