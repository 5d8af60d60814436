"""/api/targets: CRUD by role, validation, candidates, import, permanent delete."""

import httpx
import pytest

from tests.factories import make_assignment, make_detail, make_participant
from tests.system.test_http_errors import assert_error
from vividshift.db import Connection

KITCHEN = {
    "name": "Kitchen",
    "description": "dishes",
    "required_count": 2,
    "required_skills": ["cleaning", "cooking"],
    "constraints": {"excluded_groups": ["B"], "no_repeat_window": 1},
    "metadata": {"floor": 1},
}


@pytest.mark.parametrize("role", ["user", "admin"])
async def test_crud_round_trip(client: httpx.AsyncClient, auth_headers, role: str) -> None:
    headers = await auth_headers(role)
    created = await client.post("/api/targets", json=KITCHEN, headers=headers)
    assert created.status_code == 201, created.text
    tid = created.json()["id"]
    assert created.json()["required_skills"] == ["cleaning", "cooking"]
    got = (await client.get(f"/api/targets/{tid}", headers=headers)).json()
    assert got == created.json()
    patched = await client.patch(
        f"/api/targets/{tid}", json={"required_count": 3, "description": None}, headers=headers
    )
    assert (patched.json()["required_count"], patched.json()["description"]) == (3, None)
    assert (await client.delete(f"/api/targets/{tid}", headers=headers)).status_code == 204
    assert (await client.get(f"/api/targets/{tid}", headers=headers)).json()["is_active"] is False
    listed = (await client.get("/api/targets?q=kitch", headers=headers)).json()
    assert tid not in {t["id"] for t in listed["items"]}


async def test_viewer_cannot_write(client: httpx.AsyncClient, auth_headers) -> None:
    viewer = await auth_headers("viewer")
    assert (await client.get("/api/targets", headers=viewer)).status_code == 200
    assert_error(
        await client.post("/api/targets", json=KITCHEN, headers=viewer), 403, "AUTHORIZATION_ERROR"
    )
    assert_error(
        await client.post("/api/targets/import", json=[KITCHEN], headers=viewer),
        403,
        "AUTHORIZATION_ERROR",
    )


@pytest.mark.parametrize(
    "body",
    [
        {"name": "T", "required_count": 0},
        {"name": "T", "required_count": -1},
        {"name": "T", "required_count": 1.5},
        {"name": "T", "required_count": 10_001},
        {"name": "T", "required_count": 2**70},
        {"name": "T", "required_skills": [1]},
        {"name": "T", "constraints": {"excluded_groups": "B"}},
        {"name": "T", "constraints": {"no_repeat_window": True}},
        {"name": "T", "description": "d" * 10_001},
        {"name": "T", "extra": 1},
    ],
)
async def test_bad_bodies_are_422(client, auth_headers, body) -> None:
    headers = await auth_headers("user")
    assert_error(
        await client.post("/api/targets", json=body, headers=headers), 422, "VALIDATION_ERROR"
    )


async def test_candidates_cover_required_skills(client, auth_headers, db: Connection) -> None:
    headers = await auth_headers("viewer")
    await db.execute("DELETE FROM participants")
    both = await make_participant(db, name="both", skills=["cleaning", "cooking", "x"])
    await make_participant(db, name="one", skills=["cleaning"])
    await make_participant(db, name="inactive", skills=["cleaning", "cooking"], is_active=False)
    writer = await auth_headers("user")
    tid = (await client.post("/api/targets", json=KITCHEN, headers=writer)).json()["id"]
    response = await client.get(f"/api/targets/{tid}/candidates", headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert [p["id"] for p in body["items"]] == [str(both["id"])]
    assert body["total"] == 1
    missing = "00000000-0000-4000-8000-000000000000"
    assert_error(
        await client.get(f"/api/targets/{missing}/candidates", headers=headers),
        404,
        "RESOURCE_NOT_FOUND",
    )


async def test_permanent_delete_guards_history(client, auth_headers, db: Connection) -> None:
    admin = await auth_headers("admin")
    tid = (await client.post("/api/targets", json=KITCHEN, headers=admin)).json()["id"]
    person = await make_participant(db)
    run = await make_assignment(db)
    await make_detail(db, assignment_id=run["id"], participant_id=person["id"], target_id=tid)
    assert_error(
        await client.delete(f"/api/targets/{tid}/permanent", headers=await auth_headers("user")),
        403,
        "AUTHORIZATION_ERROR",
    )
    assert_error(
        await client.delete(f"/api/targets/{tid}/permanent", headers=admin),
        409,
        "DUPLICATE_RESOURCE",
    )
    forced = await client.delete(f"/api/targets/{tid}/permanent?force=true", headers=admin)
    assert forced.status_code == 204
    assert (await client.get(f"/api/targets/{tid}", headers=admin)).status_code == 404


async def test_import_all_or_nothing(client, auth_headers, db: Connection) -> None:
    headers = await auth_headers("user")
    ok = await client.post(
        "/api/targets/import",
        content="name,required_count,required_skills\nA,2,x;y\nB,1,\n",
        headers=headers | {"content-type": "text/csv"},
    )
    assert ok.status_code == 201, ok.text
    first = (await client.get(f"/api/targets/{ok.json()['ids'][0]}", headers=headers)).json()
    assert (first["required_count"], first["required_skills"]) == (2, ["x", "y"])
    cur = await db.execute("SELECT count(*) AS n FROM assignment_targets")
    before = (await cur.fetchone())["n"]
    bad = await client.post(
        "/api/targets/import",
        json=[{"name": "C"}, {"name": "D", "required_count": 0}],
        headers=headers,
    )
    assert [e["row"] for e in assert_error(bad, 422, "VALIDATION_ERROR")["details"]] == [2]
    cur = await db.execute("SELECT count(*) AS n FROM assignment_targets")
    assert (await cur.fetchone())["n"] == before
