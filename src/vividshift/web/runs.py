"""Which active runs the dashboard shows as current and which as upcoming.

A run belongs to its domain's house (`configuration.domain` names the domain; runs
without one count in UTC), and "today" is the date in the house's time zone (the
domain's `configuration.timezone`, an IANA name, default UTC — the zone the generation
service dates runs in). The current run is the latest active run dated on or before
today in its house (latest date, then latest created); active runs dated after that are
upcoming, soonest first.
"""

from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any, Protocol, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from vividshift.stored_json import stored_object

MAX_UPCOMING = 10


class RunLike(Protocol):
    @property
    def assignment_date(self) -> date: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def configuration(self) -> dict[str, Any]: ...


R = TypeVar("R", bound=RunLike)


def zone_of(configuration: Mapping[str, Any] | None) -> str:
    """The house's IANA zone from a domain's configuration; UTC when unset or unknown."""
    name = stored_object(configuration).get("timezone")
    if not isinstance(name, str) or not name:
        return "UTC"
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return "UTC"
    return name


def today_in(timezone: str, now: datetime | None = None) -> date:
    """The date in `timezone` (IANA) at `now` (an aware datetime; default: the clock)."""
    return (now or datetime.now(UTC)).astimezone(ZoneInfo(timezone)).date()


def candidate_dates(now: datetime) -> tuple[date, date]:
    """(latest date a current run can have, earliest date an upcoming run can have) in
    any zone: the UTC date ± 1 day covers every zone from UTC−12 to UTC+14."""
    utc_today = now.astimezone(UTC).date()
    return utc_today + timedelta(days=1), utc_today


def split_runs(
    runs: Iterable[R], zones: Mapping[str, str], now: datetime
) -> tuple[R | None, list[R]]:
    """(current, upcoming): the latest run dated on or before today in its domain's zone
    (`zones`: domain name → IANA zone, others UTC), and the later ones, soonest first."""
    today: dict[str | None, date] = {}
    current: R | None = None
    upcoming: list[R] = []
    for run in runs:
        domain = run.configuration.get("domain")
        if domain not in today:
            today[domain] = today_in(zones.get(domain, "UTC") if domain else "UTC", now)
        if run.assignment_date > today[domain]:
            upcoming.append(run)
        elif current is None or (run.assignment_date, run.created_at) > (
            current.assignment_date,
            current.created_at,
        ):
            current = run
    upcoming.sort(key=lambda r: (r.assignment_date, r.created_at))
    return current, upcoming[:MAX_UPCOMING]
