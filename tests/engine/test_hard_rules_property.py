"""Every placement keeps the hard rules, checked by a checker written from the rules' text.

The checker below calls no engine function: it parses slots, resolves daily windows
in the house's zone and computes skill shares on its own, from the rules as
documented (availability, eligibility):
- required skills: share `len(required & skills) / len(required)` >= the threshold
  (1.0; skill_based/optimal: `skill_threshold`), unless skill_matching says
  `required_match: false`;
- availability: `available: false`; absences; an `unavailable` slot overlapping a
  target window (slot "HH:MM" runs to the day's next listed time or grid time 09:00,
  13:00, 18:00, 24:00; "HH:MM-HH:MM" is a range); a touched local day with no slots
  under `availability_default: unavailable`;
- group exclusions, max per participant, exact counts, and no one on two targets
  whose windows overlap.
When `solve` raises Infeasible, a brute force over the tiny instance confirms that no
assignment satisfies those rules.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from vividshift.engine import (
    History,
    Infeasible,
    MaxAssignments,
    Problem,
    Pruning,
    RunWindow,
    ValidatorSpec,
    participant_from_mapping,
    solve,
    target_from_mapping,
)
from vividshift.engine.prune import DEFAULT_PRUNING

DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
GRID = [9 * 60, 13 * 60, 18 * 60, 24 * 60]
STATUSES = ["available", "preferred", "unavailable"]
STRATEGIES = ["balanced_rotation", "random_assignment", "skill_based", "optimal"]
ZONES = ["UTC", "Europe/Berlin", "America/New_York"]
# Around daylight-saving changes: Berlin 2026-03-29 / 10-25, New York 03-08 / 11-01.
DATES = [date(2026, 3, 28), date(2026, 3, 29), date(2026, 10, 24), date(2026, 10, 25)]
DATES += [date(2026, 3, 8), date(2026, 11, 1), date(2026, 7, 15)]
Span = tuple[datetime, datetime]  # naive UTC, end exclusive
# Every instance pruned over its arc list from its first pair, with tiny candidate sets
# (so the certificate rounds run): the path large sparse instances take.
ARC_LIST = Pruning(
    min_arcs=0,
    min_density=1.01,
    min_sparse_arcs=0,
    per_target=0.0,
    extra=1,
    per_participant=0,
    max_rounds=100,
    max_share=1,
    sparse_max_share=1,
)


# ---- the independent checker ------------------------------------------------------


def clock(text: str) -> int:
    hours, minutes = text.strip().split(":")
    return int(hours) * 60 + int(minutes)


def to_utc(zone: str, day: date, minute: int) -> datetime:
    local = datetime.combine(day, time()) + timedelta(minutes=minute)
    return local.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC).replace(tzinfo=None)


def local_date(zone: str, moment: datetime) -> date:
    return moment.replace(tzinfo=UTC).astimezone(ZoneInfo(zone)).date()


def meets(a: Span, b: Span) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def slots(availability: dict[str, Any]) -> dict[int, list[tuple[int, int, str]]]:
    """weekday → (start, end, status) in local minutes, the documented way."""
    out: dict[int, list[tuple[int, int, str]]] = {}
    for weekday, name in enumerate(DAYS):
        day = availability.get(name)
        if not isinstance(day, dict):
            continue
        valid = {k: v for k, v in day.items() if v in STATUSES}
        points = {clock(k) for k in valid if "-" not in k}
        for key, status in valid.items():
            if "-" in key:
                start, end = (clock(part) for part in key.split("-"))
                end = end + 24 * 60 if end <= start else end
            else:
                start = clock(key)
                end = min(b for b in points | set(GRID) if b > start)
            out.setdefault(weekday, []).append((start, end, status))
    return out


@dataclass(frozen=True)
class Instance:
    people: list[dict[str, Any]]
    targets: list[dict[str, Any]]
    zone: str
    window: Span | None
    default_unavailable: bool
    cap: int
    threshold: float
    required_match: bool
    recent: dict[str, list[str]]
    seed: int

    def problem(self, strategy: str, seed: int) -> Problem:
        params = (
            {"skill_threshold": self.threshold} if strategy in ("skill_based", "optimal") else {}
        )
        return Problem(
            tuple(participant_from_mapping(p) for p in self.people),
            tuple(target_from_mapping(t) for t in self.targets),
            strategy=strategy,
            parameters=params,
            constraints=(MaxAssignments(self.cap),),
            history=History.from_recent(self.recent),
            seed=seed,
            window=None if self.window is None else RunWindow(*self.window),
            validators=(ValidatorSpec("skill_matching", {"required_match": self.required_match}),),
            timezone=self.zone,
            availability_default="unavailable" if self.default_unavailable else "available",
        )

    def windows(self, target: dict[str, Any]) -> list[Span]:
        daily = target.get("constraints", {}).get("time_window")
        if daily is None:
            return [] if self.window is None else [self.window]
        if self.window is None:
            return []
        start, end = clock(daily["start"]), clock(daily["end"])
        end = end + 24 * 60 if end <= start else end
        days = {DAYS.index(d) for d in daily.get("days", [])} or set(range(7))
        first = local_date(self.zone, self.window[0]) - timedelta(days=2)
        spans = [
            (to_utc(self.zone, day, start), to_utc(self.zone, day, end))
            for day in (first + timedelta(days=k) for k in range(14))
            if day.weekday() in days
        ]
        inside = [s for s in spans if self.window[0] <= s[0] < self.window[1]]
        return inside or sorted(s for s in spans if s[0] >= self.window[0])[:1]

    def available(self, person: dict[str, Any], target: dict[str, Any]) -> bool:
        av = person["availability"]
        if av.get("available") is False:
            return False
        listed = slots(av)
        for span in self.windows(target):
            for absence in av.get("unavailable", []):
                if meets(
                    span, (datetime.fromisoformat(absence[0]), datetime.fromisoformat(absence[1]))
                ):
                    return False
            first = local_date(self.zone, span[0])
            for k in range(-1, (span[1] - span[0]).days + 2):
                day = first + timedelta(days=k)
                for start, end, status in listed.get(day.weekday(), []):
                    slot = (to_utc(self.zone, day, start), to_utc(self.zone, day, end))
                    if status == "unavailable" and meets(slot, span):
                        return False
            if self.default_unavailable:
                day, last = first, local_date(self.zone, span[1] - timedelta(microseconds=1))
                while day <= last:
                    if day.weekday() not in listed:
                        return False
                    day += timedelta(days=1)
        return True

    def qualified(self, person: dict[str, Any], target: dict[str, Any], strategy: str) -> bool:
        required = set(target["required_skills"])
        if not required or not self.required_match:
            return True
        threshold = self.threshold if strategy in ("skill_based", "optimal") else 1.0
        return len(required & set(person["skills"])) / len(required) >= threshold

    def may(self, person: dict[str, Any], target: dict[str, Any], strategy: str) -> bool:
        excluded = target.get("constraints", {}).get("excluded_groups", [])
        return (
            person["group"] not in excluded
            and self.qualified(person, target, strategy)
            and self.available(person, target)
        )

    def valid(self, pairs: list[tuple[str, str]], strategy: str) -> bool:
        people = {p["id"]: p for p in self.people}
        targets = {t["id"]: t for t in self.targets}
        if len(set(pairs)) != len(pairs):
            return False
        if any(not self.may(people[p], targets[t], strategy) for p, t in pairs):
            return False
        if any(sum(t == x["id"] for _, t in pairs) != x["required_count"] for x in self.targets):
            return False
        mine: dict[str, list[str]] = {}
        for p, t in pairs:
            mine.setdefault(p, []).append(t)
        for ts in mine.values():
            if len(ts) > self.cap:
                return False
            for a, b in itertools.combinations(ts, 2):
                timed = [x for x in (a, b) if targets[x].get("constraints", {}).get("time_window")]
                if len(timed) == 2 and any(
                    meets(x, y) for x in self.windows(targets[a]) for y in self.windows(targets[b])
                ):
                    return False
        return True

    def any_valid(self, strategy: str) -> bool:
        """Brute force: each target's possible teams, every combination."""
        options = []
        for t in self.targets:
            able = [p["id"] for p in self.people if self.may(p, t, strategy)]
            options.append(
                [
                    [(p, t["id"]) for p in team]
                    for team in itertools.combinations(able, t["required_count"])
                ]
            )
        return any(
            self.valid([pair for team in c for pair in team], strategy)
            for c in itertools.product(*options)
        )


