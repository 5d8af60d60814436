"""/api/domains: CRUD, configuration/rules validation, version rule, deletes."""

import httpx
import pytest

from tests.factories import make_assignment
from tests.system.test_http_errors import assert_error
from vividshift.db import Connection

LODGE = {
    "name": "lodge",
    "display_name": "The Lodge",
    "description": "chores",
    "configuration": {
        "default_strategy": "balanced_rotation",
        "strategy_parameters": {"rotation_weight": 0.8, "balance_weight": 0.2},
        "validators": [{"name": "capacity_check", "severity": "warning"}],
        "constraints": {"max_assignments_per_participant": 2},
    },
    "business_rules": [
        {"type": "group_exclusion", "group": "A", "target": "Kitchen"},
        {"type": "never_together", "participants": ["Ana", "Bob"], "severity": "warning"},
        {"type": "max_assignments_per_participant", "max": 3},
    ],
}


async def test_crud_and_version_rule(client: httpx.AsyncClient, auth_headers) -> None:
    headers = await auth_headers("user")
    created = await client.post("/api/domains", json=LODGE, headers=headers)
    assert created.status_code == 201, created.text
    domain = created.json()
    assert domain["version"] == "1.0"
    assert domain["business_rules"][0] == {
        "type": "group_exclusion",
        "group": "A",
        "target": "Kitchen",
        "severity": "error",
    }
    did = domain["id"]
    assert (await client.get(f"/api/domains/{did}", headers=headers)).json() == domain

    renamed = await client.patch(
        f"/api/domains/{did}", json={"display_name": "Lodge"}, headers=headers
    )
    assert renamed.json()["version"] == "1.0"  # names do not bump
    rules = await client.patch(f"/api/domains/{did}", json={"business_rules": []}, headers=headers)
    assert rules.json()["version"] == "1.1"
    same = await client.patch(f"/api/domains/{did}", json={"business_rules": []}, headers=headers)
    assert same.json()["version"] == "1.1"  # no change, no bump
    set_by_client = await client.patch(
        f"/api/domains/{did}",
        json={"version": "2.0", "configuration": {"default_strategy": "skill_based"}},
        headers=headers,
    )
    assert set_by_client.json()["version"] == "2.0"
    # Stored as sent: no defaults filled in (they apply when a generation reads it).
    assert set_by_client.json()["configuration"] == {"default_strategy": "skill_based"}
    assert domain["configuration"] == LODGE["configuration"]
    listed = (await client.get("/api/domains", headers=headers)).json()
    assert did in {d["id"] for d in listed["items"]}

    assert (await client.delete(f"/api/domains/{did}", headers=headers)).status_code == 204
    assert (await client.get(f"/api/domains/{did}", headers=headers)).json()["is_active"] is False


async def test_duplicate_name_is_409(client, auth_headers) -> None:
    headers = await auth_headers("user")
    assert (await client.post("/api/domains", json=LODGE, headers=headers)).status_code == 201
    assert_error(
        await client.post("/api/domains", json=LODGE, headers=headers), 409, "DUPLICATE_RESOURCE"
    )
    other = await client.post(
        "/api/domains", json={"name": "other", "display_name": "O"}, headers=headers
    )
    assert_error(
        await client.patch(
            f"/api/domains/{other.json()['id']}", json={"name": "lodge"}, headers=headers
        ),
        409,
        "DUPLICATE_RESOURCE",
    )


@pytest.mark.parametrize(
    "change",
    [
        {"name": "Has Spaces"},
        {"version": "one"},
        {"configuration": {"default_strategy": "magic"}},
        {"configuration": {"unknown": 1}},
        {"configuration": {"strategy_parameters": {"rotation_weight": 1.5}}},
        {"configuration": {"validators": [{"name": "capacity_check", "severity": "fatal"}]}},
        {"configuration": {"validators": [{"name": "capacity_check"}] * 2}},
        {"configuration": {"constraints": {"max_assignments_per_participant": 0}}},
        {"business_rules": [{"type": "teleport"}]},
        {"business_rules": [{"type": "group_exclusion", "group": "A"}]},
        {"business_rules": [{"type": "never_together", "participants": ["a", "a"]}]},
        {"business_rules": {"not": "a list"}},
        {"configuration": []},
    ],
)
async def test_invalid_configuration_is_422(client, auth_headers, change) -> None:
    headers = await auth_headers("user")
    body = {"name": "d1", "display_name": "D"} | change
    assert_error(
        await client.post("/api/domains", json=body, headers=headers), 422, "VALIDATION_ERROR"
    )


async def test_roles_and_permanent_delete(client, auth_headers, db: Connection) -> None:
    admin, user, viewer = [await auth_headers(r) for r in ("admin", "user", "viewer")]
    assert_error(
        await client.post("/api/domains", json=LODGE, headers=viewer), 403, "AUTHORIZATION_ERROR"
    )
    did = (await client.post("/api/domains", json=LODGE, headers=user)).json()["id"]
    viewer = await auth_headers("viewer", member_of={did: "viewer"})  # reads the domain
    assert (await client.get(f"/api/domains/{did}", headers=viewer)).status_code == 200
    assert (await client.get("/api/domains/configuration-schema", headers=viewer)).json()[
        "configuration"
    ]["additionalProperties"] is False
    assert_error(
        await client.delete(f"/api/domains/{did}/permanent", headers=user),
        403,
        "AUTHORIZATION_ERROR",
    )
    await make_assignment(db, configuration={"domain_id": did})
    assert_error(
        await client.delete(f"/api/domains/{did}/permanent", headers=admin),
        409,
        "DUPLICATE_RESOURCE",
    )
    await db.execute("DELETE FROM assignments")
    assert (await client.delete(f"/api/domains/{did}/permanent", headers=admin)).status_code == 204
    assert_error(await client.get(f"/api/domains/{did}", headers=admin), 404, "RESOURCE_NOT_FOUND")
