"""Swaps and covers between people: asking, accepting (first valid acceptance wins, also
under ten parallel accepts), refusals that name the rule, manager approval, and the
place updated as an override the ledger credits."""

import asyncio
from datetime import date

import httpx
import psycopg
from psycopg.rows import dict_row

from tests.factories import insert_row, make_domain
from tests.fairshare.helpers import details, generate, history, make_house, user_id
from tests.system.test_http_errors import assert_error
from vividshift.db import Connection
from vividshift.errors import Conflict
from vividshift.fairshare.requests import accept
from vividshift.fairshare.schemas import PlaceRequestAccept
from vividshift.ledger.ledger import ledger


async def _linked_member(client, db: Connection, auth_headers, house, name: str) -> dict:
    headers = await auth_headers("user", member_of={house.id: "member"})
    await db.execute(
        "UPDATE participants SET user_id = %s WHERE id = %s",
        (await user_id(client, headers), house.people[name]),
    )
    return headers


async def test_a_cover_asked_and_accepted_becomes_an_override_the_ledger_credits(
    client: httpx.AsyncClient, db: Connection, auth_headers
) -> None:
    manager = await auth_headers("user")
    house = await make_house(
        client,
        manager,
        ["Ann", "Ben", "Cid"],
        {"Toilet B": 3, "Bin": 1},
        configuration={"constraints": {"max_assignments_per_participant": 2}},
    )
    run = await generate(
        client, house, "2026-11-02", participants=[house.people["Ann"], house.people["Ben"]]
    )
    place = next(
        d
        for d in await details(client, house, run["id"])
        if d["target_id"] == house.chores["Toilet B"]
    )
    owner = next(n for n, i in house.people.items() if i == place["participant_id"])
    asker = await _linked_member(client, db, auth_headers, house, owner)
    cid = await _linked_member(client, db, auth_headers, house, "Cid")

    url = f"/api/assignments/{run['id']}/details/{place['id']}/requests"
    assert_error(
        await client.post(url, json={"kind": "cover"}, headers=cid), 403, "AUTHORIZATION_ERROR"
    )
    r = await client.post(url, json={"kind": "cover", "note": "away that day"}, headers=asker)
    assert r.status_code == 201, r.text
    request = r.json()
    assert (request["status"], request["requester_id"]) == ("open", place["participant_id"])
    assert_error(
        await client.post(url, json={"kind": "cover"}, headers=asker), 409, "DUPLICATE_RESOURCE"
    )

    taken = await client.post(f"/api/place-requests/{request['id']}/accept", json={}, headers=cid)
    assert taken.status_code == 200, taken.text
    assert taken.json()["status"] == "done"
    assert [e["action"] for e in taken.json()["events"]] == ["requested", "accepted"]
    again = await client.post(f"/api/place-requests/{request['id']}/accept", json={}, headers=cid)
    assert_error(again, 409, "DUPLICATE_RESOURCE")

    cur = await db.execute(
        "SELECT participant_id, rota_participant_id FROM assignment_details WHERE id = %s",
        (place["id"],),
    )
    row = await cur.fetchone()
    assert (str(row["participant_id"]), str(row["rota_participant_id"])) == (
        house.people["Cid"],
        place["participant_id"],
    )
    assert any(h["action"] == "cover" for h in await history(client, house, run["id"]))
    await db.execute(
        "UPDATE assignment_details SET outcome = 'done', outcome_at = now()"
        " WHERE assignment_id = %s",
        (run["id"],),
    )
    book = await ledger(db, house.id, date(2026, 11, 30))
    by_name = {line.name: line for line in book.lines.values()}
    assert by_name["Cid"].covered_for_others == 3 and by_name["Cid"].done == 3
    assert by_name[owner].covered_for_them == 3 and by_name[owner].done == 0


async def test_a_swap_that_breaks_a_hard_rule_is_refused_naming_it(
    client: httpx.AsyncClient, db: Connection, auth_headers
) -> None:
    manager = await auth_headers("user")
    house = await make_house(
        client,
        manager,
        ["Medic", "Ann", "Ben"],
        {"First aid": 1, "Door": 1, "Bar": 1},
        person_fields={"Medic": {"skills": ["first_aid"]}},
        chore_fields={"First aid": {"required_skills": ["first_aid"]}},
    )
    run = await generate(client, house, "2026-11-02")
    places = {d["target_id"]: d for d in await details(client, house, run["id"])}
    aid = places[house.chores["First aid"]]
    door = places[house.chores["Door"]]
    bar = places[house.chores["Bar"]]
    assert aid["participant_id"] == house.people["Medic"]
    r = await client.post(
        f"/api/assignments/{run['id']}/details/{aid['id']}/requests",
        json={"kind": "swap"},
        headers=manager,
    )
    request = r.json()
    refused = await client.post(
        f"/api/place-requests/{request['id']}/accept",
        json={"participant_id": door["participant_id"], "detail_id": door["id"]},
        headers=manager,
    )
    body = assert_error(refused, 422, "BUSINESS_LOGIC_ERROR")
    assert body["details"]["rules"] == ["skills"]
    assert "cannot take First aid: lacks first_aid" in body["error"]
    # Nothing moved, and the request is still open for a valid taker.
    assert {d["id"]: d["participant_id"] for d in await details(client, house, run["id"])}[
        aid["id"]
    ] == house.people["Medic"]
    # A cover by someone already on a place of this run (max 1) is double booking.
    cover = await client.post(
        f"/api/assignments/{run['id']}/details/{bar['id']}/requests",
        json={"kind": "cover"},
        headers=manager,
    )
    body = assert_error(
        await client.post(
            f"/api/place-requests/{cover.json()['id']}/accept",
            json={"participant_id": door["participant_id"]},
            headers=manager,
        ),
        422,
        "BUSINESS_LOGIC_ERROR",
    )
    assert body["details"]["rules"] == ["no double booking"]


