"""Calendar feeds: a person's feed lists exactly their final places, a swap keeps the
UID and changes the attendees, a revoked token is a 404; parsed with `icalendar` and
expanded with `recurring-ical-events`, across a daylight-saving change."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import recurring_ical_events
from icalendar import Calendar

from tests.assignments.helpers import member_of, user_id_of
from tests.factories import make_domain, make_participant, make_target
from vividshift.db import Connection

BERLIN = ZoneInfo("Europe/Berlin")


def _dst_change_near(today: date) -> date:
    """The first EU clock change (last Sunday of March or October) after 60 days ago,
    so the runs around it are within the feed's 90 days."""
    for year in (today.year - 1, today.year, today.year + 1):
        for month in (3, 10):
            last = date(year, month, 31)
            change = last - timedelta(days=(last.weekday() + 1) % 7)
            if change >= today - timedelta(days=60):
                return change
    raise AssertionError("unreachable")


async def _house(db: Connection, auth_headers: Any) -> dict[str, Any]:
    domain = await make_domain(db, configuration={"timezone": "Europe/Berlin"})
    ana_headers = await auth_headers("user")
    ana = await make_participant(
        db, name="Ana", domain_id=domain["id"], user_id=user_id_of(ana_headers)
    )
    people = [ana] + [
        await make_participant(db, name=n, domain_id=domain["id"]) for n in ("Ben", "Cy")
    ]
    await make_target(
        db,
        name="Morning",
        required_count=1,
        domain_id=domain["id"],
        constraints={"time_window": {"start": "07:00", "end": "09:00"}},
    )
    await make_target(db, name="Kitchen", required_count=2, domain_id=domain["id"])
    manager = await auth_headers("user")
    await member_of(db, manager, domain)
    await member_of(db, ana_headers, domain, "member")
    return {
        "domain": domain,
        "ana": ana,
        "people": people,
        "ana_headers": ana_headers,
        "manager": manager,
    }


async def _run(client: httpx.AsyncClient, h: dict[str, Any], day: date) -> dict[str, Any]:
    r = await client.post(
        "/api/assignments/generate",
        json={"domain": h["domain"]["name"], "assignment_date": day.isoformat()},
        headers=h["manager"],
    )
    assert r.status_code == 201, r.text
    return (await client.get(f"/api/assignments/{r.json()['id']}", headers=h["manager"])).json()


async def _feed(client: httpx.AsyncClient, url: str, **headers: str) -> httpx.Response:
    path = url.split("://", 1)[1].split("/", 1)[1]
    return await client.get("/" + path, headers=headers)


def _events(body: bytes, start: date, end: date) -> list[Any]:
    cal = Calendar.from_ical(body)
    return list(recurring_ical_events.of(cal).between(start, end))


async def test_a_person_feed_lists_exactly_their_final_places_across_a_clock_change(
    client: httpx.AsyncClient, db: Connection, auth_headers
):
    h = await _house(db, auth_headers)
    change = _dst_change_near(datetime.now(UTC).date())
    before, after = change - timedelta(days=1), change + timedelta(days=1)
    runs = [await _run(client, h, d) for d in (before, after)]
    old = await _run(client, h, datetime.now(UTC).date() - timedelta(days=120))
    cancelled = await _run(client, h, after + timedelta(days=7))
    r = await client.patch(
        f"/api/assignments/{cancelled['id']}", json={"status": "cancelled"}, headers=h["manager"]
    )
    assert r.status_code == 200, r.text

    r = await client.post("/api/me/feed", headers=h["ana_headers"])
    assert r.status_code == 201, r.text
    created = r.json()
    assert created["url"].endswith(".ics") and created["token"] in created["url"]
    assert len(created["token"]) >= 40
    status = (await client.get("/api/me/feed", headers=h["ana_headers"])).json()
    assert status["active"] and "url" not in status and "token" not in status

    r = await _feed(client, created["url"])
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/calendar")
    expected = {
        f"{d['id']}@vividshift"
        for run in runs
        for d in run["details"]
        if d["participant_id"] == str(h["ana"]["id"])
    }
    assert expected, "Ana holds a place in one of the runs"
    listed = _events(r.content, before - timedelta(days=200), after + timedelta(days=30))
    assert {str(e["UID"]) for e in listed} == expected  # not the old or cancelled run's
    del old

    # Expanded across the change: the morning turn is 07:00–09:00 Berlin time on both
    # sides (05:00 UTC in summer time, 06:00 UTC in winter time, or the reverse in March).
    morning = {
        d["id"]: run["assignment_date"]
        for run in runs
        for d in run["details"]
        if d["target_name"] == "Morning"
    }
    domain_feed = (
        await client.post(f"/api/domains/{h['domain']['id']}/feed", headers=h["manager"])
    ).json()
    every = _events(
        (await _feed(client, domain_feed["url"])).content, before, after + timedelta(days=1)
    )
    starts = {}
    for event in every:
        detail = str(event["UID"]).split("@")[0]
        if detail in morning:
            start = event["DTSTART"].dt
            assert start.astimezone(BERLIN).hour == 7, start
            assert event["DTEND"].dt.astimezone(BERLIN).hour == 9
            starts[morning[detail]] = start.astimezone(UTC).hour
        else:
            assert isinstance(event["DTSTART"].dt, date) and not isinstance(
                event["DTSTART"].dt, datetime
            )  # all-day Kitchen
    assert len(starts) == 2 and len(set(starts.values())) == 2, starts
    assert len(every) == 6  # 3 places a run, 2 runs


