"""Pins and overrides of one place of a published turn: re-validated like any edit, the
rota's own person kept, both ways in the run's history; re-planning leaves them alone."""

import httpx

from tests.rota.helpers import house, person, post, task
from vividshift.db import Connection


async def _published(client, headers) -> tuple[dict, list[dict], dict]:
    domain = await house(client, headers)
    people = [await person(client, headers, "house", f"P{i}") for i in range(4)]
    await task(client, headers, "house", "Bins", 1)
    url = f"/api/domains/{domain['id']}"
    plan = await post(client, f"{url}/plan", {"from": "2030-01-01", "turns": 3}, headers)
    return domain, people, await post(client, f"{url}/plans/{plan['id']}/publish", {}, headers)


async def _detail(db: Connection, run_id: str) -> dict:
    cur = await db.execute("SELECT * FROM assignment_details WHERE assignment_id = %s", (run_id,))
    (row,) = await cur.fetchall()
    return row


async def _actions(db: Connection, run_id: str) -> list[str]:
    cur = await db.execute(
        "SELECT action FROM assignment_history WHERE assignment_id = %s ORDER BY changed_at",
        (run_id,),
    )
    return [r["action"] for r in await cur.fetchall()]


async def test_a_cover_keeps_the_rotas_person_and_goes_back(
    client: httpx.AsyncClient, db: Connection, auth_headers
):
    headers = await auth_headers("user")
    domain, people, published = await _published(client, headers)
    run = published["turns"][1]["run_id"]
    place = await _detail(db, run)
    rota_person = str(place["participant_id"])
    cover = next(p["id"] for p in people if p["id"] != rota_person)
    url = f"/api/assignments/{run}/details/{place['id']}/override"
    r = await client.post(url, json={"participant_id": cover, "reason": "ill"}, headers=headers)
    assert r.status_code == 200, r.text
    row = await _detail(db, run)
    assert (str(row["participant_id"]), str(row["rota_participant_id"])) == (cover, rota_person)
    r = await client.delete(url, headers=headers)
    assert r.status_code == 200, r.text
    row = await _detail(db, run)
    assert (str(row["participant_id"]), row["rota_participant_id"]) == (rota_person, None)
    actions = [a for a in await _actions(db, run) if a.startswith("override")]
    assert actions == ["override", "override_removed"]
    r = await client.delete(url, headers=headers)
    assert r.status_code == 422  # no override left


async def test_a_cover_who_is_away_is_refused(
    client: httpx.AsyncClient, db: Connection, auth_headers
):
    headers = await auth_headers("user")
    domain, people, published = await _published(client, headers)
    turn = published["turns"][1]
    place = await _detail(db, turn["run_id"])
    cover = next(p["id"] for p in people if p["id"] != str(place["participant_id"]))
    await post(
        client,
        f"/api/participants/{cover}/absences",
        {"start": turn["start"], "end": turn["end"]},
        headers,
    )
    r = await client.post(
        f"/api/assignments/{turn['run_id']}/details/{place['id']}/override",
        json={"participant_id": cover},
        headers=headers,
    )
    assert r.status_code == 422 and "away" in r.text
    assert str((await _detail(db, turn["run_id"]))["participant_id"]) != cover


async def test_pinned_and_covered_places_survive_a_replan(
    client: httpx.AsyncClient, db: Connection, auth_headers
):
    headers = await auth_headers("user")
    domain, people, published = await _published(client, headers)
    first, second, third = (t["run_id"] for t in published["turns"])
    pinned = await _detail(db, first)
    r = await client.put(f"/api/assignments/{first}/details/{pinned['id']}/pin", headers=headers)
    assert r.status_code == 200 and r.json()["pinned"] is True
    assert "pin" in await _actions(db, first)
    covered = await _detail(db, second)
    cover = next(
        p["id"]
        for p in people
        if p["id"] not in {str(covered["participant_id"]), str(pinned["participant_id"])}
    )
    await post(
        client,
        f"/api/assignments/{second}/details/{covered['id']}/override",
        {"participant_id": cover},
        headers,
    )
    # Everyone is now away for the whole year but the pinned and covering people: the
    # third turn must change, the pinned and the covered place may not.
    keep = {str(pinned["participant_id"]), cover}
    for p in people:
        if p["id"] not in keep:
            await post(
                client,
                f"/api/participants/{p['id']}/absences",
                {"start": "2030-01-01", "end": "2030-12-31"},
                headers,
            )
    url = f"/api/domains/{domain['id']}"
    proposal = await post(
        client, f"{url}/replan", {"from": "2030-01-01", "to": "2031-01-01"}, headers
    )
    assert first not in {d["run_id"] for d in proposal["diff"]}
    assert second not in {d["run_id"] for d in proposal["diff"]}
    r = await client.delete(f"/api/assignments/{first}/details/{pinned['id']}/pin", headers=headers)
    assert r.json()["pinned"] is False and "unpin" in await _actions(db, first)
    assert third