async def test_a_swap_waits_for_a_managers_approval_when_the_house_asks_for_it(
    client: httpx.AsyncClient, db: Connection, auth_headers
) -> None:
    manager = await auth_headers("user")
    house = await make_house(
        client,
        manager,
        ["Ann", "Ben"],
        {"Toilet B": 3, "Bin": 1},
        configuration={"fair_share": {"swaps_need_approval": True}},
    )
    run = await generate(client, house, "2026-11-02")
    places = {d["participant_id"]: d for d in await details(client, house, run["id"])}
    ann_place, ben_place = places[house.people["Ann"]], places[house.people["Ben"]]
    ann = await _linked_member(client, db, auth_headers, house, "Ann")
    ben = await _linked_member(client, db, auth_headers, house, "Ben")
    request = (
        await client.post(
            f"/api/assignments/{run['id']}/details/{ann_place['id']}/requests",
            json={"kind": "swap", "participant_id": house.people["Ben"]},
            headers=ann,
        )
    ).json()
    accepted = await client.post(
        f"/api/place-requests/{request['id']}/accept",
        json={"detail_id": ben_place["id"]},
        headers=ben,
    )
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["status"] == "accepted"
    unchanged = {d["id"]: d["participant_id"] for d in await details(client, house, run["id"])}
    assert unchanged[ann_place["id"]] == house.people["Ann"]
    assert_error(
        await client.post(f"/api/place-requests/{request['id']}/approve", headers=ben),
        403,
        "AUTHORIZATION_ERROR",
    )
    approved = await client.post(f"/api/place-requests/{request['id']}/approve", headers=manager)
    assert approved.status_code == 200, approved.text
    assert [e["action"] for e in approved.json()["events"]] == [
        "requested",
        "asked",
        "accepted",
        "approved",
    ]
    swapped = {d["id"]: d["participant_id"] for d in await details(client, house, run["id"])}
    assert swapped[ann_place["id"]] == house.people["Ben"]
    assert swapped[ben_place["id"]] == house.people["Ann"]
    stranger = await auth_headers("user")
    assert_error(
        await client.get(f"/api/place-requests/{request['id']}", headers=stranger),
        404,
        "RESOURCE_NOT_FOUND",
    )


async def test_ten_parallel_accepts_of_one_cover_request_give_exactly_one(
    fresh_db_url: str,
) -> None:
    async with await psycopg.AsyncConnection.connect(
        fresh_db_url, autocommit=True, row_factory=dict_row
    ) as setup:
        domain = await make_domain(setup)
        people = [
            await insert_row(setup, "participants", {"name": f"P{k}", "domain_id": domain["id"]})
            for k in range(11)
        ]
        target = await insert_row(
            setup, "assignment_targets", {"name": "Bin", "domain_id": domain["id"]}
        )
        run = await insert_row(
            setup,
            "assignments",
            {
                "strategy_used": "balanced_rotation",
                "domain_id": domain["id"],
                "assignment_date": date(2026, 11, 2),
            },
        )
        place = await insert_row(
            setup,
            "assignment_details",
            {
                "assignment_id": run["id"],
                "participant_id": people[0]["id"],
                "target_id": target["id"],
            },
        )
        request = await insert_row(
            setup,
            "place_requests",
            {
                "domain_id": domain["id"],
                "assignment_id": run["id"],
                "detail_id": place["id"],
                "kind": "cover",
                "requester_id": people[0]["id"],
            },
        )

    async def one(person: dict) -> str:
        async with await psycopg.AsyncConnection.connect(
            fresh_db_url, autocommit=True, row_factory=dict_row
        ) as conn:
            try:
                await accept(
                    conn, None, request["id"], PlaceRequestAccept(participant_id=person["id"])
                )
            except Conflict:
                return "409"
            return "200"

    outcomes = await asyncio.gather(*(one(p) for p in people[1:]))
    assert sorted(outcomes) == ["200"] + ["409"] * 9
    async with await psycopg.AsyncConnection.connect(
        fresh_db_url, autocommit=True, row_factory=dict_row
    ) as check:
        cur = await check.execute(
            "SELECT participant_id, rota_participant_id FROM assignment_details WHERE id = %s",
            (place["id"],),
        )
        row = await cur.fetchone()
        cur = await check.execute(
            "SELECT status, accepted_participant_id FROM place_requests WHERE id = %s",
            (request["id"],),
        )
        req = await cur.fetchone()
        cur = await check.execute(
            "SELECT count(*) AS n FROM place_request_events WHERE action = 'accepted'"
        )
        events = await cur.fetchone()
    assert req["status"] == "done"
    assert row["participant_id"] == req["accepted_participant_id"]
    assert row["rota_participant_id"] == people[0]["id"]
    assert events["n"] == 1