async def test_after_a_swap_the_event_keeps_its_uid_with_new_attendees(
    client: httpx.AsyncClient, db: Connection, auth_headers
):
    h = await _house(db, auth_headers)
    day = datetime.now(UTC).date() + timedelta(days=3)
    run = await _run(client, h, day)
    feed = (
        await client.post(f"/api/domains/{h['domain']['id']}/feed", headers=h["manager"])
    ).json()
    first = await _feed(client, feed["url"])
    etag = first.headers["etag"]
    assert (await _feed(client, feed["url"], **{"If-None-Match": etag})).status_code == 304

    details = run["details"]
    one = next(d for d in details if d["target_name"] == "Morning")
    two = next(d for d in details if d["target_name"] == "Kitchen")
    r = await client.post(
        f"/api/assignments/{run['id']}/swap",
        json={"first_detail_id": one["id"], "second_detail_id": two["id"], "force": True},
        headers=h["manager"],
    )
    assert r.status_code == 200, r.text
    second = await _feed(client, feed["url"], **{"If-None-Match": etag})
    assert second.status_code == 200 and second.headers["etag"] != etag

    def attendees(body: bytes) -> dict[str, list[str]]:
        out = {}
        for event in _events(body, day - timedelta(days=1), day + timedelta(days=2)):
            found = event.get("ATTENDEE")
            found = found if isinstance(found, list) else [found]
            out[str(event["UID"])] = sorted(a.params["CN"] for a in found)
        return out

    was, now = attendees(first.content), attendees(second.content)
    assert set(was) == set(now)  # the same UIDs: calendar apps update, not duplicate
    uid = f"{one['id']}@vividshift"
    assert was[uid] == [one["participant_name"]]
    assert now[uid] == [two["participant_name"]]
    assert two["participant_name"] in " ".join(was[f"{two['id']}@vividshift"])
    assert one["participant_name"] in now[f"{two['id']}@vividshift"]


async def test_revoked_and_rotated_tokens_are_404(
    client: httpx.AsyncClient, db: Connection, auth_headers
):
    h = await _house(db, auth_headers)
    first = (await client.post("/api/me/feed", headers=h["ana_headers"])).json()
    second = (await client.post("/api/me/feed", headers=h["ana_headers"])).json()
    assert (await _feed(client, first["url"])).status_code == 404  # rotated away
    assert (await _feed(client, second["url"])).status_code == 200
    assert (await client.delete("/api/me/feed", headers=h["ana_headers"])).status_code == 204
    r = await _feed(client, second["url"])
    assert r.status_code == 404 and r.json()["code"] == "RESOURCE_NOT_FOUND"
    assert (await client.delete("/api/me/feed", headers=h["ana_headers"])).status_code == 404
    assert (await client.get("/feeds/" + "x" * 43 + ".ics")).status_code == 404

    # A domain's feed: managers make and revoke it; members see whether it exists.
    base = f"/api/domains/{h['domain']['id']}/feed"
    assert (await client.post(base, headers=h["ana_headers"])).status_code == 403
    made = (await client.post(base, headers=h["manager"])).json()
    assert (await client.get(base, headers=h["ana_headers"])).json()["active"] is True
    assert (await client.delete(base, headers=h["manager"])).status_code == 204
    assert (await _feed(client, made["url"])).status_code == 404
    stranger = await auth_headers("user")
    assert (await client.get(base, headers=stranger)).status_code == 404
