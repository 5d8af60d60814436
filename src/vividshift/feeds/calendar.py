"""A feed's iCalendar document (RFC 5545, by `icalendar`).

One VEVENT per place (one per occurrence when a task's daily window repeats within the
run), UID `<detail id>@vividshift`: the place keeps its UID when it changes hands (a
swap or reassign updates the detail), so a calendar app updates the event instead of
adding one. Times are the task's window or the run's, in the domain's zone (TZID with
its VTIMEZONE); a turn of whole days is an all-day event. Who else is on the task is
listed as ATTENDEEs by name (`urn:uuid:` of the participant — never an email address)
and in the description.
"""

from __future__ import annotations

from datetime import UTC, timedelta
from typing import Any

from icalendar import Calendar, Event, vCalAddress, vText

from vividshift import __version__
from vividshift.assignments.export import place_windows
from vividshift.assignments.me import house_zone
from vividshift.feeds.rows import FeedPlace


def _attendee(person: dict[str, Any]) -> vCalAddress:
    address = vCalAddress(f"urn:uuid:{person['participant_id']}")
    address.params["CN"] = person["name"]
    return address


def feed(name: str, places: list[FeedPlace], *, person_feed: bool) -> bytes:
    """The calendar of `places` (rows of `feeds.queries`)."""
    cal = Calendar()
    cal.add("prodid", f"-//VividShift//{__version__}//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    # Calendar apps poll at their pace; this asks for about hourly.
    cal.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", vText("PT1H"))
    for place in places:
        zone = house_zone(place.timezone)
        house = place.domain_display_name or place.domain_name
        others = place.others or []
        with_whom = ", ".join(o["name"] for o in others)
        summary = (
            place.target_name if person_feed else (f"{place.target_name}: {place.participant_name}")
        )
        for k, (start, end, all_day) in enumerate(
            place_windows(place.run(), place.target_window, zone)
        ):
            event = Event()
            uid = f"{place.detail_id}@vividshift"
            event.add("uid", uid if k == 0 else f"{place.detail_id}.{k}@vividshift")
            event.add("dtstamp", place.updated_at.astimezone(UTC))
            event.add("last-modified", place.updated_at.astimezone(UTC))
            if all_day:
                event.add("dtstart", start.date())
                event.add("dtend", end.date())
            else:
                event.add("dtstart", start)
                event.add("dtend", end)
            event.add("summary", f"{summary} ({house})")
            lines = [f"{place.assignment_name or place.assignment_date} — {house}"]
            if with_whom:
                lines.append(f"With: {with_whom}")
            event.add("description", "\n".join(lines))
            event.add("categories", [place.target_name])
            event.add("status", "CONFIRMED")
            event.add("transp", "OPAQUE")
            holder = {"participant_id": place.participant_id, "name": place.participant_name}
            for person in [holder, *others]:
                event.add("attendee", _attendee(person))
            cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()
