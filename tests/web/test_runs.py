"""The dashboard's choice of current and upcoming runs (pure; no database)."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from vividshift.web.runs import candidate_dates, split_runs, today_in, zone_of

# 20:30 UTC on Sunday 1 March 2026: already Monday 2 March in Auckland (UTC+13),
# still Sunday 1 March in UTC and in Los Angeles (UTC−8).
NOW = datetime(2026, 3, 1, 20, 30, tzinfo=UTC)


@dataclass(frozen=True)
class Run:
    name: str
    assignment_date: date
    created_at: datetime = NOW
    configuration: dict[str, Any] = field(default_factory=dict)


def test_today_in_a_zone_ahead_of_utc_is_the_next_day() -> None:
    assert today_in("UTC", NOW) == date(2026, 3, 1)
    assert today_in("Pacific/Auckland", NOW) == date(2026, 3, 2)
    assert today_in("America/Los_Angeles", NOW + timedelta(hours=5)) == date(2026, 3, 1)
    assert today_in("UTC", NOW + timedelta(hours=5)) == date(2026, 3, 2)


def test_zone_of_a_domain_defaults_to_utc() -> None:
    assert zone_of({"timezone": "Europe/Berlin"}) == "Europe/Berlin"
    assert zone_of({}) == "UTC"
    assert zone_of(None) == "UTC"
    assert zone_of({"timezone": "Mars/Olympus"}) == "UTC"  # a stored name no longer known
    assert zone_of({"timezone": 7}) == "UTC"


def test_a_run_dated_after_today_is_upcoming_not_current() -> None:
    this_week = Run("this week", date(2026, 2, 23))
    next_week = Run("next week", date(2026, 3, 2))
    later = Run("later", date(2026, 3, 9))
    current, upcoming = split_runs([later, next_week, this_week], {}, NOW)
    assert current == this_week
    assert upcoming == [next_week, later]  # soonest first


def test_today_is_read_in_the_house_zone() -> None:
    house = {"domain": "house"}
    monday = Run("monday", date(2026, 3, 2), configuration=house)
    sunday = Run("sunday", date(2026, 2, 23), configuration=house)
    # In Auckland it is already Monday: Monday's run is current.
    current, upcoming = split_runs([monday, sunday], {"house": "Pacific/Auckland"}, NOW)
    assert current == monday and upcoming == []
    # In UTC (no zone known for the house) it is still Sunday: Monday's run is upcoming.
    current, upcoming = split_runs([monday, sunday], {}, NOW)
    assert current == sunday and upcoming == [monday]


def test_the_latest_current_run_wins_across_domains() -> None:
    early = datetime(2026, 3, 1, 8, tzinfo=UTC)
    a = Run("a", date(2026, 3, 1), created_at=early, configuration={"domain": "a"})
    b = Run("b", date(2026, 3, 1), created_at=NOW, configuration={"domain": "b"})
    c = Run("c", date(2026, 3, 2), configuration={"domain": "c"})
    current, upcoming = split_runs([a, c, b], {"c": "Pacific/Auckland"}, NOW)
    assert current == c  # the latest date that is today or earlier in its own house
    current, upcoming = split_runs([a, b], {}, NOW)
    assert current == b  # same date: the one created later
    assert split_runs([], {}, NOW) == (None, [])


def test_candidate_dates_cover_every_zone() -> None:
    latest_current, earliest_upcoming = candidate_dates(NOW)
    for zone in ("Pacific/Kiritimati", "Pacific/Auckland", "UTC", "Etc/GMT+12"):
        today = today_in(zone, NOW)
        assert today <= latest_current
        assert today + timedelta(days=1) >= earliest_upcoming
