"""The documented fair-share objective of one run, solved exactly (OR-Tools CP-SAT).

With a ledger (`Problem.prior_load`), each person's deviation after the run is

    dev_p = balance_p + load_p − share_p

- `balance_p`: the ledger's balance before the run (effort done − fair share so far);
- `load_p`: the effort of the places p gets in this run (Σ the targets' `effort`);
- `share_p`: p's fair share of this run's effort **prorated by presence**: the run's
  total effort (Σ required_count × effort) × p's presence ÷ everyone's presence, where
  presence is the part of the run's window p is not away (absences, `available: false`;
  1 without a window).

The run minimises the vector of deviations sorted from largest to smallest,
lexicographically: first the largest dev_p as small as possible, then the next largest,
and so on. Only among those optima do the strategy's other scores (rotation, skill,
preference, and its load term) choose: its objective is minimised last with the
fairness vector held.

Exact method (`refine`): starting from the flow's assignment (a convex approximation of
the same goal, `scoring.fair_share_matrix`), with N people fixed at the levels above:
take v, the incumbent's (N+1)-th largest deviation, and require "at most N people above
v" (the incumbent shows it possible); then minimise the number of people at v or above.
If that number is N or fewer, the (N+1)-th can go below v: record it and go on with the
new incumbent's lower v; otherwise v is the next level, with that many people at or
above it. Every step is a constraint the optimum keeps, and at the end the result's
sorted vector is componentwise ≤ the optimum's, hence equal to it. A count already at
its trivial lower bound (nobody's deviation goes below `balance − share`) takes no
solve, so people without a place cost nothing. With one place per person, "above v" is
the sum of the places that push the person above v — a 0-1 program the LP relaxation
nearly solves; with several, an indicator per person. Hard rules are the instance's
(the one eligibility mechanism, counts, capacity, side rules, no more repeats than the
flow needed when no-repeat was relaxed, as many places filled): the model is CP-SAT's
own (`cpsat.build_model`).

Deviations are counted in units of 1/10 000 effort point (the ledger's precision).
Bounds: above `MAX_ARCS` eligible pairs the exact method is skipped and the convex
approximation stands; every solve shares the run's time limit. Either case, and a
time limit reached between levels (the levels fixed so far hold, the rest is the best
assignment found), is said in the run's notes — hard rules hold in every case.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from time import perf_counter
from typing import Any

import numpy as np
from ortools.sat.python import cp_model

from vividshift.engine.availability import schedule_of
from vividshift.engine.cpsat import build_model
from vividshift.engine.instance import Instance
from vividshift.engine.model import Problem
from vividshift.engine.result import Method
from vividshift.engine.side import SideRule

UNITS = 10_000  # deviation units per effort point
# Above this many eligible pairs the level solves stop being house-sized (a few seconds
# at 200 × 20 = 4 000 pairs would grow past any sensible run time limit).
MAX_ARCS = 20_000


@dataclass(frozen=True)
class FairOutcome:
    inst: Instance  # the arcs `chosen` is over
    chosen: np.ndarray  # bool, A over `inst`
    method: Method | None  # the solver that chose the final assignment (None: unchanged)
    objective: int | None  # the strategy's objective at the chosen assignment
    proven: bool  # every level and the tie-break proven optimal
    note: str


def presence(problem: Problem) -> np.ndarray:
    """Per participant, the part (0–1) of the run's window they are not away."""
    window = problem.window
    out = np.ones(len(problem.participants), dtype=np.float64)
    for i, p in enumerate(problem.participants):
        schedule = schedule_of(p)
        if schedule.away:
            out[i] = 0.0
        elif window is not None and schedule.absences:
            span = (window.end - window.start).total_seconds()
            spans = sorted(
                (max(a.start, window.start), min(a.end, window.end))
                for a in schedule.absences
                if a.overlaps(window)
            )
            away, cur_s, cur_e = timedelta(), None, None
            for s, e in spans:
                if cur_e is None or s > cur_e:
                    if cur_e is not None and cur_s is not None:
                        away += cur_e - cur_s
                    cur_s, cur_e = s, e
                else:
                    cur_e = max(cur_e, e)
            if cur_e is not None and cur_s is not None:
                away += cur_e - cur_s
            out[i] = 0.0 if span <= 0 and spans else max(0.0, 1.0 - away.total_seconds() / span)
    return out


def run_shares(problem: Problem) -> np.ndarray:
    """Each participant's fair share of this run's effort, prorated by presence."""
    total = sum(t.required_count * t.effort for t in problem.targets)
    present = presence(problem)
    mass = float(present.sum())
    return present * (total / mass) if mass > 0 else np.zeros_like(present)


def start_deviations(problem: Problem) -> np.ndarray:
    """balance − share per participant, in integer units: the deviation with no place."""
    balance = np.array([float(problem.prior_load.get(p.id, 0.0)) for p in problem.participants])
    return np.rint((balance - run_shares(problem)) * UNITS).astype(np.int64)


def arc_units(problem: Problem, inst: Instance) -> np.ndarray:
    """Each arc's effort in integer units."""
    effort = np.array([t.effort for t in problem.targets], dtype=np.float64)
    return np.rint(effort[inst.arc_t] * UNITS).astype(np.int64)


