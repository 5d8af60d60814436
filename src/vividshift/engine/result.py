"""The engine's output: an assignment with scores, validation, status and timings."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from functools import cached_property
from typing import Any, Literal

from vividshift.engine.explain import Shortage

Status = Literal["optimal", "feasible", "infeasible", "timeout"]
Method = Literal["min_cost_flow", "cp_sat"]
Severity = Literal["error", "warning", "info"]


@dataclass(frozen=True)
class PairScore:
    """Component scores in 0–1 (higher is better); `total` is their weighted mean."""

    rotation: float
    balance: float
    skill: float
    preference: float
    total: float

    def to_dict(self) -> dict[str, float]:
        return {k: round(v, 4) for k, v in asdict(self).items()}


@dataclass(frozen=True)
class Placement:
    """One participant on one target; `position` is 1-based within the target."""

    participant_id: str
    target_id: str
    position: int
    score: PairScore

    @property
    def confidence(self) -> float:
        return self.score.total


def placements_of(
    participant_ids: Iterable[str],
    target_ids: Iterable[str],
    positions: Iterable[int],
    *score_columns: Iterable[float],
) -> tuple[Placement, ...]:
    """Placements from columns (scores in `PairScore`'s field order), built in bulk.

    A frozen dataclass' `__init__` sets each field through `object.__setattr__`; with
    thousands of placements per run that was half of building them. Filling each new
    instance's `__dict__` directly gives the very same objects (equal, same hash) —
    nothing is validated in either `__init__`, so nothing is skipped."""
    new = object.__new__
    out = []
    for pid, tid, position, rotation, balance, skill, preference, total in zip(
        participant_ids, target_ids, positions, *score_columns, strict=True
    ):
        score = new(PairScore)
        score.__dict__.update(
            rotation=rotation, balance=balance, skill=skill, preference=preference, total=total
        )
        placement = new(Placement)
        placement.__dict__.update(participant_id=pid, target_id=tid, position=position, score=score)
        out.append(placement)
    return tuple(out)


_Columns = tuple[
    list[str], list[str], list[int], list[float], list[float], list[float], list[float], list[float]
]


@dataclass(frozen=True)
class PlacementColumns:
    """The placements as columns (row i is one placement, scores in `PairScore`'s field
    order): what `solve` produces. Code that stores or sends a run reads these; the
    `Placement` objects (~1 µs each) are built only when asked for."""

    participant_ids: list[str]
    target_ids: list[str]
    positions: list[int]
    rotation: list[float]
    balance: list[float]
    skill: list[float]
    preference: list[float]
    total: list[float]

    def __len__(self) -> int:
        return len(self.participant_ids)

    def rows(self) -> Iterator[tuple[str, str, int, float, float, float, float, float]]:
        """(participant id, target id, position, rotation, balance, skill, preference,
        total) of each placement, in order."""
        return zip(*self._in_order(), strict=True)

    def placements(self) -> tuple[Placement, ...]:
        return placements_of(*self._in_order())

    def _in_order(self) -> _Columns:
        return (
            self.participant_ids,
            self.target_ids,
            self.positions,
            self.rotation,
            self.balance,
            self.skill,
            self.preference,
            self.total,
        )


@dataclass(frozen=True)
class ValidationResult:
    """Outcome of one validator, shaped for `metadata.validation_results`.

    `to_dict` also carries the predecessor's keys (`rule_name`, `message`) so its
    clients keep reading results."""

    validator: str
    severity: Severity
    passed: bool
    messages: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "validator": self.validator,
            "rule_name": self.validator,
            "severity": self.severity,
            "passed": self.passed,
            "messages": list(self.messages),
            "message": "; ".join(self.messages) or ("ok" if self.passed else "failed"),
        }


@dataclass(frozen=True)
class Timings:
    prepare_ms: float  # scores, eligibility, costs, arcs
    solve_ms: float  # solver calls, including a relaxation re-solve
    validate_ms: float
    total_ms: float


@dataclass(frozen=True)
class SolveResult:
    """`status`: optimal (proven), feasible (valid, optimality not proven — CP-SAT hit its
    time limit), infeasible (only with ensure_capacity=false: `assignments` is the largest
    partial one and `shortages` say what is missing), timeout (no solution in time).
    `objective` is the integer cost the solver minimised (scores × 1000, plus the
    documented no-repeat penalty when `relaxations` is not empty). `fallbacks`: ids of
    the targets whose skill rule gave way to skill_based's `fallback_strategy`.
    """

    status: Status
    method: Method
    optimality_proven: bool
    strategy: str
    parameters: Mapping[str, Any]
    seed: int
    columns: PlacementColumns  # the placements; `assignments` as objects
    objective: int | None
    validation: tuple[ValidationResult, ...] = ()
    relaxations: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    shortages: tuple[Shortage, ...] = ()
    fallbacks: tuple[str, ...] = ()
    timings: Timings = field(default_factory=lambda: Timings(0.0, 0.0, 0.0, 0.0))

    @cached_property
    def assignments(self) -> tuple[Placement, ...]:
        """The placements, ordered by target, best total score first (built on first use)."""
        return self.columns.placements()

    def by_target(self) -> dict[str, list[str]]:
        """target id → participant ids in position order."""
        out: dict[str, list[str]] = {}
        for a in sorted(self.assignments, key=lambda a: (a.target_id, a.position)):
            out.setdefault(a.target_id, []).append(a.participant_id)
        return out

    def metadata(self) -> dict[str, Any]:
        """The run's `assignments.metadata` (compatible keys first)."""
        out: dict[str, Any] = {
            "attempts": 1,
            "execution_time_ms": round(self.timings.total_ms),
            "execution_time_ms_precise": round(self.timings.total_ms, 3),
            "strategy_parameters": dict(self.parameters),
            "validation_results": [v.to_dict() for v in self.validation],
            "solver": {
                "status": self.status,
                "method": self.method,
                "optimality_proven": self.optimality_proven,
                "objective": self.objective,
                "seed": self.seed,
                "timings_ms": asdict(self.timings),
            },
            "relaxations": list(self.relaxations),
            "notes": list(self.notes),
            "shortages": [s.to_dict() for s in self.shortages],
        }
        if self.fallbacks:
            strategy = self.parameters.get("fallback_strategy")
            out["fallback"] = {"strategy": strategy, "targets": list(self.fallbacks)}
        return out
