"""What the engine reads of a participant's JSON, through HTTP. The three preference keys
are refused in another shape when written (422 naming the key); a row that holds them
malformed anyway — written before that check or by another program — never stops a run
(it was a 500: the engine called `len()` on a number and `float()` on a string), nor
does a stored skill level that is no number."""

from typing import Any

import httpx
import pytest
from psycopg.types.json import Jsonb

from tests.system.test_http_errors import assert_error
from vividshift.db import Connection

GEN = "/api/assignments/generate"
STRATEGIES = ("balanced_rotation", "random_assignment", "skill_based", "optimal")

MALFORMED = [
    {"preferred_targets": 5},
    {"preferred_targets": "kitchen"},
    {"preferred_targets": [1, 2]},
    {"avoided_targets": [None]},
    {"avoided_targets": [["nested"]]},
    {"avoided_targets": {"x": 1}},
    {"targets": [1, 2]},
    {"targets": 3},
    {"targets": {"x": "high"}},
    {"targets": {"x": None}},
    {"targets": {"x": True}},
    {"targets": {"x": 1.5}},
    {"targets": {"x": -0.1}},
]


@pytest.mark.parametrize("preferences", MALFORMED)
async def test_malformed_engine_keys_are_refused_on_create_and_patch(
    client: httpx.AsyncClient, auth_headers, preferences: dict[str, Any]
) -> None:
    headers = await auth_headers("user")
    body = {"name": "Ann", "preferences": preferences}
    response = await client.post("/api/participants", json=body, headers=headers)
    assert_error(response, 422, "VALIDATION_ERROR")
    (key,) = preferences
    assert f"preferences.{key}" in response.text

    created = await client.post("/api/participants", json={"name": "Ben"}, headers=headers)
    pid = created.json()["id"]
    patch = {"preferences": preferences}
    response = await client.patch(f"/api/participants/{pid}", json=patch, headers=headers)
    assert_error(response, 422, "VALIDATION_ERROR")
    assert (await client.get(f"/api/participants/{pid}", headers=headers)).json()[
        "preferences"
    ] == {}


async def test_well_formed_and_free_keys_are_kept(client: httpx.AsyncClient, auth_headers) -> None:
    headers = await auth_headers("user")
    preferences = {
        "preferred_targets": ["a", "b"],
        "avoided_targets": [],
        "targets": {"a": 0, "b": 1, "c": 0.25},
        "morning_shift": True,
        "notes": {"free": [1, "two", None]},
    }
    body = {"name": "Ann", "preferences": preferences}
    created = await client.post("/api/participants", json=body, headers=headers)
    assert created.status_code == 201, created.text
    assert created.json()["preferences"] == preferences


