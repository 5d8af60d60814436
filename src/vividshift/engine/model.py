"""The engine's input: plain, frozen data (no I/O, no ORM rows).

Identifiers are strings (UUIDs as text in the service, names in the lodge data).
Mapping fields hold JSON-like data straight from the schema's JSONB columns; the
engine never mutates them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from vividshift.engine.constraints import Constraint
from vividshift.engine.errors import InvalidProblem
from vividshift.engine.history import History

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
DAY_MINUTES = 24 * 60
_CLOCK = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")


@dataclass(frozen=True)
class RunWindow:
    """The date/time span a run (or one target) covers; `end` is exclusive."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise InvalidProblem(f"window ends ({self.end}) before it starts ({self.start})")

    def overlaps(self, other: RunWindow) -> bool:
        return self.start < other.end and other.start < self.end


@dataclass(frozen=True)
class DailyWindow:
    """A target's local clock times, e.g. 13:00–17:00 on Saturdays (`constraints.time_window`
    `{"start": "13:00", "end": "17:00", "days": ["saturday"]}`).

    `start`/`end` are minutes after local midnight (end 1440 = "24:00"; end <= start ends
    the next day); `days` are weekday numbers (0 = Monday), empty = every day. It has no
    date of its own: `availability.target_windows` resolves it against the run's window.
    """

    start: int
    end: int
    days: frozenset[int] = frozenset()

    def __post_init__(self) -> None:
        if not isinstance(self.days, frozenset):
            object.__setattr__(self, "days", frozenset(self.days))
        if not (0 <= self.start < DAY_MINUTES and 0 <= self.end <= DAY_MINUTES):
            raise InvalidProblem(f"daily window {self.start}–{self.end}: minutes out of range")
        if not self.days <= set(range(7)):
            raise InvalidProblem(f"daily window days must be weekday numbers 0–6, got {self.days}")

    @property
    def minutes(self) -> int:
        """Length in minutes (an end at or before the start is on the next day)."""
        return (
            self.end - self.start if self.end > self.start else self.end + DAY_MINUTES - self.start
        )


@dataclass(frozen=True)
class Participant:
    """Someone who can be assigned.

    `skills` is the schema's JSONB array of names; `skill_levels` optionally grades
    some of them in 0–1 (a listed skill without a level counts 1.0). `group` is the
    participant's `metadata.group`, used by group exclusions and quotas.
    `preferences` understands `preferred_targets`, `avoided_targets` (lists of target
    ids) and `targets` (a map target id → 0–1); anything else is ignored.
    """

    id: str
    name: str = ""
    skills: frozenset[str] = frozenset()
    skill_levels: Mapping[str, float] = field(default_factory=dict)
    availability: Mapping[str, Any] = field(default_factory=dict)
    preferences: Mapping[str, Any] = field(default_factory=dict)
    group: str | None = None
    metadata: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Accept any iterable of names (a JSON list) while keeping the field hashable.
        if not isinstance(self.skills, frozenset):
            object.__setattr__(self, "skills", frozenset(self.skills))

    @property
    def label(self) -> str:
        return self.name or self.id

    def skill_level(self, skill: str) -> float:
        if skill not in self.skills:
            return 0.0
        return float(self.skill_levels.get(skill, 1.0))


@dataclass(frozen=True)
class Target:
    """Something that needs exactly `required_count` participants.

    `excluded_groups` and `no_repeat_window` are the target-level rules (the schema's
    `constraints` JSONB: `{"excluded_groups": [...], "no_repeat_window": 1}`);
    `time_window` (absolute, naive UTC, or daily local times) overrides the run's window
    for availability. `effort` is the points one place is worth (load and fair share).
    """

    id: str
    name: str = ""
    required_count: int = 1
    required_skills: frozenset[str] = frozenset()
    excluded_groups: frozenset[str] = frozenset()
    no_repeat_window: int | None = None
    time_window: RunWindow | DailyWindow | None = None
    metadata: Mapping[str, Any] = field(default_factory=dict)
    effort: float = 1.0

    def __post_init__(self) -> None:
        if self.required_count < 0:
            raise InvalidProblem(f"target {self.id}: required_count must be >= 0")
        if not self.effort > 0:
            raise InvalidProblem(f"target {self.id}: effort must be > 0")
        for name in ("required_skills", "excluded_groups"):
            value = getattr(self, name)
            if not isinstance(value, frozenset):
                object.__setattr__(self, name, frozenset(value))

    @property
    def label(self) -> str:
        return self.name or self.id


