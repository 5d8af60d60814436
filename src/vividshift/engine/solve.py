"""The engine's entry point: `solve(problem)` → SolveResult, or raises `Infeasible`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from time import perf_counter
from typing import Any, Literal

import numpy as np

from vividshift.engine.collector import collector_paused
from vividshift.engine.cpsat import CpOutcome, solve_cp_sat
from vividshift.engine.eligibility import NO_REPEAT, Eligibility, Reasons, capacity_of
from vividshift.engine.explain import Infeasible, Shortage, find_shortages, shortage_message
from vividshift.engine.fair_objective import refine
from vividshift.engine.flow import FlowOutcome
from vividshift.engine.instance import DenseInstance, Instance, build_dense
from vividshift.engine.lazy_scores import values_at
from vividshift.engine.model import Participant, Problem, Target
from vividshift.engine.params import read_parameters
from vividshift.engine.prune import DEFAULT_PRUNING, FlowRun, Pruning, solve_dense, surely_short
from vividshift.engine.result import (
    Method,
    PlacementColumns,
    SolveResult,
    Status,
    Timings,
    ValidationResult,
)
from vividshift.engine.scoring import Scores, compute_scores, load_marginals
from vividshift.engine.side import SideRule, compile_side_rules
from vividshift.engine.strategies import SCALE, Context, Plan, eligibility_for, get_strategy
from vividshift.engine.validators import validate_assignment

MethodChoice = Literal["auto", "min_cost_flow", "cp_sat"]
PAUSE_COLLECTOR_FROM = 1_000  # participants


@dataclass(frozen=True)
class _Prepared:
    scores: Scores
    eligibility: Eligibility
    plan: Plan
    allowed: np.ndarray
    load_marginals: np.ndarray
    load_cost: np.ndarray
    rank: np.ndarray

    def instance(self, problem: Problem, capacity: int, relaxed: bool) -> Instance:
        return self.dense(problem, capacity, relaxed).instance()

    def dense(self, problem: Problem, capacity: int, relaxed: bool) -> DenseInstance:
        return build_dense(
            self.allowed,
            self.eligibility.repeat_weight,
            self.plan.pair_cost,
            self.load_cost,
            np.array([t.required_count for t in problem.targets], dtype=np.int64),
            np.full(len(problem.participants), capacity, dtype=np.int64),
            self.rank,
            relaxed,
        )


def solve(
    problem: Problem,
    *,
    time_limit_s: float = 10.0,
    workers: int = 1,
    method: MethodChoice = "auto",
    pruning: Pruning | None = DEFAULT_PRUNING,
) -> SolveResult:
    """Generate an assignment for `problem` with its strategy.

    Guarantees:
    - Validity: every hard rule holds (required counts exactly, max assignments,
      required skills, group exclusions, time-slot availability — see `eligibility` —
      and side constraints). When no such assignment exists, raises `Infeasible`
      naming the targets that cannot be filled and the people ruled out, with why (or
      the side constraints that conflict) — it never fails otherwise. The one
      exception is skill_based with a `fallback_strategy`: targets too few qualify
      for drop the skill rule, and `fallbacks` lists them.
    - Optimality: without side constraints the min-cost flow is exact (status
      "optimal"). With side constraints CP-SAT runs within `time_limit_s`; the status
      says whether it proved optimality ("optimal"), found a valid but unproven
      assignment ("feasible"), or found none in time ("timeout").
    - No-repeat: holds whenever some valid assignment satisfies it; otherwise (if the
      rule allows relaxing) the fewest, oldest repeats are made and `relaxations`
      lists them.
    - Determinism: the same problem (including `seed`) gives the same result; the
      seed only chooses among equally good assignments (and drives
      random_assignment). CP-SAT is deterministic with `workers=1` (the default)
      when it finishes before its time limit.
    `method` forces a solver ("cp_sat" cross-checks the flow on the same costs).
    `pruning`: on large dense instances the flow is solved on a subset of the pairs
    and proven optimal for all of them (see `prune`; a note says so); the objective
    is the full flow's either way. None always solves the full graph.
    """
    # Reading a large problem and building its placements allocate many small objects,
    # none in a cycle: the collector's passes would walk all of the caller's too. (A
    # small one sets off few: pausing would cost more than it saves.)
    if len(problem.participants) < PAUSE_COLLECTOR_FROM:
        return _solve(problem, time_limit_s, workers, method, pruning)
    with collector_paused():
        return _solve(problem, time_limit_s, workers, method, pruning)


def _solve(
    problem: Problem,
    time_limit_s: float,
    workers: int,
    method: MethodChoice,
    pruning: Pruning | None,
) -> SolveResult:
    started = perf_counter()
    setup = _set_up(problem, method, pruning)
    prepared_at = perf_counter()
    run, relaxed_run = _run_flows(problem, setup)
    shortages = _shortfall(problem, setup, run, relaxed_run)
    outcome = _flow_outcome(run)
    if setup.use_cp:
        outcome = _cp_sat_outcome(problem, setup, run, time_limit_s, workers)
    fair_note: tuple[str, ...] = ()
    if problem.prior_load and outcome.status != "timeout" and outcome.chosen.any():
        outcome, fair_note = _fair_outcome(problem, setup, outcome, time_limit_s, workers)
    solved_at = perf_counter()
    placements, at = _placements(problem, outcome.inst, outcome.chosen, setup.prepared)
    validation: tuple[ValidationResult, ...] = ()
    if outcome.status != "timeout":
        pairs = zip(placements.participant_ids, placements.target_ids, strict=True)
        validation = validate_assignment(
            problem, pairs, eligibility=setup.prepared.eligibility, indices=at
        )
    done = perf_counter()
    timings = Timings(
        prepare_ms=(prepared_at - started) * 1e3,
        solve_ms=(solved_at - prepared_at) * 1e3,
        validate_ms=(done - solved_at) * 1e3,
        total_ms=(done - started) * 1e3,
    )
    return _result(
        problem, setup, run, outcome, placements, validation, shortages, timings, fair_note
    )


def _result(
    problem: Problem,
    setup: _Setup,
    run: FlowRun,
    outcome: _Outcome,
    placements: PlacementColumns,
    validation: tuple[ValidationResult, ...],
    shortages: tuple[Shortage, ...],
    timings: Timings,
    fair_note: tuple[str, ...],
) -> SolveResult:
    status = outcome.status
    return SolveResult(
        status=status,
        method=outcome.method,
        optimality_proven=status == "optimal" or (status == "infeasible" and not setup.use_cp),
        strategy=problem.strategy,
        parameters=setup.parameters,
        seed=problem.seed,
        columns=placements,
        objective=None if status == "timeout" else outcome.objective,
        validation=validation,
        relaxations=_relaxations(problem, outcome.inst, outcome.chosen),
        notes=setup.prepared.plan.notes + ((run.note,) if run.note else ()) + fair_note,
        shortages=shortages,
        fallbacks=tuple(problem.targets[j].id for j in setup.prepared.eligibility.fallbacks),
        timings=timings,
    )


@dataclass(frozen=True)
class _Setup:
    """What every later step reads: the prepared costs and how to solve them."""

    prepared: _Prepared
    capacity: int
    parameters: Mapping[str, Any]
    rules: tuple[SideRule, ...]
    use_cp: bool  # side constraints (or asked): CP-SAT on every arc
    relaxable: bool  # no-repeat may give way, and some pair is a recent repeat
    prune: Pruning | None


@dataclass(frozen=True)
class _Outcome:
    """The chosen arcs of `inst`, how they were found and what they cost."""

    inst: Instance
    chosen: np.ndarray
    objective: int | None
    status: Status
    method: Method


def _set_up(problem: Problem, method: MethodChoice, pruning: Pruning | None) -> _Setup:
    """Eligibility, then (unless counting already proves infeasibility) scores and costs."""
    capacity = capacity_of(problem)
    strategy = get_strategy(problem.strategy)
    params = read_parameters(strategy.name, strategy.schema, problem.parameters)
    rules = compile_side_rules(problem, capacity)
    if method == "min_cost_flow" and rules:
        raise ValueError("side constraints need method 'cp_sat' (or 'auto')")
    eligibility = eligibility_for(problem)
    rule = eligibility.no_repeat
    relaxable = bool(rule and rule.relax_if_infeasible and eligibility.repeat_weight.any())
    # Counting first: on a large instance it answers before any score is computed.
    if strategy.fills_exactly(params):
        _refuse_too_few_people(problem, eligibility, capacity, relaxable)
    prepared = _prepare(problem, capacity, eligibility, params)
    use_cp = method == "cp_sat" or (method == "auto" and bool(rules))
    # CP-SAT needs every arc (and hints with the flow on them): no pruning then.
    prune = None if use_cp else pruning
    return _Setup(prepared, capacity, params, tuple(rules), use_cp, relaxable, prune)


def _run_flows(problem: Problem, setup: _Setup) -> tuple[FlowRun, FlowRun | None]:
    """(the flow that decides, the relaxed flow when one ran): without repeats first,
    with them (if the rule allows) only when that falls short."""
    prepared, capacity, prune = setup.prepared, setup.capacity, setup.prune
    exact = prepared.plan.exact_fill
    dense = prepared.dense(problem, capacity, relaxed=False)
    relaxed_run: FlowRun | None = None
    if setup.relaxable and prune is not None and surely_short(dense):
        # Provably short without repeats: the relaxation decides first, and the hard
        # flow (as costly as the full graph) is solved only if it is still needed.
        relaxed_dense = prepared.dense(problem, capacity, relaxed=True)
        relaxed_run = solve_dense(relaxed_dense, exact=exact, pruning=prune)
    if relaxed_run is not None and (relaxed_run.flow.complete or exact):
        # Complete: the answer. Short: so is the flow without repeats (it has fewer
        # arcs), and an exact fill is infeasible either way: no second flow is needed.
        return relaxed_run, relaxed_run
    run = solve_dense(dense, exact=exact, pruning=prune)
    if not run.flow.complete and setup.relaxable and relaxed_run is None:
        relaxed_dense = prepared.dense(problem, capacity, relaxed=True)
        relaxed_run = solve_dense(relaxed_dense, exact=exact, pruning=prune)
        if relaxed_run.flow.complete:
            run = relaxed_run
    return run, relaxed_run


def _shortfall(
    problem: Problem, setup: _Setup, run: FlowRun, relaxed_run: FlowRun | None
) -> tuple[Shortage, ...]:
    """The shortages of an incomplete flow (named on the relaxed graph when there is
    one: repeats are then not the cause); raises `Infeasible` for an exact fill."""
    if run.flow.complete:
        return ()
    named = relaxed_run if relaxed_run is not None else run
    shortages = _shortages(problem, setup.prepared, named.inst, named.flow)
    if setup.prepared.plan.exact_fill:
        raise Infeasible(_message(problem, shortages), shortages)
    return shortages


def _flow_outcome(run: FlowRun) -> _Outcome:
    flow = run.flow
    status: Status = "optimal" if flow.complete else "infeasible"
    return _Outcome(run.inst, flow.chosen, flow.objective, status, "min_cost_flow")


def _cp_sat_outcome(
    problem: Problem, setup: _Setup, run: FlowRun, time_limit_s: float, workers: int
) -> _Outcome:
    """CP-SAT on every arc with the side rules (hinted with the flow when it is
    complete), relaxing no-repeat when the rules allow and nothing else fits."""
    inst, flow, exact = run.inst, run.flow, setup.prepared.plan.exact_fill

    def cp_sat(instance: Instance, hint: np.ndarray | None) -> CpOutcome:
        return solve_cp_sat(
            instance,
            setup.rules,
            time_limit_s=time_limit_s,
            workers=workers,
            seed=problem.seed,
            exact=exact,
            hint=hint,
        )

    cp = cp_sat(inst, flow.chosen if flow.complete else None)
    if cp.status == "infeasible" and not inst.relaxed and setup.relaxable:
        relaxed = setup.prepared.instance(problem, setup.capacity, relaxed=True)
        retry = cp_sat(relaxed, None)
        if retry.status != "infeasible":
            inst, cp = relaxed, retry
    if cp.status == "infeasible":
        names = "; ".join(cp.conflicts) or "the side constraints"
        raise Infeasible(
            f"No valid assignment: these rules cannot all hold: {names}.",
            conflicts=cp.conflicts,
        )
    status: Status = "optimal" if flow.complete else "infeasible"
    chosen = cp.chosen
    if cp.status == "timeout":
        status, chosen = "timeout", np.zeros_like(chosen)
    elif flow.complete:
        status = cp.status
    return _Outcome(inst, chosen, cp.objective, status, "cp_sat")


def _fair_outcome(
    problem: Problem, setup: _Setup, outcome: _Outcome, time_limit_s: float, workers: int
) -> tuple[_Outcome, tuple[str, ...]]:
    """The ledger's objective, exactly: lexicographic on load − share (`fair_objective`),
    starting from the outcome found; with its note for the run."""
    prepared, inst = setup.prepared, outcome.inst
    fair = refine(
        problem,
        inst,
        outcome.chosen,
        lambda: prepared.instance(problem, setup.capacity, relaxed=inst.relaxed),
        int(prepared.allowed.sum()),
        setup.rules,
        exact=prepared.plan.exact_fill,
        time_limit_s=time_limit_s,
        workers=workers,
        seed=problem.seed,
    )
    objective = fair.objective if fair.objective is not None else outcome.objective
    status = outcome.status
    if status == "optimal" and not fair.proven:
        status = "feasible"
    method = fair.method or outcome.method
    return _Outcome(fair.inst, fair.chosen, objective, status, method), (fair.note,)


def _refuse_too_few_people(
    problem: Problem, eligibility: Eligibility, capacity: int, relaxable: bool
) -> None:
    """More places than people × max per person: infeasible, proven by counting (the
    flows and the Hall explanation reach the same verdict, in seconds on a large
    instance). Like a Hall shortage it names who may take a place (repeats count only
    when the no-repeat rule may be relaxed) and how many places they could fill."""
    places = sum(t.required_count for t in problem.targets)
    if places <= len(problem.participants) * capacity:
        return
    allowed = eligibility.allowed
    if not relaxable:
        allowed = allowed & (eligibility.repeat_weight == 0)
    reach = np.minimum(np.count_nonzero(allowed, axis=1), capacity)
    able = np.flatnonzero(reach)
    shortage = Shortage(
        targets=tuple(t.id for t in problem.targets),
        required=places,
        eligible_count=int(reach.sum()),
        eligible=tuple(problem.participants[i].id for i in able),
        reason="too few participants",
    )
    raise Infeasible(_message(problem, (shortage,)), (shortage,))


def compile_instance(problem: Problem, *, relaxed: bool = False) -> Instance:
    """The arcs and integer costs `solve` hands its solvers (for cross-checks, benchmarks)."""
    capacity = capacity_of(problem)
    prepared = _prepare(problem, capacity, eligibility_for(problem))
    return prepared.instance(problem, capacity, relaxed=relaxed)


def _prepare(
    problem: Problem,
    capacity: int,
    eligibility: Eligibility,
    params: Mapping[str, Any] | None = None,
) -> _Prepared:
    """Scores, the strategy's costs, load costs and the seeded order (`params`: the
    strategy's parameters, when the caller has read them)."""
    strategy = get_strategy(problem.strategy)
    if params is None:
        params = read_parameters(strategy.name, strategy.schema, problem.parameters)
    scores = compute_scores(problem, eligibility.preferred_slot, eligibility.past, eligibility.held)
    plan = strategy.plan(Context(problem, scores, eligibility, params))
    marginals = load_marginals(scores.past_load, capacity)
    load_cost = np.rint(SCALE * plan.balance_weight * marginals).astype(np.int64)
    # rank[p]: p's place in a seeded order; it only breaks ties between equal optima.
    rank = np.argsort(np.random.default_rng(problem.seed).permutation(len(problem.participants)))
    return _Prepared(scores, eligibility, plan, eligibility.allowed, marginals, load_cost, rank)


