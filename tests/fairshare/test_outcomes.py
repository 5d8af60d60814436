"""Outcomes of places: a member marks their own place done, a manager any outcome,
covers become overrides, every marking is in the run's history; the worker closes the
places left open when their run's day has ended."""

import httpx

from tests.fairshare.helpers import details, generate, history, make_house, user_id
from tests.system.test_http_errors import assert_error
from vividshift.db import Connection
from vividshift.fairshare.outcomes import close_ended_places

PEOPLE = ["Ann", "Ben", "Cid"]
CHORES = {"Toilet B": 3, "Bin": 1, "Parlor": 1}


def _url(run_id: str, detail_id: str) -> str:
    return f"/api/assignments/{run_id}/details/{detail_id}/outcome"


async def test_a_member_marks_their_own_place_done_and_nothing_else(
    client: httpx.AsyncClient, db: Connection, auth_headers
) -> None:
    manager = await auth_headers("user")
    house = await make_house(client, manager, PEOPLE, CHORES, name="house-a")
    member = await auth_headers("user", member_of={house.id: "member"})
    me = await user_id(client, member)
    await db.execute(
        "UPDATE participants SET user_id = %s WHERE id = %s", (me, house.people["Ann"])
    )
    run = await generate(client, house, "2026-12-01")
    places = await details(client, house, run["id"])
    mine = next(d for d in places if d["participant_id"] == house.people["Ann"])
    other = next(d for d in places if d["participant_id"] != house.people["Ann"])

    assert_error(
        await client.post(_url(run["id"], other["id"]), json={"outcome": "done"}, headers=member),
        403,
        "AUTHORIZATION_ERROR",
    )
    assert_error(
        await client.post(_url(run["id"], mine["id"]), json={"outcome": "missed"}, headers=member),
        403,
        "AUTHORIZATION_ERROR",
    )
    r = await client.post(_url(run["id"], mine["id"]), json={"outcome": "done"}, headers=member)
    assert r.status_code == 200, r.text
    assert (r.json()["outcome"], r.json()["outcome_by"]) == ("done", me)
    assert r.json()["participant_id"] == house.people["Ann"]
    assert (
        next(d for d in await details(client, house, run["id"]) if d["id"] == mine["id"])["outcome"]
        == "done"
    )
    entry = [h for h in await history(client, house, run["id"]) if h["action"] == "outcome"]
    assert len(entry) == 1
    assert entry[0]["changed_by"] == me
    assert entry[0]["changes"]["outcome"] == {"old": None, "new": "done"}


async def test_a_manager_records_a_cover_as_an_override(
    client: httpx.AsyncClient, db: Connection, auth_headers
) -> None:
    manager = await auth_headers("user")
    house = await make_house(client, manager, PEOPLE, CHORES, name="house-b")
    run = await generate(client, house, "2026-12-01")
    places = await details(client, house, run["id"])
    place = places[0]
    rota = place["participant_id"]
    url = _url(run["id"], place["id"])

    assert_error(
        await client.post(url, json={"outcome": "covered"}, headers=manager),
        422,
        "VALIDATION_ERROR",
    )
    assert_error(
        await client.post(url, json={"outcome": "done", "by": rota}, headers=manager),
        422,
        "VALIDATION_ERROR",
    )
    assert_error(
        await client.post(url, json={"outcome": "finished"}, headers=manager),
        422,
        "VALIDATION_ERROR",
    )
    elsewhere = await make_house(client, manager, ["Zed"], {}, name="house-c")
    assert_error(
        await client.post(
            url, json={"outcome": "covered", "by": elsewhere.people["Zed"]}, headers=manager
        ),
        404,  # another house's person, as everywhere: not found
        "RESOURCE_NOT_FOUND",
    )
    helper = next(p for p in house.people.values() if p != rota)
    r = await client.post(url, json={"outcome": "covered", "by": helper}, headers=manager)
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["participant_id"], body["rota_participant_id"]) == (helper, rota)
    assert body["outcome"] == "covered"
    entry = [h for h in await history(client, house, run["id"]) if h["action"] == "outcome"][-1]
    assert entry["changes"]["participant_id"] == {"old": rota, "new": helper}

    # Nothing half-written by the refused requests: one outcome row only.
    assert (
        len([h for h in await history(client, house, run["id"]) if h["action"] == "outcome"]) == 1
    )


