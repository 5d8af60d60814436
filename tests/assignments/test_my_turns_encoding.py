"""GET /api/me/assignments writes its page once, without pydantic: the bytes must stay
exactly what MyPlacePage writes (field order, compact separators, "Z" for a zero
offset, teammates in order), and the page's total and paging hold past the last row."""

from datetime import date, timedelta

import httpx

from tests.assignments.helpers import member_of, user_id_of
from tests.factories import make_assignment, make_detail, make_domain, make_participant, make_target
from vividshift.assignments.schemas import MyPlacePage
from vividshift.db import Connection

WINDOW = {"start": "09:00", "end": "11:30"}


async def _my_house(db: Connection, user_id, zone: str, runs: int) -> dict:  # type: ignore[no-untyped-def]
    house = await make_domain(db, configuration={"timezone": zone})
    me = await make_participant(db, domain_id=house["id"], name="Me", user_id=user_id)
    mates = [
        await make_participant(db, domain_id=house["id"], name=name)
        for name in ("Zoë", "Ana", "Ødegaard")
    ]
    plain = await make_target(db, domain_id=house["id"], name="Bins")
    timed = await make_target(
        db, domain_id=house["id"], name="Kitchen", constraints={"time_window": WINDOW}
    )
    for k in range(runs):
        run = await make_assignment(
            db,
            domain_id=house["id"],
            assignment_date=date.today() + timedelta(days=7 * (k + 1)),
            name=f"Week {k}",
        )
        target = timed if k % 2 else plain
        await make_detail(
            db, assignment_id=run["id"], participant_id=me["id"], target_id=target["id"], position=0
        )
        # Teammates on the same task in an order of their own: position, then name.
        for position, mate in ((2, mates[0]), (1, mates[1]), (1, mates[2])):
            await make_detail(
                db,
                assignment_id=run["id"],
                participant_id=mate["id"],
                target_id=target["id"],
                position=position,
            )
    return house


async def test_the_page_is_byte_for_byte_what_my_place_page_writes(
    client: httpx.AsyncClient, db: Connection, auth_headers
) -> None:
    mine = await auth_headers("user")
    for zone in ("UTC", "Europe/Berlin", "Not/AZone"):
        house = await _my_house(db, user_id_of(mine), zone, runs=2)
        await member_of(db, mine, house, "member")

    r = await client.get("/api/me/assignments?limit=10", headers=mine)
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    page = MyPlacePage.model_validate_json(r.content)
    assert r.content == page.model_dump_json().encode()
    assert page.total == 6 and len(page.items) == 6

    body = r.json()
    zones = {p["timezone"] for p in body["items"]}
    assert zones == {"UTC", "Europe/Berlin"}  # an unknown zone reads as UTC
    utc = [p for p in body["items"] if p["timezone"] == "UTC"]
    assert all(w["start"].endswith("Z") for p in utc for w in p["windows"])
    timed = [p for p in body["items"] if p["target_name"] == "Kitchen"]
    assert timed and all(
        w["all_day"] is False and w["start"][11:16] == "09:00" and w["end"][11:16] == "11:30"
        for p in timed
        for w in p["windows"]
    )
    assert [o["name"] for o in body["items"][0]["others"]] == ["Ana", "Ødegaard", "Zoë"]
    assert [o["position"] for o in body["items"][0]["others"]] == [1, 1, 2]


async def test_paging_keeps_the_total_and_order_past_the_last_row(
    client: httpx.AsyncClient, db: Connection, auth_headers
) -> None:
    mine = await auth_headers("user")
    house = await _my_house(db, user_id_of(mine), "UTC", runs=5)
    await member_of(db, mine, house, "member")

    whole = (await client.get("/api/me/assignments", headers=mine)).json()
    days = [p["assignment_date"] for p in whole["items"]]
    assert whole["total"] == 5 and days == sorted(days)  # upcoming: soonest first

    page = (await client.get("/api/me/assignments?limit=2&offset=2", headers=mine)).json()
    assert page["total"] == 5 and (page["limit"], page["offset"]) == (2, 2)
    assert page["items"] == whole["items"][2:4]

    after = (await client.get("/api/me/assignments?limit=2&offset=9", headers=mine)).json()
    assert after == {"items": [], "total": 5, "limit": 2, "offset": 9}

    nothing = (await client.get("/api/me/assignments?when=past", headers=mine)).json()
    assert nothing == {"items": [], "total": 0, "limit": 50, "offset": 0}
