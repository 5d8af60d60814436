"""GET/POST/DELETE /api/participants/{id}/absences: local whole days or instants; a member
manages their own, a manager anyone's; another domain's participant is not found."""

import httpx

from tests.rota.helpers import house, person, post, task
from vividshift.db import Connection


async def test_whole_local_days_and_instants(client: httpx.AsyncClient, auth_headers):
    headers = await auth_headers("user")
    await house(client, headers)
    ana = await person(client, headers, "house", "Ana")
    url = f"/api/participants/{ana['id']}/absences"
    days = await post(client, url, {"start": "2030-07-01", "end": "2030-07-14"}, headers)
    # Whole days in Berlin (CEST, +02:00), the end day included.
    assert days["start"] == "2030-06-30T22:00:00Z"
    assert days["end"] == "2030-07-14T22:00:00Z"
    moment = await post(
        client,
        url,
        {"start": "2030-08-01T12:00:00Z", "end": "2030-08-01T18:00:00+02:00", "reason": "dentist"},
        headers,
    )
    assert (moment["start"], moment["end"]) == ("2030-08-01T12:00:00Z", "2030-08-01T16:00:00Z")
    listed = (await client.get(url, headers=headers)).json()
    assert [a["id"] for a in listed] == [days["id"], moment["id"]]
    r = await client.delete(f"{url}/{days['id']}", headers=headers)
    assert r.status_code == 204
    assert [a["id"] for a in (await client.get(url, headers=headers)).json()] == [moment["id"]]
    r = await client.delete(f"{url}/{days['id']}", headers=headers)
    assert r.status_code == 404


async def test_an_absence_must_end_after_it_starts(client: httpx.AsyncClient, auth_headers):
    headers = await auth_headers("user")
    await house(client, headers)
    ana = await person(client, headers, "house", "Ana")
    url = f"/api/participants/{ana['id']}/absences"
    r = await client.post(url, json={"start": "2030-07-05", "end": "2030-07-01"}, headers=headers)
    assert r.status_code == 422 and r.json()["code"] == "VALIDATION_ERROR"
    r = await client.post(url, json={"start": "2030-07-05", "until": "x"}, headers=headers)
    assert r.status_code == 422
    # The reason's column holds 500 characters: a longer one is refused, not a 500.
    body = {"start": "2030-07-01", "end": "2030-07-02", "reason": "x" * 501}
    r = await client.post(url, json=body, headers=headers)
    assert r.status_code == 422 and r.json()["code"] == "VALIDATION_ERROR"
    assert (await client.get(url, headers=headers)).json() == []


async def test_a_member_manages_their_own_absences_only(
    client: httpx.AsyncClient, db: Connection, auth_headers
):
    manager = await auth_headers("user")
    domain = await house(client, manager)
    member = await auth_headers("user", member_of={domain["id"]: "member"})
    cur = await db.execute(
        "SELECT user_id FROM domain_members WHERE domain_id = %s AND role = 'member'",
        (domain["id"],),
    )
    me_id = (await cur.fetchone())["user_id"]
    mine = await person(client, manager, "house", "Me", user_id=str(me_id))
    theirs = await person(client, manager, "house", "Them")
    body = {"start": "2030-07-01", "end": "2030-07-02"}
    own = await client.post(f"/api/participants/{mine['id']}/absences", json=body, headers=member)
    assert own.status_code == 201, own.text
    other = await client.post(
        f"/api/participants/{theirs['id']}/absences", json=body, headers=member
    )
    assert other.status_code == 403
    r = await client.delete(
        f"/api/participants/{mine['id']}/absences/{own.json()['id']}", headers=member
    )
    assert r.status_code == 204
    # A manager of another house does not see these people at all.
    stranger = await auth_headers("user")
    r = await client.get(f"/api/participants/{theirs['id']}/absences", headers=stranger)
    assert r.status_code == 404


async def test_an_absence_over_published_turns_gets_a_replan_proposal(
    client: httpx.AsyncClient, auth_headers
):
    headers = await auth_headers("user")
    domain = await house(client, headers)
    people = [await person(client, headers, "house", f"P{i}") for i in range(3)]
    await task(client, headers, "house", "Bins", 1)
    url = f"/api/domains/{domain['id']}"
    plan = await post(client, f"{url}/plan", {"from": "2030-01-01", "turns": 3}, headers)
    published = await post(client, f"{url}/plans/{plan['id']}/publish", {}, headers)
    second = published["turns"][1]
    who = second["places"][0]["participant_id"]
    absence = await post(
        client,
        f"/api/participants/{who}/absences",
        {"start": "2030-01-22", "end": "2030-01-23"},
        headers,
    )
    assert absence["published_turns"] == [second["run_id"]]
    # The re-plan proposal is made at once: that one place changes hands, proven minimal.
    proposal = (
        await client.get(f"{url}/replans/{absence['replan_proposal']}", headers=headers)
    ).json()
    assert proposal["changes"] == 1 and proposal["changes_proven"]
    (turn,) = proposal["diff"]
    assert turn["run_id"] == second["run_id"]
    (change,) = turn["changes"]
    assert change["leaves"]["participant_id"] == who
    assert change["takes"]["participant_id"] in {p["id"] for p in people} - {who}
