"""The rota and fair-share changes write their notification events in their own
transaction: a published plan (each run), an applied re-plan (only the places that
changed hands), an accepted cover, and the people a cover search asks."""

from typing import Any

import httpx

from tests.fairshare.helpers import details, generate, make_house
from tests.rota.helpers import house, person, post, task
from vividshift.db import Connection
from vividshift.fairshare.waves import ask_next_waves


async def _events(db: Connection, domain_id: str) -> list[dict[str, Any]]:
    cur = await db.execute(
        "SELECT event_type, payload FROM notification_events WHERE domain_id = %s",
        (domain_id,),
    )
    return await cur.fetchall()


async def test_a_published_plan_and_an_applied_replan_tell_people(
    client: httpx.AsyncClient, db: Connection, auth_headers
) -> None:
    headers = await auth_headers("user")
    domain = await house(client, headers)
    people = [await person(client, headers, "house", f"P{i}") for i in range(4)]
    await task(client, headers, "house", "Bins", 1)
    url = f"/api/domains/{domain['id']}"
    plan = await post(client, f"{url}/plan", {"from": "2030-01-01", "turns": 4}, headers)
    assert await _events(db, domain["id"]) == []  # a draft tells nobody
    published = await post(client, f"{url}/plans/{plan['id']}/publish", {}, headers)
    runs = {t["run_id"] for t in published["turns"]}
    events = await _events(db, domain["id"])
    assert [e["event_type"] for e in events] == ["rotation.published.v1"] * 4
    assert {e["payload"]["run"]["id"] for e in events} == runs

    leaver = people[0]["id"]
    r = await client.delete(f"/api/participants/{leaver}", headers=headers)
    assert r.status_code == 204, r.text
    proposal = await post(
        client, f"{url}/replan", {"from": "2020-01-01", "to": "2031-01-01"}, headers
    )
    await post(client, f"{url}/replans/{proposal['plan']['id']}/apply", {}, headers)
    changed = [e for e in await _events(db, domain["id"]) if e["event_type"] == "place.changed.v1"]
    moved = {
        (d["run_id"], c["leaves"]["participant_id"]) for d in proposal["diff"] for c in d["changes"]
    }
    assert moved and len(changed) == len({run for run, _ in moved})
    for event in changed:
        assert event["payload"]["reason"] == "replan"
        for change in event["payload"]["changes"]:
            assert change["from"]["participant_id"] == leaver
            assert change["to"]["participant_id"] != leaver


async def test_an_accepted_cover_and_a_cover_search_tell_people(
    client: httpx.AsyncClient, db: Connection, auth_headers
) -> None:
    manager = await auth_headers("user")
    lodge = await make_house(client, manager, ["Ann", "Ben", "Cid", "Dee"], {"Bin": 1})
    run = await generate(client, lodge, "2026-11-02")
    place = (await details(client, lodge, run["id"]))[0]
    # Everyone but the holder has an account, so each ask reaches a person.
    for name, pid in lodge.people.items():
        if pid != place["participant_id"]:
            await db.execute(
                "INSERT INTO users (username, email, password_hash, role)"
                " VALUES (%s, %s, 'x', 'user')",
                (f"u-{name}", f"{name.lower()}@example.org"),
            )
            await db.execute(
                "UPDATE participants SET user_id = (SELECT id FROM users WHERE username = %s)"
                " WHERE id = %s",
                (f"u-{name}", pid),
            )
    request = await post(
        client,
        f"/api/assignments/{run['id']}/details/{place['id']}/requests",
        {"kind": "cover", "auto_find": True},
        manager,
    )
    await ask_next_waves(db)
    events = await _events(db, lodge.id)
    assert sorted({e["event_type"] for e in events}) == [
        "cover.requested.v1",
        "rotation.published.v1",
    ]
    asked = [e for e in events if e["event_type"] == "cover.requested.v1"]
    assert len(asked) == 3  # the default wave
    assert all(e["payload"]["request_id"] == request["id"] and e["payload"]["why"] for e in asked)

    taker = next(p for p in lodge.people.values() if p != place["participant_id"])
    r = await client.post(
        f"/api/place-requests/{request['id']}/accept",
        json={"participant_id": taker},
        headers=manager,
    )
    assert r.status_code == 200, r.text
    (changed,) = [e for e in await _events(db, lodge.id) if e["event_type"] == "place.changed.v1"]
    assert changed["payload"]["reason"] == "cover"
    (change,) = changed["payload"]["changes"]
    assert change["from"]["participant_id"] == place["participant_id"]
    assert change["to"]["participant_id"] == taker
