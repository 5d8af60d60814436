"""Generation through the API: generate → read back → edit → history; errors; exports."""

import csv
import io
import uuid
from collections import Counter

import httpx
from icalendar import Calendar
from psycopg.types.json import Jsonb

from tests.assignments.helpers import ids, member_of, people, targets
from tests.factories import make_domain, make_participant
from vividshift.db import Connection

GEN = "/api/assignments/generate"


async def _whoami(client: httpx.AsyncClient, headers: dict[str, str]) -> str:
    r = await client.get("/api/me", headers=headers)
    assert r.status_code == 200, r.text
    return r.json()["id"]


async def test_generate_read_edit_history(client: httpx.AsyncClient, db: Connection, auth_headers):
    ann, bob = await auth_headers("user"), await auth_headers("admin")
    ann_id, bob_id = await _whoami(client, ann), await _whoami(client, bob)
    crew = await people(db, 6)
    jobs = await targets(db, {"Kitchen": 2, "Garden": 2})
    body = {
        "strategy": "balanced_rotation",
        "participants": ids(crew),
        "targets": ids(jobs),
        "parameters": {"rotation_weight": 0.6, "balance_weight": 0.4},
        "constraints": [
            {
                "name": "max_assignments_per_participant",
                "constraint_type": "limit",
                "parameters": {"max": 1},
            }
        ],
        "name": "week 1",
        "assignment_date": "2026-03-02",
        "seed": 7,
    }
    r = await client.post(GEN, json=body, headers=ann)
    assert r.status_code == 201, r.text
    run = r.json()
    assert run["strategy_used"] == "balanced_rotation"
    assert len(run["assignments"]) == 4
    for a in run["assignments"]:
        assert 0 <= a["confidence"] <= 1
        assert {"strategy", "score", "target_name"} <= set(a["metadata"])
    meta = run["metadata"]
    assert {"attempts", "execution_time_ms", "strategy_parameters", "validation_results"} <= set(
        meta
    )
    assert meta["solver"]["status"] == "optimal"
    assert all(v["passed"] for v in meta["validation_results"])
    assert Counter(a["target_id"] for a in run["assignments"]) == {str(j["id"]): 2 for j in jobs}

    # Read back: details with names, ordered by target name then position.
    got = (await client.get(f"/api/assignments/{run['id']}", headers=ann)).json()
    assert got["configuration"]["seed"] == 7
    assert got["configuration"]["inputs"]["targets"] == sorted(ids(jobs))
    assert [(d["target_name"], d["position"]) for d in got["details"]] == [
        ("Garden", 1),
        ("Garden", 2),
        ("Kitchen", 1),
        ("Kitchen", 2),
    ]
    assert got["created_by"] == ann_id

    # Swap (by Bob): the two participants of a Garden and a Kitchen detail exchange.
    garden, kitchen = got["details"][0], got["details"][2]
    r = await client.post(
        f"/api/assignments/{run['id']}/swap",
        json={"first_detail_id": garden["id"], "second_detail_id": kitchen["id"]},
        headers=bob,
    )
    assert r.status_code == 200, r.text
    after = {d["id"]: d["participant_id"] for d in r.json()["assignment"]["details"]}
    assert after[garden["id"]] == kitchen["participant_id"]
    assert after[kitchen["id"]] == garden["participant_id"]

    # Reassign (by Ann): someone not in the run takes a Kitchen place.
    assigned = set(after.values())
    free = next(p for p in ids(crew) if p not in assigned)
    r = await client.post(
        f"/api/assignments/{run['id']}/reassign",
        json={"detail_id": kitchen["id"], "participant_id": free, "reason": "sick"},
        headers=ann,
    )
    assert r.status_code == 200, r.text
    assert all(v["passed"] for v in r.json()["validation_results"])
    # Reassigning to someone already on that target is a conflict.
    other_kitchen = got["details"][3]
    r = await client.post(
        f"/api/assignments/{run['id']}/reassign",
        json={"detail_id": other_kitchen["id"], "participant_id": free},
        headers=ann,
    )
    assert r.status_code == 409, r.text

    # History: each step with its user.
    history = (await client.get(f"/api/assignments/{run['id']}/history", headers=ann)).json()
    steps = [(h["action"], h["changed_by"]) for h in history]
    assert steps[:2] == [("INSERT", ann_id), ("generate", ann_id)]
    assert ("swap", bob_id) in steps and ("reassign", ann_id) in steps
    assert steps.index(("swap", bob_id)) < steps.index(("reassign", ann_id))
    reassign = next(h for h in history if h["action"] == "reassign")
    assert reassign["changes"]["participant_id"]["new"] == free
    assert reassign["metadata"]["reason"] == "sick"
    assert reassign["changed_by_username"]

    # Status forward only; edits only while active.
    r = await client.patch(
        f"/api/assignments/{run['id']}",
        json={"status": "completed", "metadata": {"note": "done"}},
        headers=bob,
    )
    assert r.status_code == 200 and r.json()["status"] == "completed", r.text
    assert r.json()["metadata"]["note"] == "done"
    r = await client.patch(
        f"/api/assignments/{run['id']}", json={"status": "cancelled"}, headers=bob
    )
    assert r.status_code == 422 and r.json()["code"] == "BUSINESS_LOGIC_ERROR"
    r = await client.patch(f"/api/assignments/{run['id']}", json={"status": "active"}, headers=bob)
    assert r.status_code == 422 and r.json()["code"] == "VALIDATION_ERROR"
    r = await client.post(
        f"/api/assignments/{run['id']}/swap",
        json={"first_detail_id": garden["id"], "second_detail_id": kitchen["id"]},
        headers=bob,
    )
    assert r.status_code == 422 and r.json()["code"] == "BUSINESS_LOGIC_ERROR"
    history = (await client.get(f"/api/assignments/{run['id']}/history", headers=ann)).json()
    update = [h for h in history if h["action"] == "UPDATE" and "status" in h["changes"]]
    assert update and update[-1]["changed_by"] == bob_id
    assert update[-1]["changes"]["status"] == {"old": "active", "new": "completed"}


