"""Is a participant available for a target? The availability part of `eligibility`.

Time. `Problem.window`, absolute target windows and absences are naive UTC instants.
Weekday slots and daily target windows are local clock times in the house's zone
(`Problem.timezone`, IANA), turned into UTC instants date by date with zoneinfo: a
13:00 slot is 13:00 local on both sides of a daylight-saving change.

A participant's `availability` JSONB may hold:
- `"available": false` — away altogether (whatever the window, even none);
- `"unavailable": [{"start": iso, "end": iso}, ...]` (or `[start, end]` pairs) —
  absences; overlapping one makes the participant unavailable;
- weekday keys: `"saturday": {"13:00": "unavailable", "18:00": "preferred"}` with values
  `available`, `preferred` or `unavailable` (anything else is ignored). A key "HH:MM"
  (or "H:MM") runs from that time to the day's next boundary; the boundaries are the
  day's other "HH:MM" keys plus the web page's grid 09:00, 13:00, 18:00 and midnight.
  Alone, "9:00" is 09:00–13:00, "13:00" 13:00–18:00, "18:00" 18:00–24:00, "7:00"
  07:00–09:00. A key "HH:MM-HH:MM" is an explicit range (an end at or before the
  start is on the next day).

For a target's windows (`target_windows`) the participant is unavailable when:
- they are marked `available: false`;
- an absence or an `unavailable` slot overlaps a window (half-open intervals: a slot
  13:00–18:00 does not overlap a shift 18:00–22:00);
- a local day a window touches has no slots listed and the house's
  `availability_default` is "unavailable" (with "available", such a day is free).
`preferred` is available, and scores as a preference (`scoring`). With no window at
all (no run window, or a daily window without one) only `available: false` applies:
without dates nothing can overlap.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import numpy as np

from vividshift.engine.model import (
    DAY_MINUTES,
    WEEKDAYS,
    DailyWindow,
    Participant,
    Problem,
    RunWindow,
    Target,
    parse_clock,
    parse_window,
)

STATUSES = ("available", "preferred", "unavailable")
GRID = (9 * 60, 13 * 60, 18 * 60, DAY_MINUTES)
_SCAN_DAYS = 10  # past this many local days a window holds every weekday's slots whole


@dataclass(frozen=True)
class Calendar:
    """The house's zone and its default for days without slots."""

    zone: ZoneInfo
    default_unavailable: bool = False

    def to_utc(self, day: date, minute: int) -> datetime:
        """Naive UTC instant of local `day` + `minute` (minute may pass midnight)."""
        return _to_utc(self.zone, day, minute)

    def local(self, moment: datetime) -> datetime:
        return moment.replace(tzinfo=UTC).astimezone(self.zone).replace(tzinfo=None)


def calendar_of(problem: Problem) -> Calendar:
    return Calendar(ZoneInfo(problem.timezone), problem.availability_default == "unavailable")


