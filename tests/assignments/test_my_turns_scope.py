"""My turns in one visibility-scoped look-up: a house the caller may not read shows
nothing of their linked participant there, until they are a member; an admin sees
every house; the page has the documented shape, teammates included."""

from datetime import date, timedelta

import httpx

from tests.assignments.helpers import member_of, user_id_of
from tests.factories import make_assignment, make_detail, make_domain, make_participant, make_target
from vividshift.assignments.schemas import MyPlacePage
from vividshift.db import Connection


async def _house_with_my_turn(db: Connection, user_id, zone: str = "UTC") -> dict:  # type: ignore[no-untyped-def]
    house = await make_domain(db, configuration={"timezone": zone})
    me = await make_participant(db, domain_id=house["id"], name="Me", user_id=user_id)
    mate = await make_participant(db, domain_id=house["id"], name="Mate")
    chore = await make_target(db, domain_id=house["id"], name="Dishes")
    run = await make_assignment(
        db, domain_id=house["id"], assignment_date=date.today() + timedelta(days=30)
    )
    for position, person in enumerate((me, mate)):
        await make_detail(
            db,
            assignment_id=run["id"],
            participant_id=person["id"],
            target_id=chore["id"],
            position=position,
        )
    return {"house": house, "run": run, "mate": mate}


async def test_a_house_i_may_not_read_shows_none_of_my_turns(
    client: httpx.AsyncClient, db: Connection, auth_headers
) -> None:
    mine = await auth_headers("user")
    me = user_id_of(mine)
    seen = await _house_with_my_turn(db, me, zone="Europe/Berlin")
    unseen = await _house_with_my_turn(db, me)
    await member_of(db, mine, seen["house"], "member")

    page = (await client.get("/api/me/assignments", headers=mine)).json()
    MyPlacePage.model_validate(page)
    assert [p["assignment_id"] for p in page["items"]] == [str(seen["run"]["id"])]
    [place] = page["items"]
    assert place["timezone"] == "Europe/Berlin" and place["target_name"] == "Dishes"
    assert place["others"] == [
        {"participant_id": str(seen["mate"]["id"]), "name": "Mate", "position": 1}
    ]
    assert place["windows"][0]["start"].endswith(("+01:00", "+02:00"))

    await member_of(db, mine, unseen["house"], "viewer")
    page = (await client.get("/api/me/assignments", headers=mine)).json()
    assert page["total"] == 2


async def test_an_admin_sees_their_turns_in_every_house(
    client: httpx.AsyncClient, db: Connection, auth_headers
) -> None:
    admin = await auth_headers("admin")
    one = await _house_with_my_turn(db, user_id_of(admin))
    two = await _house_with_my_turn(db, user_id_of(admin))
    page = (await client.get("/api/me/assignments", headers=admin)).json()
    assert {p["assignment_id"] for p in page["items"]} == {
        str(one["run"]["id"]),
        str(two["run"]["id"]),
    }
