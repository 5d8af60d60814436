"""A recorded absence (participant_absences) is honoured by generation and by edits through
the one eligibility mechanism, and explained like any other unavailability."""

import httpx

from tests.assignments.test_hard_rules_http import GEN, _club, _person, _post, _shift
from vividshift.db import Connection


async def _away(db: Connection, participant: str, start: str, end: str) -> None:
    await db.execute(
        "INSERT INTO participant_absences (participant_id, domain_id, starts_at, ends_at)"
        " SELECT id, domain_id, %s, %s FROM participants WHERE id = %s",
        (start, end, participant),
    )


async def test_an_absence_rules_a_person_out_of_the_shifts_it_overlaps(
    client: httpx.AsyncClient, db: Connection, auth_headers
):
    headers = await auth_headers("user")
    club = await _club(client, headers)
    emma = await _person(client, headers, "Emma", domain=club)
    noah = await _person(client, headers, "Noah", domain=club)
    afternoon = await _shift(
        client, headers, "Afternoon", "13:00", "17:00", "saturday", domain=club
    )
    evening = await _shift(client, headers, "Evening", "18:00", "22:00", "saturday", domain=club)
    # Away (Berlin time) on Saturday 2026-12-05 from 12:00 to 17:30: the afternoon only.
    await _away(db, emma, "2026-12-05T12:00:00+01:00", "2026-12-05T17:30:00+01:00")
    body = {
        "domain": club,
        "participants": [emma, noah],
        "targets": [afternoon, evening],
        "assignment_date": "2026-12-05",
    }
    run = await _post(client, GEN, body, headers)
    placed = {a["target_id"]: a["participant_id"] for a in run["assignments"]}
    assert placed == {afternoon: noah, evening: emma}

    details = (await client.get(f"/api/assignments/{run['id']}", headers=headers)).json()
    detail = next(d for d in details["details"] if d["target_id"] == afternoon)
    r = await client.post(
        f"/api/assignments/{run['id']}/reassign",
        json={"detail_id": detail["id"], "participant_id": emma},
        headers=headers,
    )
    assert r.status_code == 422, r.text
    assert "away" in r.text

    only = body | {"participants": [emma], "targets": [afternoon], "replace": "cancel"}
    r = await client.post(GEN, json=only, headers=headers)
    assert r.status_code == 422, r.text
    assert "Emma: away" in str(r.json()["details"])


async def test_an_absence_on_another_day_changes_nothing(
    client: httpx.AsyncClient, db: Connection, auth_headers
):
    headers = await auth_headers("user")
    club = await _club(client, headers)
    emma = await _person(client, headers, "Emma", domain=club, availability={"monday": {}})
    afternoon = await _shift(
        client, headers, "Afternoon", "13:00", "17:00", "saturday", domain=club
    )
    await _away(db, emma, "2026-12-07T00:00:00+01:00", "2026-12-14T00:00:00+01:00")
    body = {"domain": club, "participants": [emma], "targets": [afternoon]}
    run = await _post(client, GEN, body | {"assignment_date": "2026-12-05"}, headers)
    assert [a["participant_id"] for a in run["assignments"]] == [emma]