# ---- random tiny instances ----------------------------------------------------------

TIMES = ["0:00", "7:00", "9:00", "11:00", "12:00", "13:00", "15:00", "18:00", "21:00"]
RANGES = ["10:00-12:00", "12:30-14:00", "20:00-2:00", "17:00-24:00"]
STATUS_DRAW = ["available", "preferred", "unavailable", "unavailable", "maybe"]
ENDS = ["10:00", "13:00", "17:00", "18:00", "22:00", "24:00", "2:00"]


@st.composite
def instances(draw: st.DrawFn) -> Instance:
    day = draw(st.sampled_from(DATES))
    window: Span | None = None
    if draw(st.integers(0, 9)):
        start = datetime.combine(day, time()) + timedelta(hours=draw(st.sampled_from([0, 12])))
        window = (start, start + timedelta(hours=draw(st.sampled_from([24, 36, 48]))))
    # Slots and shifts on the weekdays around the run, so that they meet often.
    near = [DAYS[(day.weekday() + k) % 7] for k in (-1, 0, 1, 2)]
    tids = [f"t{j}" for j in range(draw(st.sampled_from([3, 2, 1])))]
    targets = []
    for tid in tids:
        constraints: dict[str, Any] = {
            "excluded_groups": draw(st.lists(st.sampled_from(["A", "B"]), max_size=1))
        }
        if draw(st.booleans()):
            daily: dict[str, Any] = {
                "start": draw(st.sampled_from(TIMES)),
                "end": draw(st.sampled_from(ENDS)),
            }
            if draw(st.booleans()):
                daily["days"] = draw(
                    st.lists(st.sampled_from(near), min_size=1, max_size=3, unique=True)
                )
            constraints["time_window"] = daily
        targets.append(
            {
                "id": tid,
                "required_count": draw(st.integers(0, 2)),
                "required_skills": draw(st.lists(st.sampled_from("abc"), max_size=2, unique=True)),
                "constraints": constraints,
            }
        )
    people, recent = [], {}
    for i in range(draw(st.sampled_from([3, 4, 2, 5, 1, 0]))):
        availability: dict[str, Any] = {}
        for name in draw(st.lists(st.sampled_from(near), max_size=4, unique=True)):
            keys = draw(
                st.lists(st.sampled_from(TIMES + RANGES), min_size=1, max_size=4, unique=True)
            )
            availability[name] = {k: draw(st.sampled_from(STATUS_DRAW)) for k in keys}
        if window is not None and draw(st.integers(0, 5)) == 0:
            start = window[0] + timedelta(hours=draw(st.integers(-12, 36)))
            end = start + timedelta(hours=draw(st.integers(1, 20)))
            availability["unavailable"] = [[start.isoformat(), end.isoformat()]]
        if draw(st.integers(0, 12)) == 0:
            availability["available"] = False
        people.append(
            {
                "id": f"p{i}",
                "skills": draw(st.lists(st.sampled_from("abc"), max_size=3, unique=True)),
                "group": draw(st.sampled_from([None, "A", "B"])),
                "availability": availability,
            }
        )
        recent[f"p{i}"] = draw(st.lists(st.sampled_from(tids), max_size=2))
    return Instance(
        people,
        targets,
        zone=draw(st.sampled_from(ZONES)),
        window=window,
        default_unavailable=draw(st.integers(0, 4)) == 0,
        cap=draw(st.sampled_from([2, 1])),
        threshold=draw(st.sampled_from([0.0, 0.5, 1.0, 1.0])),
        required_match=draw(st.integers(0, 5)) > 0,
        recent=recent,
        seed=draw(st.integers(0, 1000)),
    )