async def test_other_houses_and_cancelled_runs(
    client: httpx.AsyncClient, db: Connection, auth_headers
) -> None:
    manager = await auth_headers("user")
    house = await make_house(client, manager, PEOPLE, CHORES, name="house-d")
    run = await generate(client, house, "2026-12-01")
    place = (await details(client, house, run["id"]))[0]
    stranger = await auth_headers("user")
    await make_house(client, stranger, [], {}, name="house-e")
    private = {"name": "house-d"}
    del private
    # A manager of another (private) house: the run is not found.
    assert_error(
        await client.post(_url(run["id"], place["id"]), json={"outcome": "done"}, headers=stranger),
        404,
        "RESOURCE_NOT_FOUND",
    )
    other_run = await generate(client, house, "2026-12-02")
    assert_error(
        await client.post(
            _url(other_run["id"], place["id"]), json={"outcome": "done"}, headers=manager
        ),
        404,
        "RESOURCE_NOT_FOUND",
    )
    r = await client.patch(
        f"/api/assignments/{run['id']}", json={"status": "cancelled"}, headers=manager
    )
    assert r.status_code == 200, r.text
    assert_error(
        await client.post(_url(run["id"], place["id"]), json={"outcome": "done"}, headers=manager),
        422,
        "BUSINESS_LOGIC_ERROR",
    )


async def test_open_places_close_when_their_day_has_ended(
    client: httpx.AsyncClient, db: Connection, auth_headers
) -> None:
    manager = await auth_headers("user")
    done_house = await make_house(client, manager, PEOPLE, CHORES, name="house-f")
    missed_house = await make_house(
        client,
        manager,
        PEOPLE,
        CHORES,
        name="house-g",
        configuration={"fair_share": {"open_places": "missed"}},
    )
    past = await generate(client, done_house, "2020-01-06")
    marked = (await details(client, done_house, past["id"]))[0]
    r = await client.post(
        _url(past["id"], marked["id"]), json={"outcome": "excused"}, headers=manager
    )
    assert r.status_code == 200, r.text
    missed_run = await generate(client, missed_house, "2020-01-06")
    future = await generate(client, done_house, "2099-01-05")
    cancelled = await generate(client, done_house, "2020-01-07")
    await client.patch(
        f"/api/assignments/{cancelled['id']}", json={"status": "cancelled"}, headers=manager
    )

    closed = await close_ended_places(db)
    assert closed["places"] >= 5

    outcomes = {d["id"]: d["outcome"] for d in await details(client, done_house, past["id"])}
    assert outcomes.pop(marked["id"]) == "excused"
    assert set(outcomes.values()) == {"done"}
    assert {d["outcome"] for d in await details(client, missed_house, missed_run["id"])} == {
        "missed"
    }
    assert {d["outcome"] for d in await details(client, done_house, future["id"])} == {None}
    assert {d["outcome"] for d in await details(client, done_house, cancelled["id"])} == {None}
    entry = [h for h in await history(client, done_house, past["id"]) if h["action"] == "outcome"]
    assert entry[-1]["changed_by"] is None and len(entry[-1]["changes"]["closed"]) == 2
    # A second sweep finds nothing more to do.
    assert (await close_ended_places(db))["places"] == 0


async def test_a_manager_reopens_a_place_and_a_member_cannot(
    client: httpx.AsyncClient, db: Connection, auth_headers
) -> None:
    manager = await auth_headers("user")
    house = await make_house(client, manager, PEOPLE, CHORES, name="house-h")
    member = await auth_headers("user", member_of={house.id: "member"})
    await db.execute(
        "UPDATE participants SET user_id = %s WHERE id = %s",
        (await user_id(client, member), house.people["Ann"]),
    )
    run = await generate(client, house, "2026-12-01")
    mine = next(
        d
        for d in await details(client, house, run["id"])
        if d["participant_id"] == house.people["Ann"]
    )
    url = _url(run["id"], mine["id"])
    assert (await client.post(url, json={"outcome": "done"}, headers=member)).status_code == 200
    assert_error(
        await client.post(url, json={"outcome": None}, headers=member), 403, "AUTHORIZATION_ERROR"
    )
    reopened = await client.post(url, json={"outcome": None}, headers=manager)
    assert reopened.status_code == 200, reopened.text
    assert (reopened.json()["outcome"], reopened.json()["outcome_at"]) == (None, None)
    assert_error(await client.post(url, json={}, headers=manager), 422, "VALIDATION_ERROR")
