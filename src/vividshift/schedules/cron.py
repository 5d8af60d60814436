"""Cron arithmetic in a schedule's time zone (croniter on zone-aware datetimes, so
06:00 Europe/Berlin stays 06:00 local across daylight-saving changes)."""

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from croniter import croniter

MAX_COUNTED = 100_000  # missed due times counted at most (a minutely cron, 69 days)


def _iter(cron: str, timezone: str, start: datetime) -> croniter:
    return croniter(cron, start.astimezone(ZoneInfo(timezone)))


def next_after(cron: str, timezone: str, after: datetime) -> datetime:
    """The first due time strictly after `after` (zone-aware, in the schedule's zone)."""
    return _iter(cron, timezone, after).get_next(datetime)


def upcoming(cron: str, timezone: str, after: datetime, count: int) -> Iterator[datetime]:
    it = _iter(cron, timezone, after)
    for _ in range(count):
        yield it.get_next(datetime)


def latest_at_or_before(cron: str, timezone: str, now: datetime) -> datetime:
    """The last due time ≤ `now`."""
    it = _iter(cron, timezone, now + timedelta(seconds=1))
    due = it.get_prev(datetime)
    while due > now:
        due = it.get_prev(datetime)
    return due


def count_between(cron: str, timezone: str, first: datetime, last: datetime) -> int:
    """Due times in [first, last) (capped at MAX_COUNTED)."""
    it = _iter(cron, timezone, first - timedelta(seconds=1))
    n = 0
    while n < MAX_COUNTED:
        due = it.get_next(datetime)
        if due >= last:
            break
        n += 1
    return n


def run_date(due: datetime, timezone: str, offset_days: int) -> date:
    """The assignment date of a run due at `due`: that day in the zone, plus the offset."""
    return due.astimezone(ZoneInfo(timezone)).date() + timedelta(days=offset_days)


def utc(value: datetime) -> datetime:
    return value.astimezone(UTC)
