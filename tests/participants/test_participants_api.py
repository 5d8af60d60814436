"""/api/participants over HTTP on a real PostgreSQL: CRUD by role, validation, deletes."""

import httpx
import pytest

from tests.factories import make_assignment, make_detail, make_target
from tests.system.test_http_errors import assert_error
from vividshift.db import Connection

ALICE = {
    "name": "Alice",
    "email": "alice@example.org",
    "phone": "+33 1 23",
    "skills": ["cleaning", "cooking", "cleaning"],
    "availability": {"monday": {"9:00": "available", "17:00": "unavailable"}},
    "preferences": {"morning_shift": True},
    "metadata": {"group": "A"},
}


async def _me(client: httpx.AsyncClient, headers: dict[str, str]) -> str:
    return (await client.get("/api/me", headers=headers)).json()["id"]


@pytest.mark.parametrize("role", ["user", "admin"])
async def test_crud_round_trip(client: httpx.AsyncClient, auth_headers, role: str) -> None:
    headers = await auth_headers(role)
    created = await client.post("/api/participants", json=ALICE, headers=headers)
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["skills"] == ["cleaning", "cooking"]  # a set, first-seen order
    assert body["created_by"] == await _me(client, headers)
    assert body["is_active"] is True
    pid = body["id"]

    got = await client.get(f"/api/participants/{pid}", headers=headers)
    assert got.json() == body

    patched = await client.patch(
        f"/api/participants/{pid}", json={"email": None, "skills": ["x"]}, headers=headers
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["email"] is None
    assert patched.json()["skills"] == ["x"]
    assert patched.json()["name"] == "Alice"

    assert (await client.delete(f"/api/participants/{pid}", headers=headers)).status_code == 204
    after = await client.get(f"/api/participants/{pid}", headers=headers)
    assert after.json()["is_active"] is False
    listed = await client.get("/api/participants", headers=headers)
    assert pid not in {p["id"] for p in listed.json()["items"]}
    listed = await client.get("/api/participants?active_only=false", headers=headers)
    assert pid in {p["id"] for p in listed.json()["items"]}


async def test_viewer_reads_but_cannot_write(client: httpx.AsyncClient, auth_headers) -> None:
    writer, viewer = await auth_headers("user"), await auth_headers("viewer")
    pid = (await client.post("/api/participants", json=ALICE, headers=writer)).json()["id"]
    assert (await client.get(f"/api/participants/{pid}", headers=viewer)).status_code == 200
    assert (await client.get("/api/participants", headers=viewer)).status_code == 200
    for response in (
        await client.post("/api/participants", json=ALICE, headers=viewer),
        await client.patch(f"/api/participants/{pid}", json={"name": "B"}, headers=viewer),
        await client.delete(f"/api/participants/{pid}", headers=viewer),
        await client.post("/api/participants/import", json=[ALICE], headers=viewer),
        await client.delete(f"/api/participants/{pid}/permanent", headers=viewer),
    ):
        assert_error(response, 403, "AUTHORIZATION_ERROR")
    assert_error(await client.get("/api/participants"), 401, "AUTHENTICATION_ERROR")


@pytest.mark.parametrize(
    "body",
    [
        {"name": "A", "unknown": 1},
        {"name": ""},
        {"name": "x" * 201},
        {"name": 5},
        {"name": "A", "skills": "cleaning"},
        {"name": "A", "skills": [""]},
        {"name": "A", "skills": ["s" * 101]},
        {"name": "A", "skills": [f"s{i}" for i in range(101)]},
        {"name": "A", "email": "not-an-email"},
        {"name": "A", "phone": "1" * 21},
        {"name": "A", "availability": {"funday": {}}},
        {"name": "A", "availability": {"monday": {"25:00": "available"}}},
        {"name": "A", "availability": {"monday": {"9:00": "maybe"}}},
        {"name": "A", "availability": {"unavailable": [{"start": "2026-01-02", "end": "x"}]}},
        {"name": "A", "availability": {"unavailable": [["2026-01-02", "2026-01-01"]]}},
        {"name": "A", "availability": {"available": "no"}},
        {"name": "A", "metadata": []},
        {"name": "A", "metadata": {"a": {"b": {"c": {"d": {"e": {"f": {"g": {"h": {"i": 1}}}}}}}}}},
        {"name": "A", "metadata": {"k" * 201: 1}},
        {"name": "A", "metadata": {"s": "x" * 10_001}},
        {"name": "A", "metadata": {"a": list(range(1001))}},
        {"name": "A", "is_active": "perhaps"},
        {"name": "A", "created_by": "00000000-0000-0000-0000-000000000000"},
        {"name": "A", "id": "00000000-0000-0000-0000-000000000000"},
        [],
    ],
)
async def test_bad_bodies_are_422(client: httpx.AsyncClient, auth_headers, body) -> None:
    headers = await auth_headers("user")
    assert_error(
        await client.post("/api/participants", json=body, headers=headers),
        422,
        "VALIDATION_ERROR",
    )


@pytest.mark.parametrize(
    "raw",
    [
        b'{"name": "A\\u0000"}',
        b'{"name": "A", "metadata": {"k\\u0000": 1}}',
        b'{"name": "A", "metadata": {"v": NaN}}',
        b'{"name": "A", "metadata": {"v": Infinity}}',
        b"[" * 100_000 + b"]" * 100_000,
        b'{"name": "A", "metadata": ' + b'{"a":' * 5000 + b"1" + b"}" * 5000 + b"}",
    ],
)
async def test_hostile_json_is_4xx(client: httpx.AsyncClient, auth_headers, raw: bytes) -> None:
    headers = await auth_headers("user") | {"content-type": "application/json"}
    response = await client.post("/api/participants", content=raw, headers=headers)
    assert 400 <= response.status_code < 500, response.text
    assert response.json()["code"] == "VALIDATION_ERROR"


async def test_patch_refuses_null_for_required_fields(
    client: httpx.AsyncClient, auth_headers
) -> None:
    headers = await auth_headers("user")
    pid = (await client.post("/api/participants", json=ALICE, headers=headers)).json()["id"]
    for body in ({"name": None}, {"skills": None}, {"metadata": None}, {"bogus": 1}):
        response = await client.patch(f"/api/participants/{pid}", json=body, headers=headers)
        assert_error(response, 422, "VALIDATION_ERROR")


async def test_unknown_and_malformed_ids(client: httpx.AsyncClient, auth_headers) -> None:
    headers = await auth_headers("admin")
    missing = "00000000-0000-4000-8000-000000000000"
    assert_error(
        await client.get(f"/api/participants/{missing}", headers=headers), 404, "RESOURCE_NOT_FOUND"
    )
    assert_error(
        await client.patch(f"/api/participants/{missing}", json={"name": "x"}, headers=headers),
        404,
        "RESOURCE_NOT_FOUND",
    )
    assert_error(
        await client.delete(f"/api/participants/{missing}", headers=headers),
        404,
        "RESOURCE_NOT_FOUND",
    )
    assert_error(
        await client.delete(f"/api/participants/{missing}/permanent", headers=headers),
        404,
        "RESOURCE_NOT_FOUND",
    )
    assert_error(
        await client.get("/api/participants/not-a-uuid", headers=headers), 422, "VALIDATION_ERROR"
    )


async def test_permanent_delete_is_admin_only_and_guards_history(
    client: httpx.AsyncClient, auth_headers, db: Connection
) -> None:
    admin, user = await auth_headers("admin"), await auth_headers("user")
    pid = (await client.post("/api/participants", json=ALICE, headers=user)).json()["id"]
    assignment = await make_assignment(db)
    target = await make_target(db)
    await make_detail(
        db, assignment_id=assignment["id"], participant_id=pid, target_id=target["id"]
    )

    assert_error(
        await client.delete(f"/api/participants/{pid}/permanent", headers=user),
        403,
        "AUTHORIZATION_ERROR",
    )
    body = assert_error(
        await client.delete(f"/api/participants/{pid}/permanent", headers=admin),
        409,
        "DUPLICATE_RESOURCE",
    )
    assert "force=true" in body["details"]
    assert (await client.get(f"/api/participants/{pid}", headers=admin)).status_code == 200

    forced = await client.delete(f"/api/participants/{pid}/permanent?force=true", headers=admin)
    assert forced.status_code == 204
    assert (await client.get(f"/api/participants/{pid}", headers=admin)).status_code == 404
    cur = await db.execute(
        "SELECT count(*) AS n FROM assignment_details WHERE participant_id = %s", (pid,)
    )
    assert (await cur.fetchone())["n"] == 0
    cur = await db.execute(
        "SELECT count(*) AS n FROM assignments WHERE id = %s", (assignment["id"],)
    )
    assert (await cur.fetchone())["n"] == 1


async def test_permanent_delete_without_history(client: httpx.AsyncClient, auth_headers) -> None:
    admin = await auth_headers("admin")
    pid = (await client.post("/api/participants", json=ALICE, headers=admin)).json()["id"]
    assert (
        await client.delete(f"/api/participants/{pid}/permanent", headers=admin)
    ).status_code == 204
    assert (await client.get(f"/api/participants/{pid}", headers=admin)).status_code == 404
