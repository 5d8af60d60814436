"""Entity definitions and the compatible /api/entities endpoints of spec/API.md."""

import httpx
import pytest

from tests.domains.helpers import join
from tests.system.test_http_errors import assert_error

ROOM_SCHEMA = {
    "type": "object",
    "properties": {"capacity": {"type": "integer", "minimum": 1}, "floor": {"type": "string"}},
    "required": ["capacity"],
    "additionalProperties": False,
}


async def _domain(client, headers, name: str) -> str:
    response = await client.post(
        "/api/domains", json={"name": name, "display_name": name}, headers=headers
    )
    assert response.status_code == 201, response.text
    return response.json()["id"]


async def test_compatible_workflow(client: httpx.AsyncClient, auth_headers) -> None:
    """spec/API.md: participants and a target through /api/entities, read back natively."""
    headers = await auth_headers("user")
    alice = await client.post(
        "/api/entities/participant",
        json={
            "name": "Alice",
            "group": "A",
            "skills": ["cleaning"],
            "availability": {"monday": {"9:00": "available"}},
        },
        headers=headers,
    )
    assert alice.status_code == 201, alice.text
    body = alice.json()
    assert set(body) == {"id", "name", "entity_type", "attributes", "created_at"}
    assert body["entity_type"] == "participant"
    assert body["attributes"]["group"] == "A"
    assert body["attributes"]["skills"] == ["cleaning"]
    target = await client.post(
        "/api/entities/assignment_target",
        json={
            "name": "Kitchen",
            "required_count": 2,
            "required_skills": ["cleaning"],
            "zone": "north",
        },
        headers=headers,
    )
    assert target.status_code == 201, target.text

    native = (await client.get(f"/api/participants/{body['id']}", headers=headers)).json()
    assert native["metadata"] == {"group": "A"}
    assert native["availability"] == {"monday": {"9:00": "available"}}
    native_t = (await client.get(f"/api/targets/{target.json()['id']}", headers=headers)).json()
    assert (native_t["required_count"], native_t["metadata"]) == (2, {"zone": "north"})
    candidates = await client.get(f"/api/targets/{target.json()['id']}/candidates", headers=headers)
    assert body["id"] in {p["id"] for p in candidates.json()["items"]}

    # And the other way: native create, compatible read.
    bob = await client.post(
        "/api/participants", json={"name": "Bob", "metadata": {"group": "B"}}, headers=headers
    )
    seen = await client.get(f"/api/entities/participant/{bob.json()['id']}", headers=headers)
    assert seen.json()["attributes"]["group"] == "B"
    listed = await client.get("/api/entities/participant?limit=500", headers=headers)
    assert {body["id"], bob.json()["id"]} <= {e["id"] for e in listed.json()}
    assert int(listed.headers["X-Total-Count"]) >= 2

    put = await client.put(
        f"/api/entities/participant/{body['id']}",
        json={"group": None, "shift": "night", "skills": ["cooking"]},
        headers=headers,
    )
    assert put.status_code == 200, put.text
    attributes = put.json()["attributes"]
    assert "group" not in attributes and attributes["shift"] == "night"
    assert attributes["skills"] == ["cooking"] and put.json()["name"] == "Alice"

    assert (
        await client.delete(f"/api/entities/participant/{body['id']}", headers=headers)
    ).status_code == 204
    native = (await client.get(f"/api/participants/{body['id']}", headers=headers)).json()
    assert native["is_active"] is False


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/entities/participant", {"name": "A", "skills": "x"}),
        ("/api/entities/participant", {"name": "A", "id": "x"}),
        ("/api/entities/participant", {"skills": []}),
        ("/api/entities/assignment_target", {"name": "T", "required_count": 0}),
        ("/api/entities/Bad-Type", {"name": "A"}),
    ],
)
async def test_compatible_bad_bodies_are_422(client, auth_headers, path, body) -> None:
    headers = await auth_headers("user")
    assert_error(await client.post(path, json=body, headers=headers), 422, "VALIDATION_ERROR")


