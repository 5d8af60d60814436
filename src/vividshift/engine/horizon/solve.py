"""Building the horizon's CP-SAT model and solving its phases (see the package docstring)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from time import perf_counter
from typing import Any

import numpy as np
from ortools.sat.python import cp_model

from vividshift.engine.constraints import Separate
from vividshift.engine.eligibility import capacity_of, compute_eligibility
from vividshift.engine.errors import InvalidProblem
from vividshift.engine.explain import Infeasible
from vividshift.engine.flow import SolverError
from vividshift.engine.history import History, PastRun
from vividshift.engine.horizon import fair, start, terms
from vividshift.engine.horizon.model import (
    Horizon,
    HorizonInfeasible,
    HorizonResult,
    HorizonTimeout,
    turn_problem,
)
from vividshift.engine.params import InvalidParameters
from vividshift.engine.solve import solve

# A solve's outcome: the value of every variable (by index) and a record per phase.
_Outcome = tuple[dict[int, int], list[dict[str, Any]]]


def plan_horizon(
    horizon: Horizon, *, time_limit_s: float = 10.0, workers: int = 1, seed: int = 0
) -> HorizonResult:
    """Plan (or re-plan) every turn in one CP-SAT model; raises HorizonInfeasible when no
    plan keeps the hard rules, HorizonTimeout when none is found in time."""
    started = perf_counter()
    base = horizon.base
    people = [p.id for p in base.participants]
    targets = base.targets
    allowed = np.stack(
        [compute_eligibility(turn_problem(base, w), 0).allowed for w in horizon.turns]
    )  # K × P × T
    pinned = _pins(horizon, people, targets)
    _check_counts(horizon, allowed, pinned)
    allowed |= pinned
    present = fair.presence(horizon)  # K × P bool
    share = fair.shares(present, [t.required_count * t.effort for t in targets])
    balance = fair.balances(horizon, people)
    # 5 % of the time is kept for what follows the solver (reading the plan back and
    # summing it up took ~0.3 s at 200 × 20 × 52 on a loaded machine).
    deadline = started + time_limit_s * 0.95
    hint = _fair_hint(horizon, allowed, pinned, present, share, balance)
    if hint is None:
        hint = _turn_by_turn_hint(horizon, people, targets)
    built, outcome, hard_first = _search(
        horizon, allowed, pinned, share, balance, deadline, workers, seed, hint
    )
    if outcome is None:
        if horizon.published is not None or not _keeps_hard_rules(horizon, hint, allowed, pinned):
            raise HorizonTimeout(f"no plan found within {time_limit_s} s")
        # The solver found nothing in time: the turn-by-turn plan keeps every hard rule,
        # so it is the answer, marked as such (unproven, gap unknown).
        values = {var.index: int(key in hint) for key, var in built.x.items()}
        records = [_record("turn_by_turn", "timeout", None, None, perf_counter() - started)]
    else:
        values, records = outcome
        if hard_first:
            records.insert(0, _record("repeats", "optimal", 0, 0.0, 0.0))
            if capacity_of(base) > 1:
                records.insert(1, _record("crowding", "optimal", 0, 0.0, 0.0))
    chosen: list[list[tuple[str, str]]] = [[] for _ in horizon.turns]
    for (k, i, j), var in built.x.items():
        if values[var.index]:
            chosen[k].append((people[i], targets[j].id))
    pairs = tuple(tuple(sorted(turn)) for turn in chosen)
    return _result(horizon, pairs, present, share, balance, records, len(built.x), started)


def _search(
    horizon: Horizon,
    allowed: np.ndarray,
    pinned: np.ndarray,
    share: Sequence[float],
    balance: Sequence[float],
    deadline: float,
    workers: int,
    seed: int,
    hint: set[tuple[int, int, int]],
) -> tuple[_Built, _Outcome | None, bool]:
    """The model solved in phases: (model, outcome or None on time-out, whether repeats
    and crowding were hard rules)."""
    # A plan first tries repeats and crowding as hard rules (CP-SAT propagates them far
    # faster than it minimises them); only when that is infeasible are they minimised.
    # A re-plan puts fewest changes first, so there they are always minimised.
    hard_first = horizon.published is None
    try:
        built = _build(horizon, allowed, pinned, share, balance, hard_repeats=hard_first)
        return built, _solve_phases(built, deadline, workers, seed, hint), hard_first
    except HorizonInfeasible:
        if not hard_first:
            raise
    built = _build(horizon, allowed, pinned, share, balance, hard_repeats=False)
    return built, _solve_phases(built, deadline, workers, seed, hint), False


def _result(
    horizon: Horizon,
    pairs: tuple[tuple[tuple[str, str], ...], ...],
    present: np.ndarray,
    share: Sequence[float],
    balance: Sequence[float],
    records: list[dict[str, Any]],
    variables: int,
    started: float,
) -> HorizonResult:
    """The chosen plan summed up: load, count, share and balance per person, phases."""
    people = [p.id for p in horizon.base.participants]
    load = {p: 0.0 for p in people}
    count = {p: 0 for p in people}
    effort_of = {t.id: t.effort for t in horizon.base.targets}
    for turn in pairs:
        for pid, tid in turn:
            load[pid] += effort_of[tid]
            count[pid] += 1
    deviations = [load[p] + balance[i] - share[i] for i, p in enumerate(people)]
    proven = all(r["status"] == "optimal" for r in records)
    last = records[-1]
    return HorizonResult(
        status="optimal" if proven else "feasible",
        turns=pairs,
        repeats=terms.count_repeats(horizon, pairs),
        load={p: round(v, 4) for p, v in load.items()},
        count=count,
        share={p: round(share[i], 4) for i, p in enumerate(people)},
        balance={p: round(balance[i], 4) for i, p in enumerate(people)},
        present_turns={p: int(present[:, i].sum()) for i, p in enumerate(people)},
        max_deviation=round(max(deviations, default=0.0), 4),
        changes=_phase_value(records, "changes"),
        changes_proven=horizon.published is not None and records[0]["status"] == "optimal",
        bound=last["bound"],
        gap=last["gap"],
        variables=variables,
        wall_s=round(perf_counter() - started, 4),
        phases=tuple(records),
    )


def _fair_hint(
    horizon: Horizon,
    allowed: np.ndarray,
    pinned: np.ndarray,
    present: np.ndarray,
    share: Sequence[float],
    balance: Sequence[float],
) -> set[tuple[int, int, int]] | None:
    """The fair start plan (`start.fair_start`) for a new plan without pins or people
    kept apart (which its per-turn flow does not model); else None."""
    base = horizon.base
    if (
        horizon.published is not None
        or pinned.any()
        or any(isinstance(c, Separate) for c in base.constraints)
    ):
        return None
    targets = base.targets
    scale = fair.effort_scale([t.effort for t in targets])
    effort = [int(round(t.effort * scale)) for t in targets]
    need = [t.required_count for t in targets]
    quota = [(s - b) * scale for s, b in zip(share, balance, strict=True)]
    fair_load = fair.fair_loads(need, effort, len(horizon.turns), share, balance, scale)
    people = [p.id for p in base.participants]
    t_index = {t.id: j for j, t in enumerate(targets)}
    previous = np.zeros((len(horizon.previous), len(people), len(targets)), dtype=bool)
    for m, before in enumerate(horizon.previous):
        for i, pid in enumerate(people):
            for tid in before.get(pid, ()):
                if tid in t_index:
                    previous[m, i, t_index[tid]] = True
    return start.fair_start(
        allowed,
        present,
        fair_load,
        quota,
        effort,
        need,
        capacity_of(base),
        terms.repeat_windows(base),
        previous,
    )


def _turn_by_turn_hint(
    horizon: Horizon, people: list[str], targets: Sequence[Any]
) -> set[tuple[int, int, int]]:
    """A start for the solver: the published plan when re-planning, else each turn solved
    alone by the exact per-run flow (milliseconds a turn) with the turns before it as
    history. Turns the flow cannot fill are left to the solver."""
    if horizon.published is not None:
        return _as_keys(horizon.published, people, targets)
    past: list[PastRun] = [
        PastRun(
            datetime.min + timedelta(days=len(horizon.previous) - m),
            tuple((p, t) for p, ts in before.items() for t in ts),
        )
        for m, before in enumerate(horizon.previous)
    ]
    chosen: list[frozenset[tuple[str, str]]] = []
    for k, window in enumerate(horizon.turns):
        problem = replace(horizon.base, window=window, history=History.from_runs(past[-10:]))
        try:
            result = solve(problem, time_limit_s=5.0)
            c = result.columns
            pairs = frozenset(zip(c.participant_ids, c.target_ids, strict=True))
        except (Infeasible, SolverError, InvalidProblem, InvalidParameters):
            pairs = frozenset()
        chosen.append(pairs)
        past.append(PastRun(datetime.min + timedelta(days=len(past) + 1), tuple(sorted(pairs))))
        del k
    return _as_keys(tuple(chosen), people, targets)


def _as_keys(
    turns: Sequence[frozenset[tuple[str, str]]], people: list[str], targets: Sequence[Any]
) -> set[tuple[int, int, int]]:
    p_index = {p: i for i, p in enumerate(people)}
    t_index = {t.id: j for j, t in enumerate(targets)}
    return {
        (k, p_index[p], t_index[t])
        for k, pairs in enumerate(turns)
        for p, t in pairs
        if p in p_index and t in t_index
    }


@dataclass
class _Built:
    model: cp_model.CpModel
    x: dict[tuple[int, int, int], Any]
    phases: list[tuple[str, Any]]


def _build(
    horizon: Horizon,
    allowed: np.ndarray,
    pinned: np.ndarray,
    share: Sequence[float],
    balance: Sequence[float],
    *,
    hard_repeats: bool,
) -> _Built:
    """The CP-SAT model and its lexicographic objectives (see the module docstring)."""
    base = horizon.base
    people = [p.id for p in base.participants]
    targets = base.targets
    P, T, K = len(people), len(targets), len(horizon.turns)
    cap = capacity_of(base)
    scale = fair.effort_scale([t.effort for t in targets])
    effort = [int(round(t.effort * scale)) for t in targets]
    need = [t.required_count for t in targets]

    model = cp_model.CpModel()
    x: dict[tuple[int, int, int], Any] = {}
    for k, i, j in zip(*np.nonzero(allowed), strict=True):
        x[int(k), int(i), int(j)] = model.new_bool_var("")
    by_place: dict[tuple[int, int], list[Any]] = {}
    by_person_turn: dict[tuple[int, int], list[Any]] = {}
    for (k, i, j), var in x.items():
        by_place.setdefault((k, j), []).append(var)
        by_person_turn.setdefault((k, i), []).append(var)
        if pinned[k, i, j]:
            model.add(var == 1)
    for k in range(K):
        for j in range(T):
            model.add(cp_model.LinearExpr.sum(by_place.get((k, j), [])) == need[j])
    for vars_ in by_person_turn.values():
        if len(vars_) > cap:
            model.add(cp_model.LinearExpr.sum(vars_) <= cap)
    crowding = terms.crowding(
        model, by_person_turn, fair.presence(horizon), sum(need), cap, hard=hard_repeats
    )
    terms.keep_apart(model, base, x, people, K, T)
    repeat_terms = terms.repeat_terms(model, horizon, x, people, targets, hard=hard_repeats)

    # Expressions built in C++ (LinearExpr.sum / weighted_sum), not by Python's `+`:
    # model building was most of the time at 200 × 20 × 52.
    load_vars: list[list[Any]] = [[] for _ in range(P)]
    load_coefs: list[list[int]] = [[] for _ in range(P)]
    for (_k, i, j), var in x.items():
        load_vars[i].append(var)
        load_coefs[i].append(effort[j])
    # The fair loads in whole effort units (largest remainders of share - balance), so
    # that a plan meeting them has every deviation 0 and is proven optimal at once.
    total = K * sum(need[j] * effort[j] for j in range(T))
    fair_load = fair.fair_loads(need, effort, K, share, balance, scale)
    # load - fair = over - under, both >= 0: linear, so the LP relaxation guides the
    # search (a max/abs formulation left CP-SAT without a bound at 200 × 20 × 13).
    worst = model.new_int_var(0, total, "worst")
    magnitudes: list[Any] = []
    for i in range(P):
        over = model.new_int_var(0, total, f"over{i}")
        under = model.new_int_var(0, total, f"under{i}")
        load = cp_model.LinearExpr.weighted_sum(load_vars[i], load_coefs[i])
        model.add(load - fair_load[i] == over - under)
        model.add(worst >= over)
        magnitudes.extend((over, under))

    phases: list[tuple[str, Any]] = []
    if horizon.published is not None:
        phases.append(("changes", terms.changes(horizon, x, people, targets)))
    if not hard_repeats:
        phases.append(("repeats", cp_model.LinearExpr.sum(repeat_terms)))
    if crowding and not hard_repeats:
        phases.append(("crowding", cp_model.LinearExpr.sum(crowding)))
    # Lexicographic: the sum of magnitudes is at most 2 · P · worst... and below the weight.
    phases.append(("fairness", (2 * total + 1) * worst + cp_model.LinearExpr.sum(magnitudes)))
    variety = terms.variety(model, x, fair.presence(horizon), allowed, need)
    if variety:
        phases.append(("variety", cp_model.LinearExpr.sum(variety)))
    return _Built(model, x, phases)


def _record(
    phase: str, status: str, value: int | None, bound: float | None, wall_s: float
) -> dict[str, Any]:
    gap = 0.0
    if status != "optimal":
        gap = 1.0 if value is None or bound is None else abs(value - bound) / max(1.0, abs(value))
    return {
        "phase": phase,
        "status": status,
        "value": value,
        "bound": bound,
        "gap": round(gap, 6),
        "wall_s": round(wall_s, 4),
    }


def _keeps_hard_rules(
    horizon: Horizon, plan: set[tuple[int, int, int]], allowed: np.ndarray, pinned: np.ndarray
) -> bool:
    """Exact counts, capacity, eligibility and pins of every turn (Separate aside: the
    turn-by-turn flow keeps it or the solver is needed)."""
    if any(isinstance(c, Separate) for c in horizon.base.constraints):
        return False
    chosen = np.zeros(allowed.shape, dtype=bool)
    for key in plan:
        chosen[key] = True
    need = np.array([t.required_count for t in horizon.base.targets])
    return bool(
        (chosen <= allowed).all()
        and (chosen.sum(axis=1) == need[None, :]).all()
        and (chosen.sum(axis=2) <= capacity_of(horizon.base)).all()
        and (pinned <= chosen).all()
    )


def _phase_value(records: Sequence[Mapping[str, Any]], phase: str) -> int | None:
    return next((r["value"] for r in records if r["phase"] == phase), None)


def _pins(horizon: Horizon, people: list[str], targets: Sequence[Any]) -> np.ndarray:
    shape = (len(horizon.turns), len(people), len(targets))
    pinned = np.zeros(shape, dtype=bool)
    p_index = {p: i for i, p in enumerate(people)}
    t_index = {t.id: j for j, t in enumerate(targets)}
    for k, pairs in enumerate(horizon.pinned):
        for pid, tid in pairs:
            if pid not in p_index or tid not in t_index:
                raise HorizonInfeasible(
                    "A pinned place names a person or target outside the plan",
                    {"turn": k, "participant": pid, "target": tid},
                )
            pinned[k, p_index[pid], t_index[tid]] = True
    return pinned


def _check_counts(horizon: Horizon, allowed: np.ndarray, pinned: np.ndarray) -> None:
    """A turn where a target has fewer eligible people than it needs, named."""
    targets = horizon.base.targets
    for k in range(allowed.shape[0]):
        eligible = allowed[k].sum(axis=0)
        for j, t in enumerate(targets):
            if eligible[j] < t.required_count:
                raise HorizonInfeasible(
                    f"Turn {k + 1}: {t.label} needs {t.required_count}, "
                    f"only {int(eligible[j])} may do it",
                    {"turn": k, "target": t.id, "eligible": int(eligible[j])},
                )
        bad = pinned[k] & ~allowed[k]
        if bad.any():
            i, j = (int(v) for v in np.argwhere(bad)[0])
            raise HorizonInfeasible(
                f"Turn {k + 1}: the pinned place of {horizon.base.participants[i].label} on "
                f"{targets[j].label} breaks a hard rule",
                {
                    "turn": k,
                    "participant": horizon.base.participants[i].id,
                    "target": targets[j].id,
                },
            )


def _solve_phases(
    built: _Built,
    deadline: float,
    workers: int,
    seed: int,
    hint: set[tuple[int, int, int]] | None = None,
) -> _Outcome | None:
    """Lexicographic: each phase minimises its objective with the earlier ones held at
    their values, from the previous solution as a hint (the first phase from `hint`, a
    turn-by-turn plan). A phase that proves its optimum early leaves its time to the
    next ones; the first phase may use most of the time (it must find a plan)."""
    model = built.model
    values: dict[int, int] = {}
    records: list[dict[str, Any]] = []
    last: cp_model.CpSolver | None = None
    if hint is not None:
        for key, var in built.x.items():
            model.add_hint(var, 1 if key in hint else 0)
    if hint is not None:
        last = _complete_hint(built, hint, max(0.05, deadline - perf_counter()), workers, seed)
        if last is not None:
            # The start plan keeps every hard rule: it is the incumbent, and every
            # variable (not only the places) is hinted, which CP-SAT follows far better.
            values = _solution(last)
            _hint_all(model, values)
    live = [obj for _name, obj in built.phases if not isinstance(obj, int)]
    if last is None or any(last.value(obj) != 0 for obj in live):
        ideal = _solve_ideal(built, deadline, workers, seed)
        if ideal is not None:
            return ideal
    for n, (name, objective) in enumerate(built.phases):
        if isinstance(objective, int):  # nothing left to choose (e.g. no published place)
            records.append(_record(name, "optimal", objective, float(objective), 0.0))
            continue
        if last is not None and last.value(objective) == 0:
            # Every objective is a sum of non-negative terms: 0 already is its optimum.
            records.append(_record(name, "optimal", 0, 0.0, 0.0))
            model.add(objective <= 0)
            continue
        model.minimize(objective)
        if values:
            _hint_all(model, values)
        remaining = deadline - perf_counter()
        if remaining < 0.5 and last is not None:
            # No time left to improve: the incumbent stands; every objective is
            # non-negative, so 0 is a valid bound.
            value = int(round(last.value(objective)))
            records.append(_record(name, "feasible", value, 0.0, 0.0))
            break
        remaining = max(0.05, remaining)
        share = 0.8 if n == 0 and len(built.phases) > 1 else 1 / (len(built.phases) - n)
        solver = _solver(remaining * share, workers, seed)
        code = solver.solve(model)
        if code == cp_model.INFEASIBLE:
            raise HorizonInfeasible(
                "No plan keeps every hard rule in every turn (pins, capacity and "
                "eligibility together)",
                {"phase": name},
            )
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            if last is None:
                return None
            # No better plan in time: the incumbent stands, with the solver's bound.
            value = int(round(last.value(objective)))
            bound = float(solver.best_objective_bound)
            records.append(_record(name, "feasible", value, bound, solver.wall_time))
            break
        value = int(round(solver.objective_value))
        status = "optimal" if code == cp_model.OPTIMAL else "feasible"
        records.append(
            _record(name, status, value, float(solver.best_objective_bound), solver.wall_time)
        )
        model.add(objective <= value)
        if last is not None and int(round(last.value(objective))) <= value:
            # The incumbent is as good: keep it. The solver's equal plan is an arbitrary
            # pick among ties, the start plan breaks them by the unrounded fair loads.
            continue
        values = _solution(solver)
        last = solver
    return values, records


def _solution(solver: cp_model.CpSolver) -> dict[int, int]:
    """Every variable's value by index, read from the response at once (a Python call
    per variable took seconds at 200 × 20 × 52)."""
    return dict(enumerate(solver.response_proto.solution))


def _hint_all(model: cp_model.CpModel, values: Mapping[int, int]) -> None:
    """Hint every variable with its value, written to the proto in bulk."""
    model.clear_hints()
    model.proto.solution_hint.vars.extend(values.keys())
    model.proto.solution_hint.values.extend(values.values())


def _complete_hint(
    built: _Built, hint: set[tuple[int, int, int]], time_s: float, workers: int, seed: int
) -> cp_model.CpSolver | None:
    """The start plan with every other variable (repeats, deviations, excesses) at its
    least value, or None when the start plan breaks a hard rule of this model."""
    # The places are hinted (every one, 0 or 1): fixing them to their hint leaves only
    # propagation, far cheaper than a copy of the model with 1 constraint per place.
    del hint
    live = [obj for _name, obj in built.phases if not isinstance(obj, int)]
    if live:
        built.model.minimize(cp_model.LinearExpr.sum(live))
    solver = _solver(time_s, 1, seed)
    solver.parameters.fix_variables_to_their_hinted_value = True
    code = solver.solve(built.model)
    return solver if code == cp_model.OPTIMAL else None


def _solver(time_s: float, workers: int, seed: int) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_s
    solver.parameters.num_workers = max(1, int(workers))
    solver.parameters.random_seed = int(seed) % (2**31)
    # The model is highly symmetric (interchangeable people and turns): symmetry
    # detection and repeated presolve cost more than they save (10 s → 2 s at
    # 200 × 20 × 13).
    solver.parameters.symmetry_level = 0
    solver.parameters.max_presolve_iterations = 1
    return solver


# Above this many place booleans the ideal attempt did not finish in its time share
# (200 × 20 × 13 = 46 000: unknown after 5 s) and only took time from the phases.
IDEAL_MAX_PLACES = 20_000


def _solve_ideal(built: _Built, deadline: float, workers: int, seed: int) -> _Outcome | None:
    """Every phase's objective is a sum of non-negative terms, so a plan with all of them
    0 is lexicographically optimal, proven. Asking for it as one satisfaction problem
    (propagated, not minimised) is far faster than the phases one by one when it exists
    (20 × 7 × 26: 3 s → 0.2 s); a share of the time bounds the attempt, and when it finds
    no such plan (or cannot tell in time) the phases run as before."""
    model = built.model
    if len(built.x) > IDEAL_MAX_PLACES:
        return None
    live = [(name, obj) for name, obj in built.phases if not isinstance(obj, int)]
    if any(obj != 0 for _name, obj in built.phases if isinstance(obj, int)) or not live:
        return None
    # A copy: the ideal bounds are a trial, the phases must see the model as built.
    trial = model.clone()
    trial.clear_objective()
    for _name, objective in live:
        trial.add(objective <= 0)
    solver = _solver(max(0.05, deadline - perf_counter()) * 0.15, workers, seed)
    code = solver.solve(trial)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    values = {var.index: int(solver.value(var)) for var in built.x.values()}
    wall = solver.wall_time
    records = [
        _record(name, "optimal", 0, 0.0, wall if n == 0 else 0.0)
        for n, (name, _o) in enumerate(built.phases)
    ]
    return values, records
