"""Validators: run on any assignment (generated or edited), one structured result each.

They decide breaches with the engine's eligibility (`eligibility`: skills, availability
in the house's zone), so a validator never disagrees with the solver; `solve` passes
the eligibility it computed, other callers get it computed from the problem.

Severity: `error` — the assignment breaks a hard rule; `warning` — it is usable but
someone should look (a soft breach, or a breach the parameters tolerate); `info` —
nothing to report. `passed` is False exactly when the validator found a breach it is
configured to reject.

- capacity_check (strict_mode=true, tolerance=0): a count off by more than
  `tolerance`, a participant over their maximum, a duplicate or unknown pair →
  error (warning when not strict_mode), not passed; counts off within tolerance →
  warning, passed; all exact → info. Under random_assignment with
  `ensure_capacity: false` the caller asked for a partial fill: under-filled targets
  are a warning, passed.
- availability_check (check_conflicts=true, time_window=none): someone unavailable
  for a target's windows (`time_window` overrides every window) → error; someone on
  two targets whose own windows overlap → warning, not passed; else info.
- skill_matching (required_match=true, report_missing=true): someone below the skill
  threshold → error (warning and passed when not required_match), listing the
  missing skills when report_missing; on a target that fell back
  (`fallback_strategy`) → warning, passed; else info.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import chain
from typing import Any

import numpy as np

from vividshift.engine.availability import (
    calendar_of,
    overlap,
    schedule_of,
    target_windows,
    unavailability_reason,
)
from vividshift.engine.eligibility import UNAVAILABLE, Eligibility, Reasons, capacity_of
from vividshift.engine.errors import InvalidProblem
from vividshift.engine.model import Problem, ValidatorSpec, parse_window
from vividshift.engine.params import read_parameters
from vividshift.engine.result import Placement, ValidationResult
from vividshift.engine.strategies import eligibility_for, get_strategy

Pairs = Sequence[tuple[str, str]]
Assignment = Iterable[tuple[str, str]] | Iterable[Placement]


class Checked:
    """The problem and one assignment as the validators see them: index arrays of the
    pairs, and eligibility computed at most once."""

    def __init__(
        self,
        problem: Problem,
        eligibility: Eligibility | None,
        assignment: Assignment,
        indices: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> None:
        self.problem = problem
        self.given = eligibility
        self.assignment = assignment
        self.given_indices = indices

    @cached_property
    def pairs(self) -> Pairs:
        """(participant id, target id) of every placement, in order."""
        return [
            (a.participant_id, a.target_id) if isinstance(a, Placement) else (a[0], a[1])
            for a in self.assignment
        ]

    @cached_property
    def person(self) -> dict[str, int]:
        return {p.id: i for i, p in enumerate(self.problem.participants)}

    @cached_property
    def target(self) -> dict[str, int]:
        return {t.id: j for j, t in enumerate(self.problem.targets)}

    @cached_property
    def eligibility(self) -> Eligibility:
        return self.given if self.given is not None else eligibility_for(self.problem)

    @cached_property
    def reasons(self) -> Reasons:
        return Reasons(self.problem, self.eligibility)

    @cached_property
    def at(self) -> tuple[np.ndarray, np.ndarray]:
        """(participant, target) indices of the known pairs, in order (unknown ids left out);
        the caller's own when it has them (`solve`): no id is looked up then."""
        if self.given_indices is not None:
            return self.given_indices
        person, target = self.person, self.target
        found = [(person[p], target[t]) for p, t in self.pairs if p in person and t in target]
        flat = np.fromiter(chain.from_iterable(found), dtype=np.int64, count=2 * len(found))
        return flat[0::2], flat[1::2]

    @property
    def all_known(self) -> bool:
        """Every pair names a participant and a target of the problem."""
        return self.given_indices is not None or self.at[0].size == len(self.pairs)

    def known(self) -> list[tuple[int, int]]:
        """The known pairs as (participant, target) indices, in order."""
        p, t = self.at
        return list(zip(p.tolist(), t.tolist(), strict=True))

    def flagged(self, mask: np.ndarray) -> list[tuple[int, int]]:
        """The known pairs, in order, that `mask` (bool P × T) marks: one array lookup
        for all pairs, a Python step only for the (usually no) pairs it flags."""
        p, t = self.at
        hit = np.flatnonzero(mask[p, t])
        return list(zip(p[hit].tolist(), t[hit].tolist(), strict=True))


Check = Callable[[Checked, Mapping[str, Any]], ValidationResult]


