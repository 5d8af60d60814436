"""The same instance plus side constraints, solved by OR-Tools CP-SAT.

Used only when side constraints break the flow structure (or when asked, to
cross-check the flow). The objective is the flow's, term for term; the status says
whether optimality was proven within the time limit.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from ortools.sat.python import cp_model

from vividshift.engine.flow import SolverError
from vividshift.engine.instance import Instance
from vividshift.engine.side import SideRule

CpStatus = Literal["optimal", "feasible", "infeasible", "timeout"]


@dataclass(frozen=True)
class CpOutcome:
    status: CpStatus
    chosen: np.ndarray  # bool, A (all False unless a solution was found)
    objective: int | None
    conflicts: tuple[str, ...] = ()  # labels of side rules in an infeasibility core


def solve_cp_sat(
    inst: Instance,
    rules: Sequence[SideRule],
    *,
    time_limit_s: float,
    workers: int,
    seed: int,
    exact: bool = True,
    hint: np.ndarray | None = None,
    work_limit: float | None = None,
) -> CpOutcome:
    """Optimise; with one worker CP-SAT is deterministic for a given seed.

    `work_limit`: also stop after this much deterministic time (CP-SAT's measure of
    work done, the same on any machine), for budgets that do not depend on load."""
    model, x = _build(inst, rules, exact=exact, guarded=False)
    if hint is not None:
        for var, value in zip(x, hint.tolist(), strict=True):
            model.add_hint(var, value)
    solver = _solver(time_limit_s, workers, seed)
    if work_limit is not None:
        solver.parameters.max_deterministic_time = float(work_limit)
    code = solver.solve(model)
    status = _status(code)
    if status in ("optimal", "feasible"):
        chosen = np.array([solver.boolean_value(v) for v in x], dtype=bool)
        return CpOutcome(status, chosen, int(round(solver.objective_value)))
    empty = np.zeros(len(x), dtype=bool)
    if status == "infeasible" and rules:
        return CpOutcome(status, empty, None, _core(inst, rules, time_limit_s, seed, exact))
    return CpOutcome(status, empty, None)


def build_model(
    inst: Instance, rules: Sequence[SideRule], *, exact: bool
) -> tuple[cp_model.CpModel, list[cp_model.IntVar]]:
    """The model `solve_cp_sat` solves (hard rules and its objective), one boolean per arc,
    for callers that add objectives of their own (`fair_objective`)."""
    return _build(inst, rules, exact=exact, guarded=False)


def _core(
    inst: Instance, rules: Sequence[SideRule], time_limit_s: float, seed: int, exact: bool
) -> tuple[str, ...]:
    """Side rules that cannot all hold, from an assumption core (single worker)."""
    model, _ = _build(inst, rules, exact=exact, guarded=True)
    guards = list(model.proto.assumptions)
    solver = _solver(time_limit_s, 1, seed)
    if solver.solve(model) != cp_model.INFEASIBLE:
        return ()
    core = set(solver.sufficient_assumptions_for_infeasibility())
    return tuple(rule.label for rule, g in zip(rules, guards, strict=True) if g in core)


def _build(
    inst: Instance, rules: Sequence[SideRule], *, exact: bool, guarded: bool
) -> tuple[cp_model.CpModel, list[cp_model.IntVar]]:
    model = cp_model.CpModel()
    a_p, a_t = inst.arc_p.tolist(), inst.arc_t.tolist()
    x = [model.new_bool_var(f"x{a}") for a in range(len(a_p))]
    by_target: list[list[int]] = [[] for _ in range(inst.n_targets)]
    by_person: list[list[int]] = [[] for _ in range(inst.n_participants)]
    arc_of: dict[tuple[int, int], int] = {}
    for a, (p, t) in enumerate(zip(a_p, a_t, strict=True)):
        by_target[t].append(a)
        by_person[p].append(a)
        arc_of[(p, t)] = a

    terms = [(x[a], int(c)) for a, c in enumerate(inst.arc_cost.tolist())]
    unfilled_penalty = 1 + inst.total_required * (
        int(inst.arc_cost.max(initial=0)) + int(inst.load_cost.max(initial=0))
    )
    for t, arcs in enumerate(by_target):
        filled = sum(x[a] for a in arcs)
        need = int(inst.required[t])
        if exact:
            model.add(filled == need)
        else:
            model.add(filled <= need)
            terms.append((need - filled, unfilled_penalty))  # type: ignore[arg-type]
    for p, arcs in enumerate(by_person):
        cap = int(inst.capacity[p])
        load = sum(x[a] for a in arcs)
        model.add(load <= cap)
        if not arcs or cap == 0:
            continue
        if cap == 1:
            terms.extend((x[a], int(inst.load_cost[p, 0])) for a in arcs)
            continue
        steps = [model.new_bool_var(f"y{p}_{k}") for k in range(cap)]
        model.add(sum(steps) == load)
        for k in range(cap - 1):
            model.add_implication(steps[k + 1], steps[k])
        terms.extend((steps[k], int(inst.load_cost[p, k])) for k in range(cap))
    model.minimize(sum(c * v for v, c in terms if c))

    zero = model.new_constant(0)

    def var(p: int, t: int) -> cp_model.IntVar:
        a = arc_of.get((p, t))
        return zero if a is None else x[a]

    for rule in rules:
        guard = model.new_bool_var(rule.label) if guarded else None
        for ct in _rule_constraints(model, rule, inst, by_target, var):
            if guard is not None:
                ct.only_enforce_if(guard)
        if guard is not None:
            model.add_assumption(guard)
    return model, x


def _rule_constraints(
    model: cp_model.CpModel,
    rule: SideRule,
    inst: Instance,
    by_target: list[list[int]],
    var: Callable[[int, int], cp_model.IntVar],
) -> Iterator[cp_model.Constraint]:
    if rule.kind == "separate":
        for t in range(inst.n_targets):
            yield model.add(sum(var(p, t) for p in rule.people) <= 1)
    elif rule.kind == "together":
        for t in range(inst.n_targets):
            for a, b in itertools.pairwise(rule.people):
                yield model.add(var(a, t) == var(b, t))
    elif rule.kind == "quota":
        (t,) = rule.targets
        count = sum(var(p, t) for p in rule.people)
        yield model.add(count >= rule.low)
        if rule.high is not None:
            yield model.add(count <= rule.high)
    elif rule.kind == "set_limit":
        people = {int(inst.arc_p[a]) for t in rule.targets for a in by_target[t]}
        for p in sorted(people):
            yield model.add(sum(var(p, t) for t in rule.targets) <= (rule.high or 0))


def _solver(time_limit_s: float, workers: int, seed: int) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = float(time_limit_s)
    solver.parameters.num_workers = max(1, int(workers))
    solver.parameters.random_seed = int(seed) % (2**31)
    return solver


def _status(code: Any) -> CpStatus:
    if code == cp_model.OPTIMAL:
        return "optimal"
    if code == cp_model.FEASIBLE:
        return "feasible"
    if code == cp_model.INFEASIBLE:
        return "infeasible"
    if code == cp_model.UNKNOWN:
        return "timeout"
    raise SolverError(f"CP-SAT rejected the model (status {code})")