async def test_defined_types(client: httpx.AsyncClient, auth_headers) -> None:
    headers, viewer = await auth_headers("user"), await auth_headers("viewer")
    did = await _domain(client, headers, "hotel")
    await join(client, headers, did, viewer, "viewer")  # the viewer reads the hotel
    created = await client.post(
        f"/api/domains/{did}/entity-definitions",
        json={"name": "room", "display_name": "Room", "json_schema": ROOM_SCHEMA},
        headers=headers,
    )
    assert created.status_code == 201, created.text
    def_id = created.json()["id"]
    assert_error(
        await client.post(
            f"/api/domains/{did}/entity-definitions", json={"name": "room"}, headers=headers
        ),
        409,
        "DUPLICATE_RESOURCE",
    )
    listed = await client.get(f"/api/domains/{did}/entity-definitions", headers=viewer)
    assert [d["name"] for d in listed.json()["items"]] == ["room"]

    room = await client.post(
        "/api/entities/room", json={"name": "101", "capacity": 2}, headers=headers
    )
    assert room.status_code == 201, room.text
    assert room.json()["attributes"] == {"capacity": 2}
    for bad in (
        {"name": "102"},
        {"name": "102", "capacity": 0},
        {"name": "1", "capacity": 1, "color": "red"},
    ):
        body = assert_error(
            await client.post("/api/entities/room", json=bad, headers=headers),
            422,
            "VALIDATION_ERROR",
        )
        assert body["details"]
    rid = room.json()["id"]
    put = await client.put(f"/api/entities/room/{rid}", json={"floor": "1"}, headers=headers)
    assert put.json()["attributes"] == {"capacity": 2, "floor": "1"}
    assert_error(
        await client.put(f"/api/entities/room/{rid}", json={"capacity": None}, headers=headers),
        422,
        "VALIDATION_ERROR",
    )
    assert (await client.get(f"/api/entities/room/{rid}", headers=viewer)).status_code == 200
    assert [e["id"] for e in (await client.get("/api/entities/room", headers=viewer)).json()] == [
        rid
    ]

    # A stricter schema that the existing room fails is refused.
    stricter = ROOM_SCHEMA | {"required": ["capacity", "beds"]}
    assert_error(
        await client.patch(
            f"/api/domains/{did}/entity-definitions/{def_id}",
            json={"json_schema": stricter},
            headers=headers,
        ),
        422,
        "BUSINESS_LOGIC_ERROR",
    )
    assert_error(
        await client.delete(f"/api/domains/{did}/entity-definitions/{def_id}", headers=headers),
        409,
        "DUPLICATE_RESOURCE",
    )
    # The same type name in a second domain makes the bare name ambiguous.
    other = await _domain(client, headers, "motel")
    await join(client, headers, other, viewer, "viewer")
    await client.post(
        f"/api/domains/{other}/entity-definitions", json={"name": "room"}, headers=headers
    )
    assert_error(await client.get("/api/entities/room", headers=viewer), 422, "VALIDATION_ERROR")
    in_hotel = await client.get("/api/entities/room?domain=hotel", headers=viewer)
    assert [e["id"] for e in in_hotel.json()] == [rid]
    assert (await client.get("/api/entities/room?domain=motel", headers=viewer)).json() == []
    assert (
        await client.get(f"/api/entities/room/{rid}", headers=viewer)
    ).status_code == 200  # an id is never ambiguous
    assert_error(
        await client.get("/api/entities/nosuchtype", headers=viewer), 404, "RESOURCE_NOT_FOUND"
    )
    assert_error(
        await client.post("/api/entities/room", json={"name": "x", "capacity": 1}, headers=viewer),
        403,
        "AUTHORIZATION_ERROR",
    )
    assert (await client.delete(f"/api/entities/room/{rid}", headers=headers)).status_code == 204
    assert (await client.get("/api/entities/room?domain=hotel", headers=viewer)).json() == []


@pytest.mark.parametrize(
    "definition",
    [
        {"name": "participant"},
        {"name": "Room"},
        {"name": "room", "json_schema": {"type": "nonsense"}},
        {"name": "room", "json_schema": {"$ref": "https://example.org/schema.json"}},
        {"name": "room", "json_schema": {"$schema": "https://example.org/other"}},
        {"name": "room", "json_schema": {"type": "string", "pattern": "("}},
        {"name": "room", "json_schema": {}, "extra": 1},
    ],
)
async def test_bad_definitions_are_422(client, auth_headers, definition) -> None:
    headers = await auth_headers("user")
    did = await _domain(client, headers, "d2")
    response = await client.post(
        f"/api/domains/{did}/entity-definitions", json=definition, headers=headers
    )
    assert_error(response, 422, "VALIDATION_ERROR")


async def test_definition_in_unknown_domain_is_404(client, auth_headers) -> None:
    headers = await auth_headers("user")
    missing = "00000000-0000-4000-8000-000000000000"
    assert_error(
        await client.post(
            f"/api/domains/{missing}/entity-definitions", json={"name": "x"}, headers=headers
        ),
        404,
        "RESOURCE_NOT_FOUND",
    )
