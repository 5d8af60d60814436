"""Who else could take a place: on small random houses an independent checker, written
from the rules as people state them, agrees with every person listed and every reason
given; and the ranking by fair share with its explanation."""

import random
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx

from tests.factories import insert_row, make_domain
from tests.fairshare.helpers import details, generate, make_house
from tests.system.test_http_errors import assert_error
from vividshift.db import Connection
from vividshift.fairshare.alternatives import alternatives

SKILLS = ("first_aid", "driving")
DAY = date(2026, 3, 14)


async def _random_house(db: Connection, rng: random.Random) -> dict[str, Any]:
    domain = await make_domain(db)
    people = []
    for k in range(rng.randint(3, 7)):
        person = await insert_row(
            db,
            "participants",
            {
                "name": f"P{k}",
                "domain_id": domain["id"],
                "skills": rng.sample(SKILLS, rng.randint(0, 2)),
                "metadata": {"group": rng.choice(["A", "B"])},
            },
        )
        away = None
        if rng.random() < 0.3:  # away over the run's day, or on another day
            start = datetime(2026, 3, rng.choice([14, 16]), 8, tzinfo=UTC)
            away = (start, start + timedelta(hours=5))
            await insert_row(
                db,
                "participant_absences",
                {
                    "participant_id": person["id"],
                    "domain_id": domain["id"],
                    "starts_at": away[0],
                    "ends_at": away[1],
                },
            )
        people.append(person | {"away": away})
    targets = []
    for k in range(rng.randint(2, 4)):
        targets.append(
            await insert_row(
                db,
                "assignment_targets",
                {
                    "name": f"T{k}",
                    "domain_id": domain["id"],
                    "required_skills": rng.sample(SKILLS, rng.randint(0, 1)),
                    "constraints": {"excluded_groups": rng.sample(["A", "B"], rng.randint(0, 1))},
                },
            )
        )
    cap = rng.randint(1, 2)
    run = await insert_row(
        db,
        "assignments",
        {
            "strategy_used": "balanced_rotation",
            "assignment_date": DAY,
            "domain_id": domain["id"],
            "configuration": {
                "window": {"start": "2026-03-14T00:00:00", "end": "2026-03-15T00:00:00"},
                "inputs": {"targets": [str(t["id"]) for t in targets]},
                "constraints": [
                    {"name": "max_assignments_per_participant", "parameters": {"max": cap}}
                ],
            },
        },
    )
    holders: dict[Any, list[Any]] = {}
    places = []
    for t in targets:
        for who in rng.sample(people, min(len(people), rng.randint(1, 2))):
            places.append(
                await insert_row(
                    db,
                    "assignment_details",
                    {"assignment_id": run["id"], "participant_id": who["id"], "target_id": t["id"]},
                )
            )
            holders.setdefault(who["id"], []).append(t["id"])
    return {
        "people": people,
        "targets": targets,
        "run": run,
        "places": places,
        "cap": cap,
        "holders": holders,
    }


def _violations(house: dict[str, Any], person: dict[str, Any], target: dict[str, Any]) -> set[str]:
    """The rules as the issue states them: skills, availability, no double booking (and
    the house's group rule)."""
    found = set()
    if not set(target["required_skills"]) <= set(person["skills"]):
        found.add("skill")
    day_start = datetime(DAY.year, DAY.month, DAY.day, tzinfo=UTC)
    away = person["away"]
    if away and away[0] < day_start + timedelta(days=1) and day_start < away[1]:
        found.add("away")
    if person["metadata"]["group"] in target["constraints"]["excluded_groups"]:
        found.add("group")
    held = house["holders"].get(person["id"], [])
    if target["id"] in held:
        found.add("same task")
    elif len(held) + 1 > house["cap"]:
        found.add("too many")
    return found


def _kind(reason: str) -> str:
    for prefix, kind in (
        ("lacks ", "skill"),
        ("away", "away"),
        ("in group ", "group"),
        ("already on ", "same task"),
        ("already has ", "too many"),
    ):
        if reason.startswith(prefix):
            return kind
    raise AssertionError(f"unexpected reason {reason!r}")


async def test_every_listed_person_can_and_every_excluded_reason_is_true(db: Connection) -> None:
    rng = random.Random(15)
    checked = listed = excluded = 0
    for _ in range(25):
        house = await _random_house(db, rng)
        people = {p["id"]: p for p in house["people"]}
        targets = {t["id"]: t for t in house["targets"]}
        for place in house["places"]:
            answer = await alternatives(db, None, house["run"]["id"], place["id"])
            target = targets[place["target_id"]]
            seen = {c.participant_id for c in answer.candidates} | {
                e.participant_id for e in answer.excluded
            }
            assert seen == set(people) - {place["participant_id"]}
            for c in answer.candidates:
                assert _violations(house, people[c.participant_id], target) == set(), c
                listed += 1
            for e in answer.excluded:
                truth = _violations(house, people[e.participant_id], target)
                assert {_kind(r) for r in e.reasons} == truth, (e, truth)
                excluded += 1
            checked += 1
    assert checked > 50 and listed > 20 and excluded > 20


async def test_the_ranking_and_its_explanation(
    client: httpx.AsyncClient, db: Connection, auth_headers
) -> None:
    manager = await auth_headers("user")
    house = await make_house(
        client,
        manager,
        ["Ann", "Ben", "Cid", "Dana"],
        {"Toilet B": 3, "Bin": 1},
        configuration={"constraints": {"max_assignments_per_participant": 2}},
    )
    first = await generate(
        client, house, "2026-09-07", participants=[house.people["Ann"], house.people["Ben"]]
    )
    for d in await details(client, house, first["id"]):
        await client.post(
            f"/api/assignments/{first['id']}/details/{d['id']}/outcome",
            json={"outcome": "done"},
            headers=manager,
        )
    run = await generate(
        client, house, "2026-11-09", participants=[house.people["Ann"], house.people["Ben"]]
    )
    place = next(
        d for d in await details(client, house, run["id"]) if d["target_id"] == house.chores["Bin"]
    )
    r = await client.get(
        f"/api/assignments/{run['id']}/details/{place['id']}/alternatives", headers=manager
    )
    assert r.status_code == 200, r.text
    body = r.json()
    names = [c["name"] for c in body["candidates"]]
    # Cid and Dana did nothing (below their share), never the Bin; then the one of Ann and
    # Ben who is not on the Bin (not below the share; on Toilet B already, max 2 allows it).
    assert names[:2] == ["Cid", "Dana"] and len(names) == 3
    assert body["candidates"][0]["explanation"].startswith("Cid: 1 point below their share")
    assert "never did Bin" in body["candidates"][0]["explanation"]
    # The third did Toilet B (2 points above) or the Bin (at their share) 9 weeks ago.
    third = body["candidates"][2]
    assert third["balance"] >= 0
    assert "share" in third["explanation"]
    assert third["explanation"].endswith(("last did Bin 9 weeks ago", "never did Bin"))

    stranger = await auth_headers("user")
    assert_error(
        await client.get(
            f"/api/assignments/{run['id']}/details/{place['id']}/alternatives", headers=stranger
        ),
        404,
        "RESOURCE_NOT_FOUND",
    )
    assert_error(
        await client.get(
            f"/api/assignments/{first['id']}/details/{place['id']}/alternatives", headers=manager
        ),
        404,
        "RESOURCE_NOT_FOUND",
    )
