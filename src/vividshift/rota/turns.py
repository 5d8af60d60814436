"""A domain's turns: when each starts and ends, as UTC instants from local clock times.

Pure (zoneinfo and croniter only). A rota is either a cadence (`every: {n, unit}` from an
anchor local date at the handoff local time) or a 5-field cron expression read as local
clock times, plus a `turn_length` (default: the cadence, so a turn ends where the next
begins).

Local clock rules (GoAlert's, for a handoff that must stay at 09:00 for the people):
- every boundary is a local wall time in the domain's zone, so a weekly 09:00 turn that
  spans a daylight-saving change lasts 167 h or 169 h, a daily one 23 h or 25 h;
- a wall time that does not exist (in the spring gap) moves to the next valid time:
  02:30 on the night clocks jump from 02:00 to 03:00 becomes 03:00;
- an ambiguous wall time (the autumn repeat) takes its first occurrence;
- a month cadence keeps the anchor's day and clamps it to short months: anchored on the
  31st it runs Jan 31, Feb 28 (29), Mar 31, Apr 30 — never drifting to the 28th;
- a turn length in days, weeks or months is local calendar arithmetic from the turn's
  nominal start; in hours or minutes it is elapsed time.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from croniter import croniter

Unit = Literal["minute", "hour", "day", "week", "month"]
CALENDAR_UNITS = ("day", "week", "month")
MAX_TURNS = 5000  # a bound on one listing: never an endless walk
_GAP_SCAN_MINUTES = 24 * 60  # no zone skips more than a day of wall time


@dataclass(frozen=True)
class Span:
    """`n` units, e.g. 14 days or 4 hours."""

    n: int
    unit: Unit


@dataclass(frozen=True)
class Rota:
    """When turns start (a cadence from an anchor, or cron) and how long they last."""

    zone: str
    every: Span | None = None
    anchor: date | None = None
    handoff: time = time(0, 0)
    cron: str | None = None
    turn_length: Span | None = None

    def __post_init__(self) -> None:
        if (self.every is None) == (self.cron is None):
            raise ValueError("a rota has either `every` or `cron`")
        if self.every is not None and self.anchor is None:
            raise ValueError("a cadence needs an anchor date")
        if self.cron is not None and self.turn_length is None:
            raise ValueError("a cron rota needs a turn_length")

    @property
    def length(self) -> Span:
        assert self.turn_length is not None or self.every is not None
        return self.turn_length or self.every  # type: ignore[return-value]


@dataclass(frozen=True)
class Turn:
    """One turn: UTC instants, and the local wall times they came from."""

    index: int  # 0 = the anchor's turn (cadence); cron turns count from the range start
    start: datetime  # aware, UTC
    end: datetime  # aware, UTC
    local_start: datetime  # naive wall time the start came from (before gap resolution)
    local_end: datetime

    @property
    def hours(self) -> float:
        return (self.end - self.start).total_seconds() / 3600


def resolve_local(wall: datetime, zone: ZoneInfo) -> datetime:
    """The UTC instant of a naive local wall time: the first occurrence when ambiguous,
    the next valid wall time when it does not exist (in a spring gap)."""
    for minute in range(_GAP_SCAN_MINUTES):
        candidate = wall + timedelta(minutes=minute)
        if _exists(candidate, zone):
            return candidate.replace(tzinfo=zone, fold=0).astimezone(UTC)
    raise ValueError(f"no valid local time near {wall} in {zone.key}")


def _exists(wall: datetime, zone: ZoneInfo) -> bool:
    # A wall time in a gap does not survive the round trip through UTC.
    back = wall.replace(tzinfo=zone, fold=0).astimezone(UTC).astimezone(zone)
    return back.replace(tzinfo=None) == wall


def add_span(wall: datetime, span: Span, n: int = 1) -> datetime:
    """Local calendar arithmetic on a naive wall time (months clamp to the month's end)."""
    count = span.n * n
    if span.unit == "month":
        months = wall.year * 12 + wall.month - 1 + count
        year, month = divmod(months, 12)
        day = min(wall.day, calendar.monthrange(year, month + 1)[1])
        return wall.replace(year=year, month=month + 1, day=day)
    if span.unit == "week":
        return wall + timedelta(weeks=count)
    if span.unit == "day":
        return wall + timedelta(days=count)
    if span.unit == "hour":
        return wall + timedelta(hours=count)
    return wall + timedelta(minutes=count)


def _turn(rota: Rota, zone: ZoneInfo, index: int, wall: datetime) -> Turn:
    start = resolve_local(wall, zone)
    length = rota.length
    if rota.turn_length is None and rota.every is not None:
        # Without a length of its own a turn ends where the next begins (a month turn
        # from Feb 28 ends on Mar 31, not Mar 28).
        local_end = _cadence_wall(rota, index + 1)
        end = resolve_local(local_end, zone)
    elif length.unit in CALENDAR_UNITS:
        local_end = add_span(wall, length)
        end = resolve_local(local_end, zone)
    else:
        end = start + (add_span(datetime(2000, 1, 1), length) - datetime(2000, 1, 1))
        local_end = end.astimezone(zone).replace(tzinfo=None)
    return Turn(index, start, end, wall, local_end)


def _cadence_wall(rota: Rota, index: int) -> datetime:
    assert rota.every is not None and rota.anchor is not None
    # From the anchor each time (not step by step), so a month cadence on the 31st comes
    # back to the 31st after a short month.
    return add_span(datetime.combine(rota.anchor, rota.handoff), rota.every, index)


def _first_index_near(rota: Rota, wall: datetime) -> int:
    """An index whose turn starts at or before `wall` (a few turns early at most)."""
    assert rota.every is not None and rota.anchor is not None
    origin = datetime.combine(rota.anchor, rota.handoff)
    if rota.every.unit == "month":
        months = (wall.year - origin.year) * 12 + wall.month - origin.month
        return months // rota.every.n - 1
    step = add_span(origin, rota.every) - origin
    return int((wall - origin) / step) - 2


def turns_starting(rota: Rota, since: datetime) -> Iterator[Turn]:
    """Turns in order whose start is at or after `since` (aware), without end."""
    zone = ZoneInfo(rota.zone)
    if rota.cron is not None:
        # croniter walks naive local wall times; each is then resolved by the rules above.
        wall_since = since.astimezone(zone).replace(tzinfo=None) - timedelta(days=1)
        walker = croniter(rota.cron, wall_since)
        index = 0
        last: datetime | None = None
        while True:
            wall = walker.get_next(datetime)
            turn = _turn(rota, zone, index, wall)
            if turn.start >= since and turn.start != last:
                last = turn.start
                index += 1
                yield turn
        return
    index = _first_index_near(rota, since.astimezone(zone).replace(tzinfo=None))
    while True:
        turn = _turn(rota, zone, index, _cadence_wall(rota, index))
        if turn.start >= since:
            yield turn
        index += 1


def next_turns(rota: Rota, since: datetime, count: int) -> list[Turn]:
    """The first `count` turns starting at or after `since`."""
    found: list[Turn] = []
    for turn in turns_starting(rota, since):
        if len(found) >= count:
            break
        found.append(turn)
    return found


def turns_overlapping(
    rota: Rota, start: datetime, end: datetime, limit: int = MAX_TURNS
) -> list[Turn]:
    """Turns that overlap [start, end) (half-open), at most `limit`."""
    longest = _longest(rota)
    found: list[Turn] = []
    for turn in turns_starting(rota, start - longest):
        if turn.start >= end or len(found) >= limit:
            break
        if turn.end > start:
            found.append(turn)
    return found


def _longest(rota: Rota) -> timedelta:
    length = rota.length
    days = {"minute": 1, "hour": 1, "day": 2, "week": 8, "month": 32}[length.unit]
    return timedelta(days=days * length.n)
