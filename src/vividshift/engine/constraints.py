"""Constraints a run must respect, and their API names.

Two families, because they solve differently:
- *flow-compatible* rules only decide which (participant, target) pairs are allowed
  or bound a participant's load: `MaxAssignments`, `GroupExclusion`, `NoRepeat`.
  They keep the problem a min-cost flow, solved exactly in milliseconds.
- *side constraints* couple several pairs: `Separate`, `Together`, `Quota`,
  `TargetSetLimit`. Their presence sends the run to CP-SAT.

API shape: `{"name": ..., "constraint_type": ..., "parameters": {...}}`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from vividshift.engine.errors import InvalidProblem


@dataclass(frozen=True)
class MaxAssignments:
    """Each participant gets at most `max` targets (API: max_assignments_per_participant)."""

    max: int = 1


@dataclass(frozen=True)
class GroupExclusion:
    """Participants of `group` (their `group` / metadata.group) never do `targets`."""

    group: str
    targets: frozenset[str]


@dataclass(frozen=True)
class NoRepeat:
    """Nobody gets a target they did in their last `window` runs.

    `per_target` overrides the window for some targets (the lodge: {"Toilet B": 1}).
    The rule is hard. If no assignment satisfies it and `relax_if_infeasible`, the
    engine re-solves with every repeat allowed at a cost that outweighs all other
    costs together (a repeat from the latest run costing more than an older one), so
    the fewest, oldest repeats are made; the result lists them under `relaxations`.
    """

    window: int = 2
    per_target: Mapping[str, int] = field(default_factory=dict)
    relax_if_infeasible: bool = True


@dataclass(frozen=True)
class Separate:
    """No two of `participants` share a target (must not be together)."""

    participants: frozenset[str]


@dataclass(frozen=True)
class Together:
    """`participants` are on exactly the same targets (must be together)."""

    participants: frozenset[str]


@dataclass(frozen=True)
class Quota:
    """Between `min` and `max` of `target`'s people are in `group` / have `skill`."""

    target: str
    min: int = 0
    max: int | None = None
    group: str | None = None
    skill: str | None = None


@dataclass(frozen=True)
class TargetSetLimit:
    """Each participant gets at most `max` of `targets` (e.g. overlapping shifts)."""

    targets: frozenset[str]
    max: int = 1


Constraint = (
    MaxAssignments | GroupExclusion | NoRepeat | Separate | Together | Quota | TargetSetLimit
)
SIDE_CONSTRAINTS = (Separate, Together, Quota, TargetSetLimit)

_STR_SET = {"type": "array", "items": {"type": "string"}, "minItems": 1}
_COUNT = {"type": "integer", "minimum": 0}

CONSTRAINT_SCHEMAS: dict[str, dict[str, Any]] = {
    "max_assignments_per_participant": {
        "constraint_type": "limit",
        "description": "Each participant gets at most `max` targets (default 1).",
        "parameters": {
            "type": "object",
            "properties": {"max": {"type": "integer", "minimum": 1}},
            "required": ["max"],
        },
    },
    "group_exclusion": {
        "constraint_type": "exclusion",
        "description": "Participants whose metadata.group is `group` never do `targets`.",
        "parameters": {
            "type": "object",
            "properties": {"group": {"type": "string"}, "targets": _STR_SET},
            "required": ["group", "targets"],
        },
    },
    "no_repeat": {
        "constraint_type": "history",
        "description": "Nobody repeats a target from their last `window` runs "
        "(hard; relaxed to the fewest, oldest repeats only when infeasible).",
        "parameters": {
            "type": "object",
            "properties": {
                "window": _COUNT,
                "per_target": {"type": "object", "additionalProperties": _COUNT},
                "relax_if_infeasible": {"type": "boolean", "default": True},
            },
        },
    },
    "must_not_be_together": {
        "constraint_type": "pair",
        "description": "No two of `participants` share a target.",
        "parameters": {
            "type": "object",
            "properties": {"participants": _STR_SET},
            "required": ["participants"],
        },
    },
    "must_be_together": {
        "constraint_type": "pair",
        "description": "`participants` get exactly the same targets.",
        "parameters": {
            "type": "object",
            "properties": {"participants": _STR_SET},
            "required": ["participants"],
        },
    },
    "target_quota": {
        "constraint_type": "quota",
        "description": "Between `min` and `max` of a target's people are in `group` "
        "or have `skill`.",
        "parameters": {
            "type": "object",
            "properties": {
                "target": {"type": "string"},
                "group": {"type": "string"},
                "skill": {"type": "string"},
                "min": _COUNT,
                "max": _COUNT,
            },
            "required": ["target"],
        },
    },
    "target_set_limit": {
        "constraint_type": "limit",
        "description": "Each participant gets at most `max` of `targets`.",
        "parameters": {
            "type": "object",
            "properties": {"targets": _STR_SET, "max": {"type": "integer", "minimum": 0}},
            "required": ["targets"],
        },
    },
}


def parse_constraint(raw: Mapping[str, Any]) -> Constraint:
    """API constraint object → dataclass; raises InvalidProblem naming what is wrong."""
    name = str(raw.get("name", ""))
    p = dict(raw.get("parameters") or {})
    try:
        if name in ("max_assignments_per_participant", "max_assignments"):
            return MaxAssignments(max=_positive(p["max"], "max"))
        if name == "group_exclusion":
            return GroupExclusion(str(p["group"]), _ids(p["targets"]))
        if name == "no_repeat":
            per = {str(k): _count(v, "per_target") for k, v in (p.get("per_target") or {}).items()}
            return NoRepeat(
                window=_count(p.get("window", 2), "window"),
                per_target=per,
                relax_if_infeasible=bool(p.get("relax_if_infeasible", True)),
            )
        if name == "must_not_be_together":
            return Separate(_ids(p["participants"]))
        if name == "must_be_together":
            return Together(_ids(p["participants"]))
        if name == "target_quota":
            return Quota(
                target=str(p["target"]),
                min=_count(p.get("min", 0), "min"),
                max=None if p.get("max") is None else _count(p["max"], "max"),
                group=None if p.get("group") is None else str(p["group"]),
                skill=None if p.get("skill") is None else str(p["skill"]),
            )
        if name == "target_set_limit":
            return TargetSetLimit(_ids(p["targets"]), _count(p.get("max", 1), "max"))
    except KeyError as missing:
        raise InvalidProblem(f"constraint {name!r}: missing parameter {missing}") from None
    except (TypeError, AttributeError):
        raise InvalidProblem(f"constraint {name!r}: parameters of the wrong shape") from None
    raise InvalidProblem(f"unknown constraint {name!r}; known: {sorted(CONSTRAINT_SCHEMAS)}")


def _ids(value: Any) -> frozenset[str]:
    if isinstance(value, str) or not value:
        raise InvalidProblem("expected a non-empty list of ids")
    return frozenset(str(v) for v in value)


def _count(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidProblem(f"{what} must be an integer >= 0, got {value!r}")
    return value


def _positive(value: Any, what: str) -> int:
    if _count(value, what) < 1:
        raise InvalidProblem(f"{what} must be >= 1, got {value!r}")
    return int(value)