async def test_list_filters_and_rota(client: httpx.AsyncClient, db: Connection, auth_headers):
    user, viewer = await auth_headers("user"), await auth_headers("viewer")
    crew = await people(db, 3)
    jobs = await targets(db, {"Desk": 1})
    made = []
    for day in ("2026-01-05", "2026-01-12", "2026-01-19"):
        body = {"participants": ids(crew), "targets": ids(jobs), "assignment_date": day}
        r = await client.post(GEN, json=body, headers=user)
        assert r.status_code == 201, r.text
        made.append(r.json())
    # No-repeat over the last two runs: three runs, three different people.
    assert len({m["assignments"][0]["participant_id"] for m in made}) == 3
    r = await client.get(
        "/api/assignments",
        params={"date_from": "2026-01-10", "date_to": "2026-01-31", "limit": 1},
        headers=viewer,
    )
    page = r.json()
    assert r.status_code == 200 and page["total"] == 2 and len(page["items"]) == 1
    assert page["items"][0]["assignment_date"] == "2026-01-19"
    r = await client.get("/api/assignments", params={"status": "cancelled"}, headers=viewer)
    assert r.json()["total"] == 0
    r = await client.get("/api/assignments", params={"strategy": "optimal"}, headers=viewer)
    assert r.json()["total"] == 0
    person = made[1]["assignments"][0]["participant_id"]
    rota = (await client.get(f"/api/participants/{person}/assignments", headers=viewer)).json()
    assert rota["total"] == 1 and rota["items"][0]["target_name"] == "Desk"
    # The viewer reads but may not generate.
    body = {"participants": ids(crew), "targets": ids(jobs)}
    assert (await client.post(GEN, json=body, headers=viewer)).status_code == 403


