"""The predecessor's curl walkthroughs (API_REFERENCE, GETTING_STARTED, USER_MANUAL),
request bodies verbatim, through the real app.

Where a documented example cannot be satisfied by the lodge's rules (too few people for
the chores, too few of group B for Toilet B), the body is still accepted as written and
the answer is the engine's explanation (422 BUSINESS_LOGIC_ERROR), never a
VALIDATION_ERROR.
"""

from datetime import UTC, datetime

import httpx

from tests.compat.helpers import DEFAULT_CHORES, placements, register_and_login
from tests.system.test_http_errors import assert_error

WG = "/api/work-groups"


async def test_api_reference_complete_workflow_and_batch(client: httpx.AsyncClient) -> None:
    """API_REFERENCE "Complete Workflow Example", then "Batch Operations" (same token)."""
    headers = await register_and_login(client)
    for body in (
        {"name": "Alice", "group": "TeamA", "availability": True},
        {"name": "Bob", "group": "TeamB", "availability": True},
    ):
        r = await client.post("/api/entities/participant", json=body, headers=headers)
        assert r.status_code == 201, r.text
        assert r.json()["attributes"]["group"] == body["group"]
    r = await client.post(
        "/api/entities/assignment_target",
        json={"name": "Kitchen", "required_count": 2},
        headers=headers,
    )
    assert r.status_code == 201, r.text
    first = await client.post(
        "/api/assignments/generate",
        json={"strategy": "balanced_rotation", "participants": [], "targets": []},
        headers=headers,
    )
    assert first.status_code == 201, first.text
    run = first.json()
    assert {"id", "strategy_used", "assignments", "metadata", "created_at"} <= set(run)
    assert run["strategy_used"] == "balanced_rotation"
    assert len(run["assignments"]) == 2
    assert {a["metadata"]["target_name"] for a in run["assignments"]} == {"Kitchen"}
    assert {"attempts", "execution_time_ms", "strategy_parameters", "validation_results"} <= set(
        run["metadata"]
    )
    assert "warnings" not in run

    # Batch Operations: more participants, then a second generation the same day.
    for name in ("Alice", "Bob", "Charlie", "David"):
        r = await client.post(
            "/api/entities/participant",
            json={"name": name, "availability": True},
            headers=headers,
        )
        assert r.status_code == 201, r.text
    batch = {
        "strategy": "skill_based",
        "parameters": {"skill_threshold": 0.7, "fallback_strategy": "random_assignment"},
        "constraints": [
            {
                "name": "max_assignments_per_participant",
                "constraint_type": "limit",
                "parameters": {"max": 2},
            }
        ],
    }
    # The first run of today is still active: a second one is refused (409) unless the
    # request says what becomes of the first (native `replace`, spec/API.md).
    again = await client.post("/api/assignments/generate", json=batch, headers=headers)
    assert_error(again, 409, "DUPLICATE_RESOURCE")
    replaced = await client.post(
        "/api/assignments/generate", json=batch | {"replace": "complete"}, headers=headers
    )
    assert replaced.status_code == 201, replaced.text
    assert replaced.json()["strategy_used"] == "skill_based"
    assert len(replaced.json()["assignments"]) == 2


async def test_api_reference_work_groups_and_history(client: httpx.AsyncClient) -> None:
    """API_REFERENCE "Generate Work Groups (Legacy)" and "Get Assignment History"."""
    headers = await register_and_login(client)
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
    result = r.json()
    assert list(result["assignments"]) == ["Parlor", "Kitchen"]
    assert [len(v) for v in result["assignments"].values()] == [3, 2]
    for people in result["assignments"].values():
        assert len(set(people)) == len(people)
        assert set(people) <= {"Alice", "Bob", "Charlie", "David"}
    info = result["generation_info"]
    assert set(info) == {"attempt_number", "timestamp", "total_people", "total_assignments"}
    assert (info["attempt_number"], info["total_people"], info["total_assignments"]) == (1, 4, 5)
    assert "warnings" not in result

    history = await client.get(f"{WG}/history", headers=headers)
    assert history.status_code == 200, history.text
    today = datetime.now(UTC).date().isoformat()
    assert set(history.json()) == {"history", "last_updated"}
    day = history.json()["history"][today]
    assert set(day) == {"assignments", "generation_info"}
    assert day["assignments"] == result["assignments"]
    assert history.json()["last_updated"]