def refine(
    problem: Problem,
    inst: Instance,
    start: np.ndarray,
    full_instance: Callable[[], Instance],
    pairs: int,
    rules: Sequence[SideRule],
    *,
    exact: bool,
    time_limit_s: float,
    workers: int,
    seed: int,
) -> FairOutcome:
    """The lexicographically fairest assignment (see the module docstring), starting from
    `start` over `inst` (the flow's arcs, maybe pruned); `full_instance` builds every
    eligible arc (`pairs` of them), only when the exact method runs."""
    if pairs > MAX_ARCS:
        return FairOutcome(
            inst,
            start,
            None,
            None,
            False,
            f"fair share: {pairs} eligible pairs exceed {MAX_ARCS}; the exact "
            "lexicographic objective was skipped and its convex approximation planned the run",
        )
    full = full_instance()
    return _lexicographic(
        problem,
        full,
        rules,
        on_arcs(inst, start, full),
        exact=exact,
        time_limit_s=time_limit_s,
        workers=workers,
        seed=seed,
    )


def _lexicographic(
    problem: Problem,
    inst: Instance,
    rules: Sequence[SideRule],
    start: np.ndarray,
    *,
    exact: bool,
    time_limit_s: float,
    workers: int,
    seed: int,
) -> FairOutcome:
    deadline = perf_counter() + time_limit_s
    model, x = build_model(inst, rules, exact=exact)
    tie_break = cp_model.CpModel()
    tie_break.proto.objective.copy_from(model.proto.objective)
    model.clear_objective()
    _hold_start(model, x, inst, start)
    search = _Search(
        model,
        x,
        inst,
        start_deviations(problem),
        arc_units(problem, inst),
        start.astype(int).tolist(),
        deadline,
        workers,
        seed,
    )
    levels, levels_proven = _fix_levels(search)
    objective, tie_proven = search.tie_break(tie_break)  # also after a level's time-out
    proven = levels_proven and tie_proven
    chosen = np.asarray(search.values, dtype=bool)
    worst = float(search.deviations().max(initial=0)) / UNITS if len(search.base) else 0.0
    return FairOutcome(inst, chosen, "cp_sat", objective, proven, _note(proven, levels, worst))


class _Search:
    """The level search's state: the model with its place variables, the incumbent's
    values, and the time left of the run's limit."""

    def __init__(
        self,
        model: cp_model.CpModel,
        x: list[Any],
        inst: Instance,
        base: np.ndarray,
        units: np.ndarray,
        values: list[int],
        deadline: float,
        workers: int,
        seed: int,
    ) -> None:
        self.model, self.x, self.inst = model, x, inst
        self.base, self.units, self.values = base, units, values
        self.deadline, self.workers, self.seed = deadline, workers, seed
        arcs_of: list[list[int]] = [[] for _ in range(len(base))]
        for a, p in enumerate(inst.arc_p.tolist()):
            arcs_of[p].append(a)
        self.devs = _Deviations(model, x, base, units, arcs_of, inst.capacity)

    def time_left(self) -> float:
        return self.deadline - perf_counter()

    def deviations(self) -> np.ndarray:
        """Each person's deviation (units) with the incumbent."""
        load = np.zeros(len(self.base), dtype=np.int64)
        np.add.at(load, self.inst.arc_p, self.units * np.asarray(self.values, dtype=np.int64))
        return self.base + load

    def improve(self, objective: Any) -> tuple[bool, bool]:
        """(found, proven) for `objective`, hinted with the incumbent (kept if found)."""
        self.model.minimize(objective)
        _, code = self._solve()
        return code in _FOUND, code == cp_model.OPTIMAL

    def tie_break(self, objective_of: cp_model.CpModel) -> tuple[int | None, bool]:
        """The strategy's own objective, last, with every level held: (value, proven)."""
        if self.time_left() <= 0:
            return None, False
        self.model.proto.objective.copy_from(objective_of.proto.objective)
        solver, code = self._solve()
        if code not in _FOUND:
            return None, False
        return int(round(solver.objective_value)), code == cp_model.OPTIMAL

    def _solve(self) -> tuple[cp_model.CpSolver, Any]:
        """Solve within the time left, hinted with the incumbent; a solution found
        becomes the incumbent."""
        _hint(self.model, self.x, self.values)
        solver = _solver(self.time_left(), self.workers, self.seed)
        code = solver.solve(self.model)
        if code in _FOUND:
            self.values = _read(solver, self.x)
        return solver, code


_FOUND = (cp_model.OPTIMAL, cp_model.FEASIBLE)