@dataclass(frozen=True)
class Validator:
    name: str
    description: str
    schema: dict[str, Any]
    check: Check


def validate_assignment(
    problem: Problem,
    assignment: Assignment,
    specs: Sequence[ValidatorSpec] | None = None,
    *,
    eligibility: Eligibility | None = None,
    indices: tuple[np.ndarray, np.ndarray] | None = None,
) -> tuple[ValidationResult, ...]:
    """Run `specs` (default: the problem's validators) on (participant, target) pairs.

    `eligibility`: the problem's, when the caller has it (`solve`); else computed.
    `indices`: (participant, target) index arrays of the pairs, when the caller has them
    (`solve`: every pair is then known, and no id is looked up)."""
    checked = Checked(problem, eligibility, assignment, indices)
    out = []
    for spec in problem.validators if specs is None else specs:
        validator = get_validator(spec.name)
        params = read_parameters(spec.name, validator.schema, spec.parameters)
        out.append(validator.check(checked, params))
    return tuple(out)


def capacity_check(checked: Checked, p: Mapping[str, Any]) -> ValidationResult:
    name = "capacity_check"
    problem = checked.problem
    if checked.all_known and _counts_exact(checked):
        return _all_filled(problem)
    pairs = checked.pairs
    partial = _asked_for_partial_fill(problem)
    targets = {t.id: t for t in problem.targets}
    people = {x.id: x for x in problem.participants}
    breaches: list[str] = []
    tolerated: list[str] = []
    for (pid, tid), n in Counter(pairs).items():
        if n > 1:
            breaches.append(f"{_label(people, pid)} is on {_label(targets, tid)} {n} times")
        if pid not in people or tid not in targets:
            breaches.append(f"unknown participant or target in pair ({pid}, {tid})")
    per_target = Counter(tid for _, tid in pairs)
    for t in problem.targets:
        have, diff = per_target.get(t.id, 0), per_target.get(t.id, 0) - t.required_count
        if diff:
            text = f"{t.label} has {have} of {t.required_count} required"
            ok = abs(diff) <= p["tolerance"] or (partial and diff < 0)
            (tolerated if ok else breaches).append(text)
    cap = capacity_of(problem)
    for pid, n in Counter(pid for pid, _ in pairs).items():
        if n > cap:
            breaches.append(f"{_label(people, pid)} has {n} assignments (max {cap})")
    if breaches:
        return ValidationResult(
            name, "error" if p["strict_mode"] else "warning", False, tuple(breaches + tolerated)
        )
    if tolerated:
        return ValidationResult(name, "warning", True, tuple(tolerated))
    return _all_filled(problem)


def _all_filled(problem: Problem) -> ValidationResult:
    return ValidationResult(
        "capacity_check", "info", True, (f"all {len(problem.targets)} targets filled",)
    )


def _counts_exact(checked: Checked) -> bool:
    """No pair twice, every target at its count, nobody over the max: the counts in
    numpy (the Python pass above only words a breach)."""
    problem = checked.problem
    p, t = checked.at
    n_t = len(problem.targets)
    if np.unique(p * max(n_t, 1) + t).size != p.size:
        return False
    required = np.fromiter((x.required_count for x in problem.targets), np.int64, count=n_t)
    if not np.array_equal(np.bincount(t, minlength=n_t), required):
        return False
    return not p.size or int(np.bincount(p).max()) <= capacity_of(problem)


def _asked_for_partial_fill(problem: Problem) -> bool:
    if problem.strategy != "random_assignment":
        return False
    strategy = get_strategy(problem.strategy)
    return not read_parameters(strategy.name, strategy.schema, problem.parameters)[
        "ensure_capacity"
    ]