@settings(
    max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(instances())
@pytest.mark.parametrize("pruning", [DEFAULT_PRUNING, ARC_LIST], ids=["default", "arc list"])
def test_every_placement_keeps_the_hard_rules(pruning: Pruning, inst: Instance) -> None:
    for strategy in STRATEGIES:
        for seed in (inst.seed, inst.seed + 1):
            try:
                result = solve(inst.problem(strategy, seed), pruning=pruning)
            except Infeasible:
                event("infeasible")
                assert not inst.any_valid(strategy), (strategy, "a valid assignment exists")
                continue
            event("solved")
            if any("optimality certificate" in note for note in result.notes):
                event("solved on a pruned subset")
            assert result.status in ("optimal", "feasible")
            pairs = [(a.participant_id, a.target_id) for a in result.assignments]
            assert inst.valid(pairs, strategy), (strategy, seed, pairs)


# ---- unit cases, for the engine and for the checker alike -------------------------

SATURDAY = (datetime(2026, 10, 17), datetime(2026, 10, 18))


def one(availability: dict[str, Any], shift: dict[str, Any], **house: Any) -> Instance:
    """One person, one daily shift, on Saturday 2026-10-17 unless `house` says otherwise."""
    person = {"id": "p", "skills": [], "group": None, "availability": availability}
    target = {"id": "t", "required_count": 1, "required_skills": []}
    return Instance(
        [person],
        [{**target, "constraints": {"time_window": shift}}],
        **({"zone": "UTC", "window": SATURDAY, "default_unavailable": False} | house),
        cap=1,
        threshold=1.0,
        required_match=True,
        recent={},
        seed=0,
    )


def engine_available(inst: Instance) -> bool:
    try:
        solve(inst.problem("balanced_rotation", 0))
    except Infeasible:
        return False
    return True


def agree(inst: Instance) -> bool:
    checker = inst.available(inst.people[0], inst.targets[0])
    assert engine_available(inst) == checker
    return checker


def test_unavailable_13_00_rules_out_a_13_to_17_saturday_shift() -> None:
    shift = {"start": "13:00", "end": "17:00", "days": ["saturday"]}
    assert not agree(one({"saturday": {"13:00": "unavailable"}}, shift))


def test_preferred_18_00_is_available_for_an_18_to_22_shift_with_preference_one() -> None:
    inst = one(
        {"saturday": {"18:00": "preferred"}},
        {"start": "18:00", "end": "22:00", "days": ["saturday"]},
    )
    assert agree(inst)
    (placed,) = solve(inst.problem("optimal", 0)).assignments
    assert placed.score.preference == 1.0


def test_a_13_00_slot_on_dst_sundays_is_13_00_local() -> None:
    for sunday in (date(2026, 10, 25), date(2026, 3, 29)):
        run = (
            datetime.combine(sunday, time()),
            datetime.combine(sunday, time()) + timedelta(days=1),
        )
        away = {"sunday": {"13:00": "unavailable"}}
        berlin = {"zone": "Europe/Berlin", "window": run}
        assert not agree(
            one(away, {"start": "13:00", "end": "14:00", "days": ["sunday"]}, **berlin)
        )
        assert agree(one(away, {"start": "12:00", "end": "13:00", "days": ["sunday"]}, **berlin))


def test_a_day_without_slots_under_default_unavailable() -> None:
    shift = {"start": "13:00", "end": "17:00", "days": ["saturday"]}
    assert not agree(one({"friday": {"13:00": "available"}}, shift, default_unavailable=True))
    assert agree(one({"saturday": {"13:00": "available"}}, shift, default_unavailable=True))
    assert agree(one({"friday": {"13:00": "available"}}, shift))