async def test_api_reference_entities_rules_health(client: httpx.AsyncClient) -> None:
    """API_REFERENCE "Entity Management", "Rule Engine", "Health & Monitoring" and the
    error format."""
    headers = await register_and_login(client)
    listed = await client.get("/api/entities/participant", headers=headers)
    assert listed.status_code == 200 and isinstance(listed.json(), list)

    created = await client.post(
        "/api/entities/participant",
        json={
            "name": "Alice Johnson",
            "group": "TeamA",
            "availability": True,
            "skills": ["leadership", "communication"],
        },
        headers=headers,
    )
    assert created.status_code == 201, created.text
    entity = created.json()
    assert set(entity) == {"id", "name", "entity_type", "attributes", "created_at"}
    assert (entity["name"], entity["entity_type"]) == ("Alice Johnson", "participant")
    assert entity["attributes"]["group"] == "TeamA"
    assert entity["attributes"]["skills"] == ["leadership", "communication"]
    # The boolean is stored in the native shape: available.
    assert entity["attributes"]["availability"] == {"available": True}
    url = f"/api/entities/participant/{entity['id']}"

    got = await client.get(url, headers=headers)
    assert got.status_code == 200 and got.json()["id"] == entity["id"]
    updated = await client.put(
        url,
        json={
            "availability": False,
            "skills": ["leadership", "communication", "project_management"],
        },
        headers=headers,
    )
    assert updated.status_code == 200, updated.text
    attributes = updated.json()["attributes"]
    assert attributes["availability"] == {"available": False}
    assert attributes["skills"] == ["leadership", "communication", "project_management"]
    assert attributes["group"] == "TeamA"
    assert (await client.delete(url, headers=headers)).status_code == 204

    strategies = (await client.get("/api/rules/strategies", headers=headers)).json()
    assert {"balanced_rotation", "random_assignment", "skill_based"} <= set(strategies)
    validators = (await client.get("/api/rules/validators", headers=headers)).json()
    assert {"capacity_check", "availability_check", "skill_matching"} <= set(validators)

    health = await client.get("/health")
    assert health.status_code == 200 and health.json()["status"] == "healthy"
    ready = await client.get("/ready")
    assert ready.status_code == 200, ready.text
    assert (ready.json()["status"], ready.json()["database"]) == ("ready", "connected")
    metrics = await client.get("/metrics")
    assert metrics.status_code == 200 and "http_requests_total" in metrics.text

    # Error Response Format: {error, details, code, timestamp}.
    assert_error(await client.get("/api/entities/participant"), 401, "AUTHENTICATION_ERROR")


