"""One active run per (domain, date); history that includes the same date's earlier
runs; error-level validation failures that block the run (issue 11, items 4, 6, 7)."""

import asyncio
from collections import Counter
from typing import Any

import httpx

from tests.assignments.helpers import ids, live_app, member_of, people, targets
from tests.factories import make_domain
from vividshift.db import Connection

GEN = "/api/assignments/generate"


async def _rota(db: Connection, manager: dict[str, str], n_people: int = 6) -> dict[str, Any]:
    """A house (its people and chores in it) that the caller of `manager` manages."""
    domain = await make_domain(db)
    await member_of(db, manager, domain)
    crew = await people(db, n_people, domain_id=domain["id"])
    chores = await targets(db, {"Kitchen": 2, "Hall": 2, "Bath": 2}, domain_id=domain["id"])
    return {
        "domain": domain["name"],
        "participants": ids(crew),
        "targets": ids(chores),
        "assignment_date": "2026-12-07",
    }


def _pairs(run: dict[str, Any]) -> set[tuple[str, str]]:
    return {(a["participant_id"], a["target_id"]) for a in run["assignments"]}


async def test_a_second_active_run_is_409_naming_the_first(
    client: httpx.AsyncClient, db: Connection, auth_headers
):
    headers = await auth_headers("user")
    body = await _rota(db, headers)
    first = await client.post(GEN, json=body, headers=headers)
    assert first.status_code == 201, first.text
    again = await client.post(GEN, json=body, headers=headers)
    assert again.status_code == 409, again.text
    error = again.json()
    assert error["code"] == "DUPLICATE_RESOURCE"
    assert error["details"]["active_run"] == first.json()["id"]
    # Another date, or another domain on the same date, is not affected.
    assert (
        await client.post(GEN, json=body | {"assignment_date": "2026-12-14"}, headers=headers)
    ).status_code == 201
    other = await _rota(db, headers)
    assert (await client.post(GEN, json=other, headers=headers)).status_code == 201


async def test_replace_complete_keeps_the_old_run_as_history(
    client: httpx.AsyncClient, db: Connection, auth_headers
):
    headers = await auth_headers("user")
    body = await _rota(db, headers)
    first = (await client.post(GEN, json=body, headers=headers)).json()
    second = await client.post(GEN, json=body | {"replace": "complete"}, headers=headers)
    assert second.status_code == 201, second.text
    second_run = second.json()
    old = (await client.get(f"/api/assignments/{first['id']}", headers=headers)).json()
    assert old["status"] == "completed"
    assert second_run["metadata"]["replaced"] == {"run": first["id"], "replace": "complete"}
    # The completed run is history: with 6 people on 3 chores of 2, nobody repeats.
    assert not _pairs(first) & _pairs(second_run)
    old_history = await client.get(f"/api/assignments/{first['id']}/history", headers=headers)
    actions = [h["action"] for h in old_history.json()]
    assert "replaced" in actions
    new_history = (
        await client.get(f"/api/assignments/{second_run['id']}/history", headers=headers)
    ).json()
    generated = next(h for h in new_history if h["action"] == "generate")
    assert generated["changes"]["replaces"] == {"run": first["id"], "status": "completed"}


async def test_replace_cancel_drops_the_old_run_from_history(
    client: httpx.AsyncClient, db: Connection, auth_headers
):
    headers = await auth_headers("user")
    body = await _rota(db, headers)
    first = (await client.post(GEN, json=body | {"seed": 3}, headers=headers)).json()
    second = await client.post(GEN, json=body | {"seed": 3, "replace": "cancel"}, headers=headers)
    assert second.status_code == 201, second.text
    old = (await client.get(f"/api/assignments/{first['id']}", headers=headers)).json()
    assert old["status"] == "cancelled"
    # A cancelled run does not count: same inputs, same seed, no history → same rotation.
    assert _pairs(second.json()) == _pairs(first)
    assert second.json()["metadata"]["replaced"]["replace"] == "cancel"