@dataclass(frozen=True)
class ValidatorSpec:
    """A validator to run on the result, by registry name, with its parameters."""

    name: str
    parameters: Mapping[str, Any] = field(default_factory=dict)


DEFAULT_VALIDATORS = (
    ValidatorSpec("capacity_check"),
    ValidatorSpec("availability_check"),
    ValidatorSpec("skill_matching"),
)


AVAILABILITY_DEFAULTS = ("available", "unavailable")


@dataclass(frozen=True)
class Problem:
    """Everything one generation run needs. Same Problem (incl. seed) → same result.

    `timezone` (IANA) is the house's zone: weekday slots and daily target windows are
    local clock times there, while `window` and absolute windows are naive UTC.
    `availability_default` is what a day with no slots listed means (see `availability`).
    `prior_load` is each person's balance so far (load − fair share, in effort points,
    from the fair-share ledger; a person not listed is at 0). When given, the run is
    lexicographically fairest on (balance + effort placed − presence-prorated share),
    the other scores breaking ties (see `fair_objective`), instead of counting places in
    the recent history.
    """

    participants: tuple[Participant, ...]
    targets: tuple[Target, ...]
    strategy: str = "balanced_rotation"
    parameters: Mapping[str, Any] = field(default_factory=dict)
    constraints: tuple[Constraint, ...] = ()
    history: History = field(default_factory=History)
    seed: int = 0
    window: RunWindow | None = None
    validators: tuple[ValidatorSpec, ...] = DEFAULT_VALIDATORS
    timezone: str = "UTC"
    availability_default: str = "available"
    prior_load: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if any(not math.isfinite(float(v)) for v in self.prior_load.values()):
            raise InvalidProblem("prior_load values must be finite numbers")
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError, TypeError):
            raise InvalidProblem(f"unknown time zone {self.timezone!r}") from None
        if self.availability_default not in AVAILABILITY_DEFAULTS:
            raise InvalidProblem(
                f"availability_default must be one of {AVAILABILITY_DEFAULTS}, "
                f"got {self.availability_default!r}"
            )
        for kind, items in (("participant", self.participants), ("target", self.targets)):
            if not isinstance(items, tuple):
                object.__setattr__(self, kind + "s", tuple(items))
            seen: set[str] = set()
            for item in getattr(self, kind + "s"):
                if item.id in seen:
                    raise InvalidProblem(f"duplicate {kind} id {item.id!r}")
                seen.add(item.id)
        if not isinstance(self.constraints, tuple):
            object.__setattr__(self, "constraints", tuple(self.constraints))


def participant_from_mapping(row: Mapping[str, Any]) -> Participant:
    """Build a Participant from a flat API/DB record (`skills` list, `metadata.group`).

    A JSON column in a shape the API never stores (written by another program) reads
    as empty: skills as `skill_names` gives them, any other column that is no object."""
    skills_raw = row.get("skills")
    levels: dict[str, float] = {}
    if isinstance(skills_raw, Mapping):
        levels = {str(k): _level(v) for k, v in skills_raw.items()}
    metadata = _object(row.get("metadata"))
    group = row.get("group", metadata.get("group"))
    return Participant(
        id=str(row["id"]),
        name=str(row.get("name") or ""),
        skills=frozenset(skill_names(skills_raw)),
        skill_levels=levels,
        availability=_object(row.get("availability")),
        preferences=_object(row.get("preferences")),
        group=None if group is None else str(group),
        metadata=metadata,
    )