def _shortages(
    problem: Problem, prepared: _Prepared, inst: Instance, flow: FlowOutcome
) -> tuple[Shortage, ...]:
    excluded = dict(prepared.eligibility.excluded_by)
    if inst.relaxed:  # the shortage persists even with repeats allowed: not the cause
        excluded.pop(NO_REPEAT, None)
    reasons = Reasons(problem, prepared.eligibility)
    rules = list(excluded)
    return tuple(
        find_shortages(
            inst,
            flow,
            [t.id for t in problem.targets],
            [p.id for p in problem.participants],
            [p.label for p in problem.participants],
            excluded,
            lambda i, j: reasons.of(i, j, rules),
        )
    )


def _message(problem: Problem, shortages: tuple[Shortage, ...]) -> str:
    return shortage_message(
        shortages,
        {t.id: t.label for t in problem.targets},
        {p.id: p.label for p in problem.participants},
    )


def _placements(
    problem: Problem, inst: Instance, chosen: np.ndarray, prepared: _Prepared
) -> tuple[PlacementColumns, tuple[np.ndarray, np.ndarray]]:
    """(Placements ordered by target, best total score first (ties by participant), each
    scored with the load step it took (a participant's k-th place, in target order);
    their participant and target indices)."""
    s, weights = prepared.scores, prepared.plan.weights
    p, t = inst.arc_p[chosen], inst.arc_t[chosen]
    by_person = np.lexsort((t, p))
    p, t = p[by_person], t[by_person]
    k = np.arange(p.size) - np.searchsorted(p, p, side="left")  # p's k-th place
    at = p * inst.n_targets + t
    parts = (
        values_at(s.rotation, at).astype(np.float64),
        1.0 - prepared.load_marginals[p, k].astype(np.float64),
        values_at(s.skill, at).astype(np.float64),
        values_at(s.preference, at).astype(np.float64),
    )
    # Elementwise on the arrays (typed for floats): the same floats as one by one.
    total = np.asarray(weights.total(*parts), dtype=np.float64)  # type: ignore[arg-type]
    order = np.lexsort((p, -total, t))
    p_sorted, t_sorted = p[order], t[order]
    position = np.arange(order.size) - np.searchsorted(t_sorted, t_sorted, side="left") + 1
    columns = [c[order].tolist() for c in (*parts, total)]
    placements = PlacementColumns(
        _ids(problem.participants, p_sorted),
        _ids(problem.targets, t_sorted),
        position.tolist(),
        *columns,
    )
    return placements, (p_sorted, t_sorted)


def _ids(items: Sequence[Participant] | Sequence[Target], at: np.ndarray) -> list[str]:
    """The ids of `items[i]` for i in `at` (one gather of an object array)."""
    return np.array([x.id for x in items], dtype=object)[at].tolist()


def _relaxations(problem: Problem, inst: Instance, chosen: np.ndarray) -> tuple[str, ...]:
    if not inst.relaxed:
        return ()
    repeats = chosen & (inst.arc_repeat > 0)
    if not repeats.any():
        return ()
    lines = [
        "no-repeat relaxed: no valid assignment avoids every recent repeat, so repeats "
        "were allowed at a cost above all other costs (a repeat from the latest run "
        "costing most); these are the fewest such repeats:"
    ]
    for p, t in zip(inst.arc_p[repeats].tolist(), inst.arc_t[repeats].tolist(), strict=True):
        person, target = problem.participants[p], problem.targets[t]
        runs = problem.history.of(person.id)
        ago = next((k + 1 for k, run in enumerate(runs) if target.id in run), 0)
        lines.append(f"{person.label} repeats {target.label} (done {ago} run(s) ago)")
    return tuple(lines)