async def _create(client: httpx.AsyncClient, path: str, body: dict, headers) -> str:
    response = await client.post(path, json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()["id"]


@pytest.mark.parametrize("strategy", STRATEGIES)
async def test_a_stored_malformed_preference_is_ignored_not_a_500(
    client: httpx.AsyncClient, db: Connection, auth_headers, strategy: str
) -> None:
    """Ann's stored preferences mix junk with one readable wish (avoid the dishes);
    Ben's are all junk. Every strategy runs, Ann's readable wish is honoured by the
    optimal strategy, and the junk is read as nothing."""
    headers = await auth_headers("user")
    dishes = await _create(client, "/api/targets", {"name": "Dishes", "required_count": 1}, headers)
    trash = await _create(client, "/api/targets", {"name": "Trash", "required_count": 1}, headers)
    ann = await _create(client, "/api/participants", {"name": "Ann"}, headers)
    ben = await _create(client, "/api/participants", {"name": "Ben"}, headers)
    junk: dict[str, Any] = {
        "preferred_targets": [dishes, 7, None, {"x": [dishes]}, [dishes]],
        "targets": {dishes: "high", trash: None, "other": 10**400},
        "avoided_targets": [dishes],
    }
    await db.execute("UPDATE participants SET preferences = %s WHERE id = %s", (Jsonb(junk), ann))
    all_junk = {"preferred_targets": 5, "avoided_targets": "trash", "targets": [1, 2]}
    await db.execute(
        "UPDATE participants SET preferences = %s WHERE id = %s", (Jsonb(all_junk), ben)
    )

    body = {
        "strategy": strategy,
        "participants": [ann, ben],
        "targets": [dishes, trash],
        "assignment_date": "2026-12-14",
    }
    response = await client.post(GEN, json=body, headers=headers)
    assert response.status_code == 201, response.text
    placed = {a["target_id"]: a["participant_id"] for a in response.json()["assignments"]}
    assert sorted(placed.values()) == sorted([ann, ben])
    if strategy == "optimal":
        # Ann prefers the dishes (first), then avoids them (a later entry wins).
        assert placed == {dishes: ben, trash: ann}
        scores = {
            a["participant_id"]: a["metadata"]["scores"]["preference"]
            for a in response.json()["assignments"]
        }
        assert scores == {ann: 0.5, ben: 0.5}


async def test_a_stored_unreadable_skill_level_counts_as_none_stated(
    client: httpx.AsyncClient, db: Connection, auth_headers
) -> None:
    """Skill levels are stored by other programs only (the API takes skill names): one
    that is no finite number counts as no level (1.0), a readable one is kept."""
    headers = await auth_headers("user")
    body = {"name": "First aid", "required_count": 1, "required_skills": ["first_aid"]}
    aid = await _create(client, "/api/targets", body, headers)
    door = await _create(client, "/api/targets", {"name": "Door", "required_count": 1}, headers)
    ann = await _create(client, "/api/participants", {"name": "Ann"}, headers)
    ben = await _create(client, "/api/participants", {"name": "Ben"}, headers)
    levels = {ann: {"first_aid": "high", "cooking": "nan"}, ben: {"first_aid": 0.25}}
    for pid, skills in levels.items():
        await db.execute("UPDATE participants SET skills = %s WHERE id = %s", (Jsonb(skills), pid))

    run = {"strategy": "optimal", "participants": [ann, ben], "targets": [aid, door]}
    response = await client.post(GEN, json=run | {"assignment_date": "2026-12-21"}, headers=headers)
    assert response.status_code == 201, response.text
    skill = {
        (a["participant_id"], a["target_id"]): a["metadata"]["scores"]["skill"]
        for a in response.json()["assignments"]
    }
    assert skill == {(ann, aid): 1.0, (ben, door): 1.0}
    alone = {"strategy": "optimal", "participants": [ben], "targets": [aid], "preview": True}
    response = await client.post(GEN, json=alone, headers=headers)
    assert response.status_code == 201, response.text
    (placement,) = response.json()["assignments"]
    assert placement["metadata"]["scores"]["skill"] == 0.25  # Ben's readable level


async def test_a_participant_with_graded_skills_reads_as_its_skill_names(
    client: httpx.AsyncClient, db: Connection, auth_headers
) -> None:
    """One participant read alone was a 500 for skills stored graded, while the list
    gave the object: both give the names, in the stored order."""
    headers = await auth_headers("user")
    ann = await _create(client, "/api/participants", {"name": "Ann"}, headers)
    graded = {"first_aid": 0.5, "cooking": "high", "driving": 1}
    await db.execute("UPDATE participants SET skills = %s WHERE id = %s", (Jsonb(graded), ann))
    stored = await (
        await db.execute("SELECT skills FROM participants WHERE id = %s", (ann,))
    ).fetchone()
    names = list(stored["skills"])
    assert sorted(names) == sorted(graded)

    one = await client.get(f"/api/participants/{ann}", headers=headers)
    assert one.status_code == 200, one.text
    assert one.json()["skills"] == names
    for query in ("", "?has_skill=cooking"):
        listed = await client.get(f"/api/participants{query}", headers=headers)
        assert listed.status_code == 200, listed.text
        (item,) = [p for p in listed.json()["items"] if p["id"] == ann]
        assert item == one.json()
