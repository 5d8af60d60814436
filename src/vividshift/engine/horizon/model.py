"""The horizon's input and output: turns, people's prior load, the plan and its report."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from vividshift.engine.constraints import (
    GroupExclusion,
    MaxAssignments,
    NoRepeat,
    Separate,
)
from vividshift.engine.errors import InvalidProblem
from vividshift.engine.history import History
from vividshift.engine.model import Problem, RunWindow

HorizonStatus = Literal["optimal", "feasible"]


SUPPORTED = (MaxAssignments, GroupExclusion, NoRepeat, Separate)


class HorizonInfeasible(Exception):
    """No plan keeps every hard rule; `details` says where."""

    def __init__(self, message: str, details: Mapping[str, Any]) -> None:
        super().__init__(message)
        self.details = dict(details)


class HorizonTimeout(Exception):
    """No plan found within the time limit."""


@dataclass(frozen=True)
class PriorLoad:
    """Effort a person did before the horizon, and the days they were present for it."""

    effort: float
    present_days: float


@dataclass(frozen=True)
class Horizon:
    """K turns of one rota. `base` holds people, targets, rules and zone (its window and
    history are ignored); `previous` are the turns before the horizon, most recent
    first, each participant → targets; `published`/`pinned` (re-planning) are per turn
    (participant, target) pairs."""

    base: Problem
    turns: tuple[RunWindow, ...]
    previous: tuple[Mapping[str, frozenset[str]], ...] = ()
    prior: Mapping[str, PriorLoad] = field(default_factory=dict)
    published: tuple[frozenset[tuple[str, str]], ...] | None = None
    pinned: tuple[frozenset[tuple[str, str]], ...] = ()

    def __post_init__(self) -> None:
        if not self.turns:
            raise InvalidProblem("a horizon needs at least one turn")
        for given, name in ((self.published, "published"), (self.pinned or None, "pinned")):
            if given is not None and len(given) != len(self.turns):
                raise InvalidProblem(f"{name} must hold one entry per turn")
        unsupported = {
            type(c).__name__ for c in self.base.constraints if not isinstance(c, SUPPORTED)
        }
        if unsupported:
            raise InvalidProblem(
                "the horizon planner supports max_assignments, group exclusions, no-repeat "
                f"and must-not-be-together; not {sorted(unsupported)}"
            )


@dataclass(frozen=True)
class HorizonResult:
    """A plan: per turn, the (participant, target) pairs, with how fair and how proven."""

    status: HorizonStatus
    turns: tuple[tuple[tuple[str, str], ...], ...]
    repeats: int
    load: Mapping[str, float]  # effort in the horizon
    count: Mapping[str, int]  # places in the horizon
    share: Mapping[str, float]  # presence-prorated fair share of the horizon
    balance: Mapping[str, float]  # load before the horizon beyond its prorated share
    present_turns: Mapping[str, int]
    max_deviation: float
    changes: int | None  # re-planning: published places whose person leaves
    changes_proven: bool  # the changes are the proven minimum
    bound: float | None  # the last phase's best bound
    gap: float  # relative gap of the last phase (0 when proven)
    variables: int
    wall_s: float
    phases: tuple[dict[str, Any], ...]


def turn_problem(base: Problem, window: RunWindow) -> Problem:
    """The base problem as one turn: that window, no history (the horizon owns repeats)."""
    return replace(base, window=window, history=History())