async def test_getting_started_walkthrough(client: httpx.AsyncClient) -> None:
    """GETTING_STARTED "Verify Installation" and "First Steps", then "Working with
    Participants and Targets"."""
    assert (await client.get("/health")).json()["status"] == "healthy"
    assert (await client.get("/ready")).json()["status"] == "ready"
    headers = await register_and_login(client)

    # 3. First assignment, no custom_assignments on a fresh install: the predecessor's
    # default chores are used — 18 places, Toilet B for 4 of group B. Three of group B
    # cannot fill it, so the engine explains why instead of a rotation.
    r = await client.post(
        f"{WG}/generate",
        json={"names_a": ["Alice", "Bob", "Charlie"], "names_b": ["David", "Eve", "Frank"]},
        headers=headers,
    )
    body = assert_error(r, 422, "BUSINESS_LOGIC_ERROR")
    assert "Toilet B" in str(body["details"])
    # The chores a generation uses are the defaults (nothing was stored by the failure).
    config = await client.get(f"{WG}/assignments", headers=headers)
    assert config.status_code == 200 and config.json() == DEFAULT_CHORES

    # 4. History (empty so far).
    history = await client.get(f"{WG}/history", headers=headers)
    assert history.status_code == 200
    assert history.json() == {"history": {}, "last_updated": None}

    created = await client.post(
        "/api/entities/participant",
        json={
            "name": "Alice Johnson",
            "group": "TeamA",
            "availability": True,
            "skills": ["cleaning", "organizing", "leadership"],
        },
        headers=headers,
    )
    assert created.status_code == 201, created.text
    assert created.json()["attributes"]["availability"] == {"available": True}
    target = await client.post(
        "/api/entities/assignment_target",
        json={"name": "Conference Room", "required_count": 3, "priority": 1},
        headers=headers,
    )
    assert target.status_code == 201, target.text
    assert target.json()["attributes"]["priority"] == 1
    assert target.json()["attributes"]["required_count"] == 3

    advanced = {
        "strategy": "balanced_rotation",
        "participants": [],
        "targets": [],
        "parameters": {"rotation_weight": 0.8, "balance_weight": 0.2},
    }
    # One participant for a room that needs three: explained, not refused as invalid.
    r = await client.post("/api/assignments/generate", json=advanced, headers=headers)
    body = assert_error(r, 422, "BUSINESS_LOGIC_ERROR")
    assert "Conference Room" in str(body["details"])
    # With two more people it goes through.
    for name in ("Bob", "Carol"):
        more = await client.post(
            "/api/entities/participant", json={"name": name, "availability": True}, headers=headers
        )
        assert more.status_code == 201, more.text
    r = await client.post("/api/assignments/generate", json=advanced, headers=headers)
    assert r.status_code == 201, r.text
    assert len(r.json()["assignments"]) == 3


async def test_getting_started_troubleshooting_login(client: httpx.AsyncClient) -> None:
    """GETTING_STARTED "Authentication Problems": login of a missing user, then register."""
    r = await client.post("/auth/login", json={"username": "admin", "password": "password123"})
    assert_error(r, 401, "AUTHENTICATION_ERROR")
    await register_and_login(client, "newuser", "new@example.com")


async def test_user_manual_quick_start(client: httpx.AsyncClient) -> None:
    """USER_MANUAL "Quick Start Guide": register, generate, history, assignments config,
    health checks and the error codes it lists."""
    headers = await register_and_login(client, "alice", "alice@example.com")
    r = await client.post(
        f"{WG}/generate",
        json={"names_a": ["Alice", "Bob"], "names_b": ["Charlie", "David"]},
        headers=headers,
    )
    # Four people cannot fill the five places of Parlor: explained.
    body = assert_error(r, 422, "BUSINESS_LOGIC_ERROR")
    assert "Parlor" in str(body["details"])
    history = await client.get(f"{WG}/history", headers=headers)
    assert history.status_code == 200
    config = await client.get(f"{WG}/assignments", headers=headers)
    assert config.status_code == 200 and config.json() == DEFAULT_CHORES
    assert (await client.get("/health")).status_code == 200
    assert (await client.get("/ready")).status_code == 200

    # With as many residents as places (the lodge: 9 + 9), the same call rotates.
    names_a = ["Alice", "Bob"] + [f"A{i}" for i in range(7)]
    names_b = ["Charlie", "David"] + [f"B{i}" for i in range(7)]
    r = await client.post(
        f"{WG}/generate", json={"names_a": names_a, "names_b": names_b}, headers=headers
    )
    assert r.status_code == 200, r.text
    assert list(r.json()["assignments"]) == list(DEFAULT_CHORES)
    assert placements(r.json()) == 18

    # Error codes: 400 (bad request / invalid JSON) is a 422 VALIDATION_ERROR here.
    bad_json = await client.post(
        f"{WG}/generate",
        content=b"{not json",
        headers=headers | {"Content-Type": "application/json"},
    )
    assert_error(bad_json, 422, "VALIDATION_ERROR")
    assert_error(await client.get(f"{WG}/history"), 401, "AUTHENTICATION_ERROR")
    assert_error(
        await client.get("/api/work-groups/nothing", headers=headers), 404, "RESOURCE_NOT_FOUND"
    )