async def test_infeasible_is_422_with_the_explanation(
    client: httpx.AsyncClient, db: Connection, auth_headers
):
    headers = await auth_headers("user")
    crew = await people(db, 4)
    jobs = await targets(db, {"Toilet A": 3, "Toilet B": 3})
    r = await client.post(
        GEN, json={"participants": ids(crew), "targets": ids(jobs)}, headers=headers
    )
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["code"] == "BUSINESS_LOGIC_ERROR"
    details = body["details"]
    assert "need 6, 4 can do them" in details["message"]
    assert "Toilet A" in details["message"] and "Toilet B" in details["message"]
    assert details["shortages"][0]["required"] == 6
    assert sorted(details["shortages"][0]["eligible"]) == sorted(ids(crew))
    count = await (await db.execute("SELECT count(*) AS n FROM assignments")).fetchone()
    assert count["n"] == 0


async def test_bad_input_is_4xx_json(client: httpx.AsyncClient, db: Connection, auth_headers):
    headers = await auth_headers("user")
    crew = await people(db, 2)
    jobs = await targets(db, {"Desk": 1})
    base = {"participants": ids(crew), "targets": ids(jobs)}
    cases = [
        ({**base, "participants": "everyone"}, "VALIDATION_ERROR"),
        ({**base, "participants": ["not-a-uuid"]}, "VALIDATION_ERROR"),
        ({**base, "participants": [str(uuid.uuid4())]}, "VALIDATION_ERROR"),
        ({**base, "targets": [str(uuid.uuid4())]}, "VALIDATION_ERROR"),
        ({**base, "strategy": "alphabetical"}, "VALIDATION_ERROR"),
        ({**base, "parameters": {"rotation_weight": 7}}, "VALIDATION_ERROR"),
        ({**base, "parameters": {"rotation_weight": "high"}}, "VALIDATION_ERROR"),
        ({**base, "constraints": [{"name": "teleport", "parameters": {}}]}, "VALIDATION_ERROR"),
        (
            {**base, "constraints": [{"name": "max_assignments_per_participant"}]},
            "VALIDATION_ERROR",
        ),
        ({**base, "validators": [{"name": "psychic_check"}]}, "VALIDATION_ERROR"),
        ({**base, "name": "bad\u0000name"}, "VALIDATION_ERROR"),
        ({**base, "seed": -1}, "VALIDATION_ERROR"),
        ({**base, "assignment_date": "yesterday"}, "VALIDATION_ERROR"),
        ({**base, "assignment_date": "9999-12-31"}, "VALIDATION_ERROR"),
        (
            {**base, "window": {"start": "2026-01-02T00:00:00", "end": "2026-01-01T00:00:00"}},
            "VALIDATION_ERROR",
        ),
        (
            {**base, "constraints": [{"name": "no_repeat", "parameters": {"per_target": "x"}}]},
            "VALIDATION_ERROR",
        ),
        (
            {
                **base,
                "constraints": [
                    {"name": "must_not_be_together", "parameters": {"participants": 5}}
                ],
            },
            "VALIDATION_ERROR",
        ),
    ]
    for body, code in cases:
        r = await client.post(GEN, json=body, headers=headers)
        assert r.status_code == 422, (body, r.text)
        assert r.json()["code"] == code, (body, r.json())
    # A domain that does not exist is answered like one the caller may not see (issue 12).
    r = await client.post(GEN, json={**base, "domain": "no-such-domain"}, headers=headers)
    assert r.status_code == 404, r.text
    assert r.json()["code"] == "RESOURCE_NOT_FOUND"
    r = await client.post(
        GEN, content=b"{not json", headers=headers | {"content-type": "application/json"}
    )
    assert r.status_code == 422 and r.json()["code"] == "VALIDATION_ERROR"
    # A compatible endpoint: an unknown field is ignored and named, as the predecessor did.
    surprise = {**base, "surprise": 1, "assignment_date": "2026-11-02"}
    r = await client.post(GEN, json=surprise, headers=headers)
    assert r.status_code == 201, r.text
    assert r.json()["warnings"] == ["unknown field 'surprise' ignored"]
    missing = uuid.uuid4()
    for path in (
        f"/api/assignments/{missing}",
        f"/api/assignments/{missing}.csv",
        f"/api/assignments/{missing}.ics",
        f"/api/assignments/{missing}/history",
        f"/api/participants/{missing}/assignments",
    ):
        r = await client.get(path, headers=headers)
        assert r.status_code == 404 and r.json()["code"] == "RESOURCE_NOT_FOUND", path
    for path in ("/api/assignments/nope", "/api/assignments/nope.csv"):
        r = await client.get(path, headers=headers)
        assert r.status_code == 422 and r.json()["code"] == "VALIDATION_ERROR", path
    r = await client.get("/api/assignments", params={"status": "sideways"}, headers=headers)
    assert r.status_code == 422
    r = await client.post(f"/api/assignments/{missing}/swap", json={}, headers=headers)
    assert r.status_code == 422
    r = await client.post(
        f"/api/assignments/{missing}/reassign",
        json={"detail_id": str(uuid.uuid4()), "participant_id": str(uuid.uuid4())},
        headers=headers,
    )
    assert r.status_code == 404
    r = await client.patch(f"/api/assignments/{missing}", json={"status": "done"}, headers=headers)
    assert r.status_code == 422
    # A real run: foreign ids in edits, reserved metadata keys.
    run = (await client.post(GEN, json=base, headers=headers)).json()
    detail = run["assignments"][0]
    r = await client.get(f"/api/assignments/{run['id']}", headers=headers)
    detail_id = r.json()["details"][0]["id"]
    r = await client.post(
        f"/api/assignments/{run['id']}/reassign",
        json={"detail_id": detail_id, "participant_id": str(uuid.uuid4())},
        headers=headers,
    )
    assert r.status_code == 422, r.text
    r = await client.post(
        f"/api/assignments/{run['id']}/reassign",
        json={"detail_id": detail_id, "participant_id": detail["participant_id"]},
        headers=headers,
    )
    assert r.status_code == 422, r.text
    r = await client.patch(
        f"/api/assignments/{run['id']}",
        json={"metadata": {"validation_results": []}},
        headers=headers,
    )
    assert r.status_code == 422, r.text