def skill_names(stored: Any) -> list[str]:
    """A stored `skills` value as skill names, in order: the strings of a JSON array (what
    the API stores), or the keys of an object of levels (`{"first_aid": 0.5}`, which
    other programs write); anything else holds none."""
    if isinstance(stored, Mapping):
        return [str(k) for k in stored]
    if isinstance(stored, list | tuple):
        return [s for s in stored if isinstance(s, str)]
    return []


def _object(stored: Any) -> dict[str, Any]:
    return dict(stored) if isinstance(stored, Mapping) else {}


def _level(value: Any) -> float:
    """A stored skill level. The API stores none; one written by another program that is
    no finite number ("high", null, "nan") counts as no level stated: 1.0."""
    try:
        level = float(value)
    except (TypeError, ValueError, OverflowError):
        return 1.0
    return level if math.isfinite(level) else 1.0


def target_from_mapping(row: Mapping[str, Any]) -> Target:
    """Build a Target from a flat API/DB record; rules come from its `constraints` map."""
    constraints = _object(row.get("constraints"))
    window = constraints.get("time_window")
    no_repeat = constraints.get("no_repeat_window")
    return Target(
        id=str(row["id"]),
        name=str(row.get("name") or ""),
        required_count=int(row.get("required_count", 1)),
        required_skills=frozenset(skill_names(row.get("required_skills"))),
        excluded_groups=frozenset(str(g) for g in constraints.get("excluded_groups") or []),
        no_repeat_window=None if no_repeat is None else int(no_repeat),
        time_window=None if window is None else parse_target_window(window),
        metadata=_object(row.get("metadata")),
        effort=float(row.get("effort") or 1),
    )


def parse_target_window(raw: Any) -> RunWindow | DailyWindow:
    """A target's window: absolute (`parse_window`) or daily local clock times
    `{"start": "13:00", "end": "17:00", "days": ["saturday"]}` (days optional)."""
    if isinstance(raw, DailyWindow):
        return raw
    if isinstance(raw, Mapping) and isinstance(raw.get("start"), str) and is_clock(raw["start"]):
        days = raw.get("days") or ()
        if isinstance(days, str):
            days = (days,)
        return DailyWindow(
            start=parse_clock(raw["start"]),
            end=parse_clock(raw["end"], allow_midnight_end=True),
            days=frozenset(_weekday(d) for d in days),
        )
    return parse_window(raw)


def is_clock(text: str) -> bool:
    return _CLOCK.match(text) is not None


def parse_clock(text: str, *, allow_midnight_end: bool = False) -> int:
    """ "13:00" or "9:00" → minutes after midnight; "24:00" only as an end."""
    match = _CLOCK.match(str(text))
    if match is None:
        raise InvalidProblem(f"expected a clock time HH:MM, got {text!r}")
    hours, minutes = int(match[1]), int(match[2])
    value = hours * 60 + minutes
    if minutes > 59 or value > DAY_MINUTES or (value == DAY_MINUTES and not allow_midnight_end):
        raise InvalidProblem(f"not a clock time: {text!r}")
    return value


def _weekday(name: Any) -> int:
    try:
        return WEEKDAYS.index(str(name).strip().lower())
    except ValueError:
        raise InvalidProblem(f"unknown weekday {name!r}; expected one of {WEEKDAYS}") from None


def parse_window(raw: Any) -> RunWindow:
    """`{"start": iso, "end": iso}` or `[start, end]` → RunWindow."""
    if isinstance(raw, RunWindow):
        return raw
    try:
        start, end = (raw["start"], raw["end"]) if isinstance(raw, Mapping) else raw
    except (KeyError, TypeError, ValueError):
        raise InvalidProblem(f"a window is {{start, end}} or [start, end], got {raw!r}") from None
    return RunWindow(_as_datetime(start), _as_datetime(end))


def _as_datetime(value: Any) -> datetime:
    """Naive UTC: stored windows mix dates, naive and offset datetimes, and comparing a
    naive with an aware datetime would raise."""
    try:
        moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    except ValueError:
        raise InvalidProblem(f"not an ISO date or datetime: {value!r}") from None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment
