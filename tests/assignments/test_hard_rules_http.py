"""Hard rules through the HTTP API, as a volunteer club in Berlin meets them (issue 11,
items 1–3): required skills, time slots in the house's zone, "preferred" slots."""

from typing import Any

import httpx
import pytest

from vividshift.db import Connection

GEN = "/api/assignments/generate"
STRATEGIES = ("balanced_rotation", "random_assignment", "skill_based", "optimal")


async def _post(client: httpx.AsyncClient, path: str, body: dict, headers) -> dict[str, Any]:
    r = await client.post(path, json=body, headers=headers)
    assert r.status_code == 201, r.text
    return r.json()


async def _club(client: httpx.AsyncClient, headers, name: str = "club") -> str:
    await _post(
        client,
        "/api/domains",
        {"name": name, "display_name": "Club", "configuration": {"timezone": "Europe/Berlin"}},
        headers,
    )
    return name


async def _person(client, headers, name: str, **fields: Any) -> str:
    return (await _post(client, "/api/participants", {"name": name} | fields, headers))["id"]


async def _shift(client, headers, name: str, start: str, end: str, day: str, **fields) -> str:
    window = {"start": start, "end": end, "days": [day]}
    body = {"name": name, "required_count": 1, "constraints": {"time_window": window}}
    return (await _post(client, "/api/targets", body | fields, headers))["id"]


def _placed(run: dict[str, Any]) -> dict[str, str]:
    return {a["target_id"]: a["participant_id"] for a in run["assignments"]}


@pytest.mark.parametrize("strategy", STRATEGIES)
async def test_required_skills_are_required_in_every_strategy(
    client: httpx.AsyncClient, db: Connection, auth_headers, strategy: str
):
    headers = await auth_headers("user")
    medic = await _person(client, headers, "Mia", skills=["first_aid"])
    others = [await _person(client, headers, f"Helper {i}") for i in range(4)]
    aid = (
        await _post(
            client,
            "/api/targets",
            {"name": "First aid", "required_count": 1, "required_skills": ["first_aid"]},
            headers,
        )
    )["id"]
    door = (await _post(client, "/api/targets", {"name": "Door", "required_count": 2}, headers))[
        "id"
    ]
    for seed in range(5):
        body = {
            "strategy": strategy,
            "participants": [medic, *others],
            "targets": [aid, door],
            "seed": seed,
            "assignment_date": f"2026-12-0{seed + 1}",
        }
        run = await _post(client, GEN, body, headers)
        assert _placed(run)[aid] == medic, (strategy, seed)
        skill = next(
            v for v in run["metadata"]["validation_results"] if v["validator"] == "skill_matching"
        )
        assert skill["passed"] and skill["severity"] == "info"

    # Nobody qualifies: 422 naming the target and the missing skill.
    body = {"strategy": strategy, "participants": others, "targets": [aid]}
    r = await client.post(GEN, json=body | {"assignment_date": "2026-12-20"}, headers=headers)
    assert r.status_code == 422, r.text
    error = r.json()
    assert error["code"] == "BUSINESS_LOGIC_ERROR"
    assert "First aid" in str(error["details"]) and "first_aid" in str(error["details"])


async def test_skills_as_a_preference_and_the_fallback_say_so(
    client: httpx.AsyncClient, db: Connection, auth_headers
):
    headers = await auth_headers("user")
    helper = await _person(client, headers, "Helper")
    aid = (
        await _post(
            client,
            "/api/targets",
            {"name": "First aid", "required_count": 1, "required_skills": ["first_aid"]},
            headers,
        )
    )["id"]
    body: dict[str, Any] = {"participants": [helper], "targets": [aid]}
    soft = body | {
        "assignment_date": "2026-12-01",
        "validators": [{"name": "skill_matching", "parameters": {"required_match": False}}],
    }
    run = await _post(client, GEN, soft, headers)
    [check] = run["metadata"]["validation_results"]
    assert check["severity"] == "warning" and check["passed"]
    fallback = body | {
        "assignment_date": "2026-12-02",
        "strategy": "skill_based",
        "parameters": {"fallback_strategy": "random_assignment"},
    }
    run = await _post(client, GEN, fallback, headers)
    assert run["metadata"]["fallback"] == {"strategy": "random_assignment", "targets": [aid]}


async def test_an_unavailable_slot_rules_out_the_shift_it_overlaps(
    client: httpx.AsyncClient, db: Connection, auth_headers
):
    headers = await auth_headers("user")
    club = await _club(client, headers)
    emma = await _person(
        client, headers, "Emma", domain=club, availability={"saturday": {"13:00": "unavailable"}}
    )
    noah = await _person(client, headers, "Noah", domain=club)
    afternoon = await _shift(
        client, headers, "Saturday afternoon", "13:00", "17:00", "saturday", domain=club
    )
    evening = await _shift(
        client, headers, "Saturday evening", "18:00", "22:00", "saturday", domain=club
    )
    saturday = "2026-12-05"
    body = {
        "domain": club,
        "participants": [emma, noah],
        "targets": [afternoon, evening],
        "assignment_date": saturday,
    }
    run = await _post(client, GEN, body, headers)
    assert _placed(run) == {afternoon: noah, evening: emma}

    # Reassigning Emma onto the afternoon is refused, naming the slot.
    detail = next(
        d
        for d in (await client.get(f"/api/assignments/{run['id']}", headers=headers)).json()[
            "details"
        ]
        if d["target_id"] == afternoon
    )
    r = await client.post(
        f"/api/assignments/{run['id']}/reassign",
        json={"detail_id": detail["id"], "participant_id": emma},
        headers=headers,
    )
    assert r.status_code == 422, r.text
    assert "Saturday 13:00" in r.text

    # Emma alone for the afternoon: the explanation names her and why.
    only = body | {"participants": [emma], "targets": [afternoon], "replace": "cancel"}
    r = await client.post(GEN, json=only, headers=headers)
    assert r.status_code == 422, r.text
    assert "Emma: unavailable Saturday 13:00" in str(r.json()["details"])


async def test_a_preferred_slot_is_available_and_preferred(
    client: httpx.AsyncClient, db: Connection, auth_headers
):
    headers = await auth_headers("user")
    club = await _club(client, headers)
    lea = await _person(
        client, headers, "Lea", domain=club, availability={"saturday": {"18:00": "preferred"}}
    )
    evening = await _shift(
        client, headers, "Saturday evening", "18:00", "22:00", "saturday", domain=club
    )
    body = {
        "domain": club,
        "participants": [lea],
        "targets": [evening],
        "assignment_date": "2026-12-05",
    }
    run = await _post(client, GEN, body, headers)
    [placement] = run["assignments"]
    assert placement["participant_id"] == lea
    assert placement["metadata"]["scores"]["preference"] == 1.0


@pytest.mark.parametrize("sunday", ["2026-03-29", "2026-10-25"])
async def test_slots_keep_their_local_time_on_a_daylight_saving_weekend(
    client: httpx.AsyncClient, db: Connection, auth_headers, sunday: str
):
    """Berlin changes its clocks on these Sundays: 13:00 is still 13:00 in the house."""
    headers = await auth_headers("user")
    club = await _club(client, headers)
    morning_off = await _person(
        client, headers, "Ben", domain=club, availability={"sunday": {"9:00": "unavailable"}}
    )
    afternoon_off = await _person(
        client, headers, "Cleo", domain=club, availability={"sunday": {"13:00": "unavailable"}}
    )
    afternoon = await _shift(
        client, headers, "Sunday afternoon", "13:00", "17:00", "sunday", domain=club
    )
    morning = await _shift(
        client, headers, "Sunday morning", "09:00", "13:00", "sunday", domain=club
    )
    body = {
        "domain": club,
        "participants": [morning_off, afternoon_off],
        "targets": [afternoon, morning],
        "assignment_date": sunday,
    }
    run = await _post(client, GEN, body, headers)
    assert _placed(run) == {afternoon: morning_off, morning: afternoon_off}


async def test_the_calendar_shows_shifts_at_the_house_clock_time(
    client: httpx.AsyncClient, db: Connection, auth_headers
):
    from icalendar import Calendar

    headers = await auth_headers("user")
    club = await _club(client, headers)
    ida = await _person(client, headers, "Ida", domain=club)
    bo = await _person(client, headers, "Bo", domain=club)
    afternoon = await _shift(
        client, headers, "Saturday afternoon", "13:00", "17:00", "saturday", domain=club
    )
    bar = (
        await _post(
            client, "/api/targets", {"name": "Bar", "required_count": 1, "domain": club}, headers
        )
    )["id"]
    body = {
        "domain": club,
        "participants": [ida, bo],
        "targets": [afternoon, bar],
        "assignment_date": "2026-12-05",
    }
    run = await _post(client, GEN, body, headers)
    r = await client.get(f"/api/assignments/{run['id']}.ics", headers=headers)
    assert r.status_code == 200, r.text
    events = {
        str(e["summary"]).split(":")[0]: e for e in Calendar.from_ical(r.content).walk("VEVENT")
    }
    shift = events["Saturday afternoon"]
    assert shift.decoded("dtstart").isoformat() == "2026-12-05T12:00:00+00:00"  # 13:00 Berlin
    assert shift.decoded("dtend").isoformat() == "2026-12-05T16:00:00+00:00"
    assert str(events["Bar"].decoded("dtstart")) == "2026-12-05"  # the house's whole day