async def test_domain_rules_apply_and_edits_are_revalidated(
    client: httpx.AsyncClient, db: Connection, auth_headers
):
    headers = await auth_headers("user")
    house = await make_domain(
        db,
        name="lodge-test",
        configuration={
            "default_strategy": "optimal",
            "constraints": {"max_assignments_per_participant": 1},
        },
        business_rules=[{"type": "group_exclusion", "group": "A", "target": "Toilet B"}],
    )
    await member_of(db, headers, house)
    group_a = await people(db, 2, metadata={"group": "A"}, domain_id=house["id"])
    group_b = await people(db, 2, metadata={"group": "B"}, domain_id=house["id"])
    jobs = await targets(db, {"Toilet B": 2, "Hall": 2}, domain_id=house["id"])
    body = {
        "participants": ids(group_a + group_b),
        "targets": ids(jobs),
        "domain": "lodge-test",
    }
    r = await client.post(GEN, json=body, headers=headers)
    assert r.status_code == 201, r.text
    run = r.json()
    assert run["strategy_used"] == "optimal"
    toilet_b = str(jobs[0]["id"])
    on_b = {a["participant_id"] for a in run["assignments"] if a["target_id"] == toilet_b}
    assert on_b == set(ids(group_b))
    stored = (await client.get(f"/api/assignments/{run['id']}", headers=headers)).json()
    assert stored["configuration"]["domain"] == "lodge-test"
    assert {c["source"] for c in stored["configuration"]["constraints"]} == {"domain"}
    # Swapping a group-A person onto Toilet B breaks the group rule: refused, then forced.
    details = stored["details"]
    hall = next(d for d in details if d["target_name"] == "Hall")
    tb = next(d for d in details if d["target_name"] == "Toilet B")
    swap = {"first_detail_id": hall["id"], "second_detail_id": tb["id"]}
    r = await client.post(f"/api/assignments/{run['id']}/swap", json=swap, headers=headers)
    assert r.status_code == 422 and r.json()["code"] == "BUSINESS_LOGIC_ERROR", r.text
    group = next(
        v for v in r.json()["details"]["validation_results"] if v["validator"] == "group_rule"
    )
    assert not group["passed"]
    r = await client.post(
        f"/api/assignments/{run['id']}/swap", json=swap | {"force": True}, headers=headers
    )
    assert r.status_code == 200, r.text
    history = (await client.get(f"/api/assignments/{run['id']}/history", headers=headers)).json()
    assert next(h for h in history if h["action"] == "swap")["metadata"]["forced"] is True
    # The request overrides the domain's strategy.
    body |= {"strategy": "random_assignment", "replace": "complete"}
    r = await client.post(GEN, json=body, headers=headers)
    assert r.status_code == 201 and r.json()["strategy_used"] == "random_assignment"