@lru_cache(maxsize=1 << 16)
def _to_utc(zone: ZoneInfo, day: date, minute: int) -> datetime:
    wall = datetime(day.year, day.month, day.day) + timedelta(minutes=minute)
    return wall.replace(tzinfo=zone).astimezone(UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class Slot:
    day: int  # weekday, 0 = Monday
    start: int  # minutes after local midnight
    end: int  # may pass 1440 (runs into the next day)
    status: str
    text: str  # as shown in reasons: "13:00" or "13:00–15:00"


@dataclass(frozen=True)
class Schedule:
    """One participant's availability, read once."""

    away: bool
    absences: tuple[RunWindow, ...]
    slots: Mapping[tuple[str, int], tuple[Slot, ...]]  # (status, weekday) → slots
    listed_days: frozenset[int]  # weekdays with at least one slot

    @property
    def is_plain(self) -> bool:
        """Nothing listed: the answer depends only on the house's default."""
        return not (self.away or self.absences or self.slots)


def schedule_of(participant: Participant) -> Schedule:
    av: Mapping = participant.availability
    if not av:
        return NOTHING_LISTED
    slots: dict[tuple[str, int], list[Slot]] = {}
    for key, raw in av.items():
        day = _WEEKDAY_INDEX.get(key)
        if day is not None and isinstance(raw, Mapping):
            for slot in _day_slots(day, raw):
                slots.setdefault((slot.status, day), []).append(slot)
    return Schedule(
        away=av.get("available") is False,
        absences=tuple(parse_window(raw) for raw in av.get("unavailable") or ()),
        slots={key: tuple(found) for key, found in slots.items()},
        listed_days=frozenset(day for _, day in slots),
    )


NOTHING_LISTED = Schedule(False, (), {}, frozenset())
_WEEKDAY_INDEX = {name: day for day, name in enumerate(WEEKDAYS)}


def _day_slots(day: int, raw: Mapping) -> list[Slot]:
    points: dict[int, str] = {}
    ranges: list[Slot] = []
    for key, status in raw.items():
        if status not in STATUSES:
            continue
        try:
            first, _, last = str(key).partition("-")
            start = parse_clock(first)
            end = parse_clock(last, allow_midnight_end=True) if last else None
        except ValueError:
            continue  # not a slot key
        if end is None:
            points[start] = status
        else:
            end += DAY_MINUTES if end <= start else 0
            ranges.append(Slot(day, start, end, status, f"{_clock(start)}–{_clock(end)}"))
    bounds = sorted({*points, *GRID})
    for start, status in points.items():
        end = next(b for b in bounds if b > start)
        ranges.append(Slot(day, start, end, status, _clock(start)))
    return sorted(ranges, key=lambda s: (s.start, s.end))


def unavailability_reason(
    schedule: Schedule, windows: Sequence[RunWindow], calendar: Calendar
) -> str | None:
    """None when available for every window, else a short reason in local time."""
    if schedule.away:
        return "marked unavailable"
    for window in windows:
        for absence in schedule.absences:
            if absence.overlaps(window):
                return f"away {_moment(calendar, absence.start)} – {_moment(calendar, absence.end)}"
        slot = _overlapping_slot(schedule, window, calendar, "unavailable")
        if slot is not None:
            return f"unavailable {WEEKDAYS[slot.day].capitalize()} {slot.text}"
        if calendar.default_unavailable:
            for day in _days(window, calendar.zone).touched:
                if day.weekday() not in schedule.listed_days:
                    return (
                        f"no availability listed for {WEEKDAYS[day.weekday()].capitalize()} "
                        "(the house's default is unavailable)"
                    )
    return None


def prefers(schedule: Schedule, windows: Sequence[RunWindow], calendar: Calendar) -> bool:
    """A window overlaps one of the participant's `preferred` slots."""
    return any(_overlapping_slot(schedule, w, calendar, "preferred") for w in windows)


def _overlapping_slot(
    schedule: Schedule, window: RunWindow, calendar: Calendar, status: str
) -> Slot | None:
    if not schedule.slots:
        return None
    for day in _days(window, calendar.zone).scanned:
        for slot in schedule.slots.get((status, day.weekday()), ()):
            start = calendar.to_utc(day, slot.start)
            if start < window.end and window.start < calendar.to_utc(day, slot.end):
                return slot
    return None


@dataclass(frozen=True)
class _Days:
    scanned: tuple[date, ...]  # local dates whose slots may overlap the window
    touched: tuple[date, ...]  # local dates the window touches (a week's worth at most)


@lru_cache(maxsize=4096)
def _days(window: RunWindow, zone: ZoneInfo) -> _Days:
    calendar = Calendar(zone)
    first = calendar.local(window.start).date()
    end = calendar.local(window.end)
    last = (end - timedelta(microseconds=1)).date() if window.end > window.start else first
    span = (last - first).days
    # From the day before (slots running past 24:00); weekdays repeat, so past
    # _SCAN_DAYS every weekday's slots already lie whole inside the window.
    scanned = [first + timedelta(days=k) for k in range(-1, min(span, _SCAN_DAYS) + 1)]
    return _Days(tuple(scanned), tuple(scanned[1 : 1 + min(span + 1, 7)]))


def _clock(minutes: int) -> str:
    return f"{minutes // 60 % 24 if minutes != DAY_MINUTES else 24:02d}:{minutes % 60:02d}"


def _moment(calendar: Calendar, moment: datetime) -> str:
    local = calendar.local(moment)
    return f"{local:%Y-%m-%d}" if local.time() == datetime.min.time() else f"{local:%Y-%m-%d %H:%M}"


def target_windows(problem: Problem, target: Target) -> tuple[RunWindow, ...]:
    """The UTC windows a target occupies in this run (empty: it has no date).

    Absolute: its own window. None: the run's window. Daily: its occurrences that start
    inside the run's window (in the house's zone), else the first one starting at or
    after the window's start; no run window, no occurrence.
    """
    own = target.time_window
    if own is None:
        return () if problem.window is None else (problem.window,)
    if isinstance(own, RunWindow):
        return (own,)
    if problem.window is None:
        return ()
    return _occurrences(own, problem.window, ZoneInfo(problem.timezone))


@lru_cache(maxsize=4096)
def _occurrences(daily: DailyWindow, window: RunWindow, zone: ZoneInfo) -> tuple[RunWindow, ...]:
    calendar = Calendar(zone)
    day = calendar.local(window.start).date() - timedelta(days=1)
    last = max(calendar.local(window.end).date(), day + timedelta(days=8))
    inside: list[RunWindow] = []
    later: RunWindow | None = None
    while day <= last:
        if not daily.days or day.weekday() in daily.days:
            start = calendar.to_utc(day, daily.start)
            occurrence = RunWindow(start, calendar.to_utc(day, daily.start + daily.minutes))
            if window.start <= start < window.end:
                inside.append(occurrence)
            elif later is None and start >= window.start:
                later = occurrence
        day += timedelta(days=1)
    return tuple(inside) if inside else (() if later is None else (later,))


def overlap(a: Sequence[RunWindow], b: Sequence[RunWindow]) -> bool:
    """Some window of `a` overlaps some window of `b`."""
    return any(x.overlaps(y) for x in a for y in b)


def availability_matrices(
    problem: Problem, schedules: Sequence[Schedule]
) -> tuple[np.ndarray, np.ndarray]:
    """(unavailable, preferred) as bool P × T.

    Computed once per participant and distinct set of target windows, and once for all
    participants who list nothing, so large instances stay fast.
    """
    shape = (len(problem.participants), len(problem.targets))
    unavailable = np.zeros(shape, dtype=bool)
    preferred = np.zeros(shape, dtype=bool)
    calendar = calendar_of(problem)
    groups: dict[tuple[RunWindow, ...], list[int]] = {}
    for j, t in enumerate(problem.targets):
        groups.setdefault(target_windows(problem, t), []).append(j)
    plain = np.array([s.is_plain for s in schedules], dtype=bool)
    listed = np.nonzero(~plain)[0].tolist()
    for windows, cols_list in groups.items():
        cols = np.array(cols_list, dtype=np.int64)
        if unavailability_reason(NOTHING_LISTED, windows, calendar) is not None:
            unavailable[np.ix_(plain, cols)] = True
        for i in listed:
            if unavailability_reason(schedules[i], windows, calendar) is not None:
                unavailable[i, cols] = True
            elif prefers(schedules[i], windows, calendar):
                preferred[i, cols] = True
    return unavailable, preferred
