"""Validators: run on any assignment (generated or edited), one structured result each.

Severity: `error` — the assignment breaks a hard rule; `warning` — it is usable but
someone should look (a soft breach, or a breach the parameters tolerate); `info` —
nothing to report. `passed` is False exactly when the validator found a breach it is
configured to reject.

- capacity_check (strict_mode=true, tolerance=0): a count off by more than
  `tolerance`, a participant over their maximum, a duplicate or unknown pair →
  error (warning when not strict_mode), not passed; counts off within tolerance →
  warning, passed; all exact → info.
- availability_check (check_conflicts=true, time_window=none): someone unavailable
  in the window (`time_window` overrides the target's and the run's) → error;
  someone on two targets whose own windows overlap → warning, not passed; else info.
- skill_matching (required_match=true, report_missing=true): someone lacking a
  required skill → error (warning and passed when not required_match), listing the
  missing skills when report_missing; else info.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from vividshift.engine.availability import unavailability_reason
from vividshift.engine.eligibility import capacity_of
from vividshift.engine.model import Problem, ValidatorSpec, parse_window
from vividshift.engine.params import read_parameters
from vividshift.engine.result import Placement, ValidationResult

Pairs = Sequence[tuple[str, str]]
Check = Callable[[Problem, Pairs, Mapping[str, Any]], ValidationResult]


@dataclass(frozen=True)
class Validator:
    name: str
    description: str
    schema: dict[str, Any]
    check: Check


def validate_assignment(
    problem: Problem,
    assignment: Iterable[tuple[str, str]] | Iterable[Placement],
    specs: Sequence[ValidatorSpec] | None = None,
) -> tuple[ValidationResult, ...]:
    """Run `specs` (default: the problem's validators) on (participant, target) pairs."""
    pairs: list[tuple[str, str]] = [
        (a.participant_id, a.target_id) if isinstance(a, Placement) else (a[0], a[1])
        for a in assignment
    ]
    out = []
    for spec in problem.validators if specs is None else specs:
        validator = get_validator(spec.name)
        params = read_parameters(spec.name, validator.schema, spec.parameters)
        out.append(validator.check(problem, pairs, params))
    return tuple(out)


def capacity_check(problem: Problem, pairs: Pairs, p: Mapping[str, Any]) -> ValidationResult:
    name = "capacity_check"
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
            (breaches if abs(diff) > p["tolerance"] else tolerated).append(text)
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
    return ValidationResult(name, "info", True, (f"all {len(problem.targets)} targets filled",))


def availability_check(problem: Problem, pairs: Pairs, p: Mapping[str, Any]) -> ValidationResult:
    name = "availability_check"
    targets = {t.id: t for t in problem.targets}
    people = {x.id: x for x in problem.participants}
    override = parse_window(p["time_window"]) if p.get("time_window") else None
    away: list[str] = []
    for pid, tid in pairs:
        if pid not in people or tid not in targets:
            continue
        window = override or targets[tid].time_window or problem.window
        why = unavailability_reason(people[pid], window)
        if why:
            away.append(f"{people[pid].label} on {targets[tid].label}: {why}")
    clashes: list[str] = []
    if p["check_conflicts"]:
        timed: dict[str, list[str]] = {}
        for pid, tid in pairs:
            if tid in targets and targets[tid].time_window is not None:
                timed.setdefault(pid, []).append(tid)
        for pid, tids in timed.items():
            for i, a in enumerate(tids):
                for b in tids[i + 1 :]:
                    wa, wb = targets[a].time_window, targets[b].time_window
                    if wa is not None and wb is not None and wa.overlaps(wb):
                        clashes.append(
                            f"{_label(people, pid)} is on {targets[a].label} and "
                            f"{targets[b].label}, which overlap"
                        )
    if away:
        return ValidationResult(name, "error", False, tuple(away + clashes))
    if clashes:
        return ValidationResult(name, "warning", False, tuple(clashes))
    has_window = override or problem.window or any(t.time_window for t in problem.targets)
    note = "everyone available" if has_window else "no time window: only absences marked"
    return ValidationResult(name, "info", True, (note,))


def skill_matching(problem: Problem, pairs: Pairs, p: Mapping[str, Any]) -> ValidationResult:
    name = "skill_matching"
    targets = {t.id: t for t in problem.targets}
    people = {x.id: x for x in problem.participants}
    missing: list[str] = []
    for pid, tid in pairs:
        if pid not in people or tid not in targets:
            continue
        lacks = sorted(targets[tid].required_skills - people[pid].skills)
        if lacks:
            missing.append(f"{people[pid].label} lacks {', '.join(lacks)} for {targets[tid].label}")
    if not missing:
        return ValidationResult(name, "info", True, ("all required skills covered",))
    messages = (
        tuple(missing)
        if p["report_missing"]
        else (f"{len(missing)} assignments lack required skills",)
    )
    if p["required_match"]:
        return ValidationResult(name, "error", False, messages)
    return ValidationResult(name, "warning", True, messages)


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
            "Everyone assigned is available in the run's (or target's) window; with "
            "check_conflicts, nobody is on two targets whose windows overlap.",
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
            "Everyone assigned has the target's required skills.",
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
        raise ValueError(f"unknown validator {name!r}; known: {sorted(VALIDATORS)}") from None


def describe_validators() -> list[dict[str, Any]]:
    """For `GET /api/rules/validators` (the compatible answer is just the names)."""
    return [
        {"name": v.name, "description": v.description, "parameters": v.schema}
        for v in VALIDATORS.values()
    ]