def _fix_levels(search: _Search) -> tuple[int, bool]:
    """Fix the levels of the sorted deviation vector from the top (the module's method):
    (levels fixed, every one proven before the time limit)."""
    above = 0  # people fixed at higher levels
    levels = 0
    people = len(search.base)
    while above < people:
        if search.time_left() <= 0:
            return levels, False
        # v: the incumbent's (above+1)-th largest deviation, so the optimum's is at most v.
        now = search.deviations()
        v = int(np.sort(now)[::-1][above])
        search.devs.at_most_above(v, above)
        # As few people at v or above as possible; `above` or fewer: the (above+1)-th
        # goes below v and the next step tries lower.
        count = int((now >= v).sum())
        if count > max(above, int((search.base >= v).sum())):
            found, ok = search.improve(cp_model.LinearExpr.sum(search.devs.flags_above(v - 1)))
            if not found or not ok:
                return levels, False
            count = int((search.deviations() >= v).sum())
        search.devs.at_most_above(v - 1, count)
        if count > above:
            above = count
            levels += 1
    return levels, True


def _note(proven: bool, levels: int, worst: float) -> str:
    if proven:
        return (
            f"fair share: lexicographic objective proven optimal ({levels} levels; "
            f"largest load − share after the run {worst:+.2f})"
        )
    return (
        f"fair share: time limit reached after {levels} proven levels of the "
        f"lexicographic objective; the best assignment found stands "
        f"(largest load − share after the run {worst:+.2f})"
    )


def _hold_start(model: cp_model.CpModel, x: list[Any], inst: Instance, start: np.ndarray) -> None:
    """What the start solved before fairness keeps its value: as many places filled (a
    partial fill maximises it) and no more repeat weight (when no-repeat was relaxed)."""
    model.add(cp_model.LinearExpr.sum(x) >= int(start.sum()))
    if inst.relaxed and inst.arc_repeat.any():
        weights = inst.arc_repeat.astype(np.int64)
        used = int(weights[start].sum())
        arcs = np.nonzero(weights)[0].tolist()
        model.add(
            cp_model.LinearExpr.weighted_sum([x[a] for a in arcs], [int(weights[a]) for a in arcs])
            <= used
        )


@dataclass(frozen=True)
class _Deviations:
    """Each person's deviation as a linear expression of the arcs, and the counts of
    people above a level that the levels constrain."""

    model: cp_model.CpModel
    x: list[Any]
    base: np.ndarray  # int64 P: deviation with no place
    units: np.ndarray  # int64 A: effort of each arc
    arcs_of: list[list[int]]
    capacity: np.ndarray  # int64 P

    def flags_above(self, bound: int) -> list[Any]:
        """Per person who might end above `bound`, a 0/1 term that is 1 when they do (1
        for whoever is above it with no place)."""
        flags: list[Any] = []
        for p, arcs in enumerate(self.arcs_of):
            base = int(self.base[p])
            if base > bound:
                flags.append(1)
                continue
            if not arcs or base + int(self.units[arcs].sum()) <= bound:
                continue
            over = [self.x[a] for a in arcs if base + int(self.units[a]) > bound]
            if int(self.capacity[p]) == 1:
                # One place at most: the person is above exactly when one of the places
                # that push them above is theirs; that sum is the flag (no new variable).
                flags.append(cp_model.LinearExpr.sum(over))
                continue
            flag = self.model.new_bool_var("")
            # Places that alone push the person above: implications the LP sees.
            for var in over:
                self.model.add_implication(var, flag)
            load = cp_model.LinearExpr.weighted_sum(
                [self.x[a] for a in arcs], [int(self.units[a]) for a in arcs]
            )
            self.model.add(load <= bound - base).only_enforce_if(flag.Not())
            flags.append(flag)
        return flags

    def at_most_above(self, bound: int, n: int) -> None:
        """At most `n` people with a deviation above `bound`."""
        flags = self.flags_above(bound)
        fixed = sum(1 for f in flags if isinstance(f, int))
        variable = [f for f in flags if not isinstance(f, int)]
        if variable:
            self.model.add(cp_model.LinearExpr.sum(variable) <= n - fixed)


def _hint(model: cp_model.CpModel, x: list[Any], values: list[int]) -> None:
    """Hint every place with the incumbent, written to the proto in bulk."""
    model.clear_hints()
    model.proto.solution_hint.vars.extend(v.index for v in x)
    model.proto.solution_hint.values.extend(values)


def _read(solver: cp_model.CpSolver, x: list[Any]) -> list[int]:
    """The places' values, read from the response at once."""
    solution = solver.response_proto.solution
    return [int(solution[v.index]) for v in x]


def _solver(time_s: float, workers: int, seed: int) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.01, float(time_s))
    solver.parameters.num_workers = max(1, int(workers))
    solver.parameters.random_seed = int(seed) % (2**31)
    # The count models are 0-1 programs the LP nearly solves: full linearisation finds
    # and proves their optimum far faster (50 × 10: 3.6 s → 0.05 s a level); symmetry
    # detection costs more than it saves.
    solver.parameters.linearization_level = 2
    solver.parameters.symmetry_level = 0
    return solver


def on_arcs(source: Instance, chosen: np.ndarray, target: Instance) -> np.ndarray:
    """`chosen` (over `source`'s arcs) as a mask over `target`'s arcs (a superset)."""
    n_t = max(target.n_targets, 1)
    picked = source.arc_p[chosen] * n_t + source.arc_t[chosen]
    return np.isin(target.arc_p * n_t + target.arc_t, picked)