async def test_exports(client: httpx.AsyncClient, db: Connection, auth_headers):
    headers = await auth_headers("viewer")
    writer = await auth_headers("user")
    crew = await people(db, 2) + [await make_participant(db, name="=HYPERLINK(evil)")]
    jobs = await targets(db, {"Desk": 1, "Door": 2})
    window = {"start": "2026-05-04T09:00:00", "end": "2026-05-04T11:00:00"}
    await db.execute(
        "UPDATE assignment_targets SET constraints = %s WHERE id = %s",
        (Jsonb({"time_window": window}), jobs[1]["id"]),
    )
    r = await client.post(
        GEN,
        json={
            "participants": ids(crew[:3]),
            "targets": ids(jobs),
            "assignment_date": "2026-05-04",
            "name": "May",
        },
        headers=writer,
    )
    assert r.status_code == 201, r.text
    run_id = r.json()["id"]
    r = await client.get(f"/api/assignments/{run_id}.csv", headers=headers)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert len(rows) == 3 and {row["target_name"] for row in rows} == {"Desk", "Door"}
    assert all(row["assignment_date"] == "2026-05-04" for row in rows)
    assert "'=HYPERLINK(evil)" in {row["participant_name"] for row in rows}
    r = await client.get(f"/api/assignments/{run_id}.ics", headers=headers)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/calendar")
    cal = Calendar.from_ical(r.content)
    events = list(cal.walk("VEVENT"))
    assert len(events) == 3
    desk = next(e for e in events if str(e["summary"]).startswith("Desk"))
    assert str(desk.decoded("dtstart")) == "2026-05-04"  # all-day
    door = next(e for e in events if str(e["summary"]).startswith("Door"))
    assert door.decoded("dtstart").hour == 9 and door.decoded("dtend").hour == 11
    assert len({str(e["uid"]) for e in events}) == 3


async def test_generate_with_idempotency_key(
    client: httpx.AsyncClient, db: Connection, auth_headers
):
    headers = await auth_headers("user")
    crew = await people(db, 3)
    jobs = await targets(db, {"Desk": 2})
    body = {"participants": ids(crew), "targets": ids(jobs)}
    keyed = headers | {"Idempotency-Key": "gen-1"}
    first = await client.post(GEN, json=body, headers=keyed)
    again = await client.post(GEN, json=body, headers=keyed)
    assert first.status_code == 201 and again.status_code == 201, again.text
    assert again.json()["id"] == first.json()["id"]
    assert again.headers.get("Idempotent-Replayed") == "true"
    other = await client.post(GEN, json=body | {"seed": 3}, headers=keyed)
    assert other.status_code == 422
    count = await (await db.execute("SELECT count(*) AS n FROM assignments")).fetchone()
    assert count["n"] == 1