async def test_runs_of_the_same_date_see_each_other(
    client: httpx.AsyncClient, db: Connection, auth_headers
):
    """Ten runs in a row on one date rotate: nobody repeats their latest target."""
    headers = await auth_headers("user")
    body = await _rota(db, headers)
    latest: dict[str, str] = {}
    counts: Counter[tuple[str, str]] = Counter()
    for _ in range(10):
        r = await client.post(GEN, json=body | {"replace": "complete"}, headers=headers)
        assert r.status_code == 201, r.text
        run = r.json()
        assert not run["metadata"]["relaxations"]
        for pid, tid in _pairs(run):
            assert latest.get(pid) != tid
            latest[pid] = tid
            counts[(pid, tid)] += 1
    listed = await client.get(
        "/api/assignments",
        params={"date_from": body["assignment_date"], "date_to": body["assignment_date"]},
        headers=headers,
    )
    statuses = Counter(item["status"] for item in listed.json()["items"])
    assert statuses == {"completed": 9, "active": 1}


async def test_error_level_failures_block_the_run_unless_an_admin_forces_it(
    client: httpx.AsyncClient, db: Connection, auth_headers
):
    """The validator checks a week the run's own day does not cover: Ana is away then, so
    availability_check fails with an error although the solver's placement is valid."""
    from tests.factories import make_participant

    user, admin = await auth_headers("user"), await auth_headers("admin")
    body = await _rota(db, user, n_people=5)
    house = await (
        await db.execute("SELECT id FROM domains WHERE name = %s", (body["domain"],))
    ).fetchone()
    assert house is not None
    ana = await make_participant(
        db,
        domain_id=house["id"],
        name="Ana",
        availability={"unavailable": [{"start": "2026-12-10", "end": "2026-12-12"}]},
    )
    body["participants"].append(str(ana["id"]))
    body["validators"] = [
        {
            "name": "availability_check",
            "parameters": {"time_window": {"start": "2026-12-07", "end": "2026-12-14"}},
        }
    ]
    refused = await client.post(GEN, json=body, headers=user)
    assert refused.status_code == 422, refused.text
    error = refused.json()
    assert error["code"] == "BUSINESS_LOGIC_ERROR"
    failed = error["details"]["validation_results"]
    assert [v["validator"] for v in failed] == ["availability_check"]
    assert "Ana" in " ".join(failed[0]["messages"])
    listed = await client.get("/api/assignments", headers=user)
    assert listed.json()["items"] == []  # nothing was half-written

    assert (await client.post(GEN, json=body | {"force": True}, headers=user)).status_code == 403
    forced = await client.post(GEN, json=body | {"force": True}, headers=admin)
    assert forced.status_code == 201, forced.text
    run = forced.json()
    assert run["metadata"]["forced"] is True
    history = (await client.get(f"/api/assignments/{run['id']}/history", headers=admin)).json()
    generated = next(h for h in history if h["action"] == "generate")
    assert generated["metadata"]["forced"] is True


async def test_twenty_parallel_generations_make_one_run(fresh_db_url: str):
    """The database, not only the lock, keeps one active run per (domain, date)."""
    async with live_app(fresh_db_url) as app:
        headers, _ = await app.headers("user")
        for i in range(8):
            await app.conn.execute("INSERT INTO participants (name) VALUES (%s)", (f"p{i}",))
        await app.conn.execute(
            "INSERT INTO assignment_targets (name, required_count) VALUES ('t', 4)"
        )
        body = {"assignment_date": "2026-12-07"}
        answers = await asyncio.gather(
            *(app.client.post(GEN, json=body, headers=headers) for _ in range(20))
        )
        codes = Counter(r.status_code for r in answers)
        assert codes == {201: 1, 409: 19}, [r.text for r in answers if r.status_code >= 500]
        assert await app.count("assignments") == 1
