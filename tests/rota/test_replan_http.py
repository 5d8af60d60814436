"""Re-planning published turns over HTTP: the fewest changes (proven), a diff per turn,
pinned places and started turns untouched, applied in one transaction with history."""

import httpx

from tests.rota.helpers import house, person, post, task
from vividshift.db import Connection


async def _published_house(client, headers) -> tuple[dict, list[dict], dict]:
    domain = await house(client, headers)
    people = [await person(client, headers, "house", f"P{i}") for i in range(4)]
    await task(client, headers, "house", "Bins", 1)
    await task(client, headers, "house", "Kitchen", 1)
    url = f"/api/domains/{domain['id']}"
    plan = await post(client, f"{url}/plan", {"from": "2030-01-01", "turns": 6}, headers)
    published = await post(client, f"{url}/plans/{plan['id']}/publish", {}, headers)
    return domain, people, published


async def _pairs(db: Connection, run_id: str) -> set[tuple[str, str]]:
    cur = await db.execute(
        "SELECT participant_id::text AS p, target_id::text AS t FROM assignment_details"
        " WHERE assignment_id = %s",
        (run_id,),
    )
    return {(r["p"], r["t"]) for r in await cur.fetchall()}


async def test_someone_leaves_and_only_their_places_change(
    client: httpx.AsyncClient, db: Connection, auth_headers
):
    headers = await auth_headers("user")
    domain, people, published = await _published_house(client, headers)
    url = f"/api/domains/{domain['id']}"
    leaver = people[0]["id"]
    theirs = [
        (t["index"], p["target_id"])
        for t in published["turns"]
        for p in t["places"]
        if p["participant_id"] == leaver
    ]
    assert theirs
    # A pinned place of someone else stays; the first turn has started (history).
    pinned_turn = next(t for t in published["turns"] if t["index"] not in {k for k, _ in theirs})
    keep = pinned_turn["places"][0]
    await db.execute(
        "UPDATE assignment_details SET pinned = true"
        " WHERE assignment_id = %s AND participant_id = %s",
        (pinned_turn["run_id"], keep["participant_id"]),
    )
    started = published["turns"][0]
    await db.execute(
        "UPDATE assignments SET turn_start = now() - interval '1 day' WHERE id = %s",
        (started["run_id"],),
    )
    before_started = await _pairs(db, started["run_id"])
    r = await client.delete(f"/api/participants/{leaver}", headers=headers)
    assert r.status_code == 204, r.text

    proposal = await post(
        client, f"{url}/replan", {"from": "2020-01-01", "to": "2031-01-01"}, headers
    )
    open_theirs = [(k, t) for k, t in theirs if k != 0]
    assert proposal["changes"] == len(open_theirs) and proposal["changes_proven"]
    assert proposal["plan"]["kind"] == "replan" and len(proposal["plan"]["turns"]) == 5
    moved = [
        (d["run_id"], c["target_id"], c["leaves"]["participant_id"], c["takes"]["participant_id"])
        for d in proposal["diff"]
        for c in d["changes"]
    ]
    assert {m[2] for m in moved} == {leaver}
    assert all(m[3] != leaver for m in moved)
    assert started["run_id"] not in {d["run_id"] for d in proposal["diff"]}

    applied = await post(client, f"{url}/replans/{proposal['plan']['id']}/apply", {}, headers)
    assert applied["plan"]["status"] == "published"
    for turn in published["turns"][1:]:
        pairs = await _pairs(db, turn["run_id"])
        assert leaver not in {p for p, _ in pairs}
        assert len(pairs) == 2
    assert (keep["participant_id"], keep["target_id"]) in await _pairs(db, pinned_turn["run_id"])
    assert await _pairs(db, started["run_id"]) == before_started  # history stays
    changed_run = moved[0][0]
    cur = await db.execute(
        "SELECT changes FROM assignment_history WHERE assignment_id = %s AND action = 'replan'",
        (changed_run,),
    )
    (row,) = await cur.fetchall()
    assert row["changes"]["plan"] == proposal["plan"]["id"]
    again = await client.post(f"{url}/replans/{proposal['plan']['id']}/apply", headers=headers)
    assert again.status_code == 409


async def test_a_stale_proposal_is_refused_whole(
    client: httpx.AsyncClient, db: Connection, auth_headers
):
    headers = await auth_headers("user")
    domain, people, published = await _published_house(client, headers)
    url = f"/api/domains/{domain['id']}"
    await db.execute(
        "INSERT INTO participant_absences (participant_id, domain_id, starts_at, ends_at)"
        " VALUES (%s, %s, '2030-01-01', '2031-01-01')",
        (people[1]["id"], domain["id"]),
    )
    proposal = await post(
        client, f"{url}/replan", {"from": "2030-01-01", "to": "2031-01-01"}, headers
    )
    assert proposal["changes"] > 0
    # Someone edits a run the proposal changes: the proposal no longer applies.
    run = proposal["diff"][-1]["run_id"]
    await db.execute(
        "UPDATE assignment_details SET participant_id = %s WHERE assignment_id = %s"
        " AND participant_id = %s",
        (people[3]["id"], run, people[1]["id"]),
    )
    snapshot = {t["run_id"]: await _pairs(db, t["run_id"]) for t in published["turns"]}
    r = await client.post(f"{url}/replans/{proposal['plan']['id']}/apply", headers=headers)
    assert r.status_code == 409, r.text
    assert {t: await _pairs(db, t) for t in snapshot} == snapshot


async def test_nothing_to_replan_is_a_clear_422(client: httpx.AsyncClient, auth_headers):
    headers = await auth_headers("user")
    domain = await house(client, headers)
    r = await client.post(
        f"/api/domains/{domain['id']}/replan",
        json={"from": "2030-01-01", "to": "2031-01-01"},
        headers=headers,
    )
    assert r.status_code == 422 and "No published turn" in r.json()["error"]