def availability_check(checked: Checked, p: Mapping[str, Any]) -> ValidationResult:
    name = "availability_check"
    problem = checked.problem
    people, targets = problem.participants, problem.targets
    away: list[str] = []
    if p.get("time_window"):
        override = (parse_window(p["time_window"]),)
        calendar = calendar_of(problem)
        for i, j in checked.known():
            why = unavailability_reason(schedule_of(people[i]), override, calendar)
            if why:
                away.append(f"{people[i].label} on {targets[j].label}: {why}")
    else:
        unavailable = checked.eligibility.excluded_by[UNAVAILABLE]
        for i, j in checked.flagged(unavailable):
            away.append(
                f"{people[i].label} on {targets[j].label}: {checked.reasons.unavailable(i, j)}"
            )
    clashes: list[str] = []
    if p["check_conflicts"]:
        timed: dict[int, list[int]] = {}
        for i, j in checked.flagged(_timed_pairs(problem)):
            timed.setdefault(i, []).append(j)
        for i, js in timed.items():
            windows = {j: target_windows(problem, targets[j]) for j in js}
            for k, a in enumerate(js):
                for b in js[k + 1 :]:
                    if overlap(windows[a], windows[b]):
                        clashes.append(
                            f"{people[i].label} is on {targets[a].label} and "
                            f"{targets[b].label}, which overlap"
                        )
    if away:
        return ValidationResult(name, "error", False, tuple(away + clashes))
    if clashes:
        return ValidationResult(name, "warning", False, tuple(clashes))
    has_window = p.get("time_window") or any(target_windows(problem, t) for t in targets)
    note = "everyone available" if has_window else "no time window: only absences marked"
    return ValidationResult(name, "info", True, (note,))


def skill_matching(checked: Checked, p: Mapping[str, Any]) -> ValidationResult:
    name = "skill_matching"
    problem, eligibility = checked.problem, checked.eligibility
    fallbacks = set(eligibility.fallbacks)
    missing: list[str] = []
    fell_back: list[str] = []
    for i, j in checked.flagged(eligibility.unqualified):
        text = (
            f"{problem.participants[i].label} {checked.reasons.skill(i, j)} "
            f"for {problem.targets[j].label}"
        )
        (fell_back if j in fallbacks else missing).append(text)
    if fell_back:
        how = f"fallback {eligibility.policy.fallback}: too few qualified"
        fell_back = [f"{m} ({how})" for m in fell_back]
    if not missing and not fell_back:
        return ValidationResult(name, "info", True, ("all required skills covered",))
    if not p["report_missing"]:
        counted = [f"{len(missing)} assignments lack required skills"] if missing else []
        if fell_back:
            counted.append(f"{len(fell_back)} assignments on fallback targets lack required skills")
        messages = tuple(counted)
    else:
        messages = tuple(missing + fell_back)
    if missing and p["required_match"]:
        return ValidationResult(name, "error", False, messages)
    return ValidationResult(name, "warning", True, messages)


def _timed_pairs(problem: Problem) -> np.ndarray:
    """bool P × T (a broadcast view): pairs on a target with a time window of its own
    (only they can clash)."""
    people, targets = problem.participants, problem.targets
    timed = np.fromiter((t.time_window is not None for t in targets), bool, count=len(targets))
    return np.broadcast_to(timed, (len(people), len(targets)))


def _label(items: Mapping[str, Any], key: str) -> str:
    item = items.get(key)
    return item.label if item is not None else key


_BOOL_TRUE = {"type": "boolean", "default": True}

VALIDATORS: dict[str, Validator] = {
    v.name: v
    for v in (
        Validator(
            "capacity_check",
            "Every target has its required count (± tolerance); nobody exceeds their maximum.",
            {
                "type": "object",
                "properties": {
                    "strict_mode": _BOOL_TRUE,
                    "tolerance": {"type": "integer", "minimum": 0, "default": 0},
                },
            },
            capacity_check,
        ),
        Validator(
            "availability_check",
            "Everyone assigned is available for the target's windows (its own, absolute "
            "or daily local times, else the run's), time slots read in the house's zone; "
            "with check_conflicts, nobody is on two targets whose windows overlap.",
            {
                "type": "object",
                "properties": {
                    "check_conflicts": _BOOL_TRUE,
                    "time_window": {
                        "type": ["object", "array"],
                        "description": '{"start": iso, "end": iso}; overrides every window.',
                    },
                },
            },
            availability_check,
        ),
        Validator(
            "skill_matching",
            "Everyone assigned has the share of the target's required skills the strategy "
            "asks for (all, unless skill_threshold says otherwise).",
            {
                "type": "object",
                "properties": {"required_match": _BOOL_TRUE, "report_missing": _BOOL_TRUE},
            },
            skill_matching,
        ),
    )
}


def get_validator(name: str) -> Validator:
    try:
        return VALIDATORS[name]
    except KeyError:
        raise InvalidProblem(f"unknown validator {name!r}; known: {sorted(VALIDATORS)}") from None


def describe_validators() -> list[dict[str, Any]]:
    """For `GET /api/rules/validators` (the compatible answer is just the names)."""
    return [
        {"name": v.name, "description": v.description, "parameters": v.schema}
        for v in VALIDATORS.values()
    ]
