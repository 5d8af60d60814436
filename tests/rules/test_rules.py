"""/api/rules: compatible name lists, parameter schemas on request."""

import httpx


async def test_rules_lists(client: httpx.AsyncClient, auth_headers):
    headers = await auth_headers("viewer")
    r = await client.get("/api/rules/strategies", headers=headers)
    assert r.status_code == 200
    assert r.json() == ["balanced_rotation", "optimal", "random_assignment", "skill_based"]
    r = await client.get("/api/rules/validators", headers=headers)
    assert r.json() == ["availability_check", "capacity_check", "skill_matching"]
    detailed = (await client.get("/api/rules/strategies?detail=true", headers=headers)).json()
    rotation = next(s for s in detailed if s["name"] == "balanced_rotation")
    assert {"rotation_weight", "balance_weight", "max_attempts"} <= set(
        rotation["parameters"]["properties"]
    )
    validators = (await client.get("/api/rules/validators?detail=1", headers=headers)).json()
    capacity = next(v for v in validators if v["name"] == "capacity_check")
    assert {"strict_mode", "tolerance"} <= set(capacity["parameters"]["properties"])
    constraints = (await client.get("/api/rules/constraints", headers=headers)).json()
    limit = next(c for c in constraints if c["name"] == "max_assignments_per_participant")
    assert limit["constraint_type"] == "limit"
    r = await client.get("/api/rules/strategies?detail=maybe", headers=headers)
    assert r.status_code == 422 and r.json()["code"] == "VALIDATION_ERROR"
    assert (await client.get("/api/rules/strategies")).status_code == 401
