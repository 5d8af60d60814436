"""The generate answer is encoded once (orjson, from the stored rows): the same JSON as
the documented pydantic model; the details' metadata, written by COPY, keeps
every character of the names; stored JSON the fast parser refuses still loads."""

import json
from datetime import date

import httpx

from tests.assignments.helpers import ids
from tests.factories import make_domain, make_participant, make_target
from vividshift.assignments import generation
from vividshift.assignments.routes import GenerateResult
from vividshift.assignments.schemas import GenerateRequest
from vividshift.db import Connection
from vividshift.engine import History, Participant, Problem, Target, solve

# Backslashes (COPY's escape), quotes and control characters (JSON's), emoji.
NAMES = ['Ann "the \\ bin" \\n', "Ben\ttab\nline", "Chloé 🧹 \\\\N", "\\."]


async def _house(db: Connection) -> dict:
    domain = await make_domain(db)
    for name in NAMES:
        await make_participant(db, name=name, domain_id=domain["id"])
    await make_target(db, name='Bins "\\"', required_count=2, domain_id=domain["id"])
    await make_target(db, name="Dishes\\", required_count=2, domain_id=domain["id"])
    return domain


async def test_stored_metadata_keeps_every_character(db: Connection) -> None:
    domain = await _house(db)
    body = GenerateRequest.model_validate(
        {"domain": domain["name"], "assignment_date": "2031-05-05"}
    )
    run = await generation.generate_run(db, None, body)

    cur = await db.execute(
        "SELECT p.name AS person, t.name AS task, d.metadata, d.position"
        " FROM assignment_details d JOIN participants p ON p.id = d.participant_id"
        " JOIN assignment_targets t ON t.id = d.target_id WHERE d.assignment_id = %s",
        (run.id,),
    )
    rows = await cur.fetchall()
    assert sorted(r["person"] for r in rows) == sorted(NAMES)
    for r in rows:
        assert r["metadata"]["participant_name"] == r["person"]
        assert r["metadata"]["target_name"] == r["task"]
        assert r["metadata"]["position"] == r["position"]
    stored = {(str(r["metadata"]["participant_name"]), r["position"]) for r in rows}
    assert stored == {(meta["participant_name"], pos) for _, _, pos, meta in run.details}


async def test_the_answer_is_the_models_json(db: Connection) -> None:
    domain = await _house(db)
    body = GenerateRequest.model_validate(
        {"domain": domain["name"], "assignment_date": "2031-05-06"}
    )
    run = await generation.generate_run(db, None, body)
    warnings = ["unknown field 'foo' ignored"]

    fast = run.to_json(warnings)

    model = GenerateResult(**dict(run.to_model()), warnings=warnings)
    slow = model.model_dump_json().encode()
    assert json.loads(fast) == json.loads(slow)
    assert list(json.loads(fast)) == list(json.loads(slow))  # the same key order
    assert json.loads(fast)["created_at"] == json.loads(slow)["created_at"]
    assert "warnings" not in json.loads(run.to_json([]))
    assert json.loads(run.to_json([])) == json.loads(run.to_model().model_dump_json())


async def test_the_route_answers_the_documented_shape(
    client: httpx.AsyncClient, db: Connection, auth_headers
) -> None:
    headers = await auth_headers("admin")
    crew = [await make_participant(db, name=n) for n in NAMES]
    task = await make_target(db, name="Bins", required_count=2)
    r = await client.post(
        "/api/assignments/generate",
        json={
            "participants": ids(crew),
            "targets": ids([task]),
            "assignment_date": date(2031, 5, 7).isoformat(),
            "foo": 1,
        },
        headers=headers,
    )
    assert r.status_code == 201, r.text
    assert r.headers["content-type"] == "application/json"
    assert json.loads(r.headers["x-vividshift-warnings"]) == ["unknown field 'foo' ignored"]
    answer = r.json()
    assert answer["warnings"] == ["unknown field 'foo' ignored"]
    # Valid against the documented model, and the same JSON once read back through it.
    model = GenerateResult.model_validate(answer)
    assert json.loads(model.model_dump_json()) == answer
    assert {a["metadata"]["participant_name"] for a in answer["assignments"]} <= set(NAMES)
    assert len(answer["assignments"]) == 2


async def test_numbers_beyond_a_double_in_stored_json_still_load(db: Connection) -> None:
    """jsonb keeps any numeric; orjson refuses one beyond a double: the standard parser
    reads it instead, so the run is generated rather than answered with a 500."""
    domain = await _house(db)
    await db.execute(
        "UPDATE participants SET metadata = '{\"huge\": 1e400}'::jsonb WHERE domain_id = %s",
        (domain["id"],),
    )
    body = GenerateRequest.model_validate(
        {"domain": domain["name"], "assignment_date": "2031-05-08"}
    )
    run = await generation.generate_run(db, None, body)
    assert len(run.details) == 4


def test_detail_rows_read_from_the_columns_match_the_placements() -> None:
    """The stored details come from the result's columns: the same ids, positions and
    rounded scores as each `Placement` gives (`PairScore.to_dict`)."""
    people = tuple(
        Participant(f"p{i}", name=f"P {i}", preferences={"preferred_targets": ["a"]})
        for i in range(7)
    )
    targets = (Target("a", name="A", required_count=2), Target("b", name="B", required_count=3))
    history = History.from_recent({"p0": ["a"], "p1": ["b"], "p2": ["a", "b"]})
    problem = Problem(people, targets, strategy="optimal", history=history, seed=1)
    result = solve(problem)
    rows = generation._detail_rows(result, problem, "optimal")
    assert len(rows) == 5
    for (pid, tid, position, meta), a in zip(rows, result.assignments, strict=True):
        assert (pid, tid, position) == (a.participant_id, a.target_id, a.position)
        assert meta["scores"] == a.score.to_dict()
        assert meta["score"] == meta["confidence"] == round(a.confidence, 4)
        assert (meta["participant_name"], meta["target_name"]) == (f"P {pid[1:]}", tid.upper())
        assert meta["position"] == position and meta["strategy"] == "optimal"
