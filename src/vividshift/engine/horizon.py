"""Planning K turns at once, and re-planning them with the fewest changes (OR-Tools CP-SAT).

    plan = plan_horizon(Horizon(base=problem, turns=(w1, w2, ...)), time_limit_s=10)

One model for the whole horizon, not K greedy runs:
- **Hard, every turn**: each target gets exactly `required_count` people, each person at
  most `MaxAssignments` places a turn (default 1), and only pairs the engine's one
  eligibility mechanism allows *in that turn's window* (`compute_eligibility` on the
  base problem with the turn as its window: skills, groups, weekday slots, absences,
  a target's `time_window` inside the turn). `Separate` pairs never share a target.
  Pinned places are fixed.
- **Soft, lexicographic** (each phase keeps the optimum of the one before it):
  1. re-planning only: the fewest *changes* — places of the published plan whose person
     leaves; this phase alone decides the proven minimum (`changes_proven`);
  2. the fewest repeats: a person on the same target in two turns less than the
     target's no-repeat window apart (default: consecutive turns), and into the turn
     before the horizon (`previous`);
  3. crowding (when a person may take several places a turn): places beyond the turn's
     places over the people present, rounded up — a second place only when needed;
  4. fairness: with `dev_p = load_p - fair_p`, the largest `dev_p` first, then the sum
     of `|dev_p|`; `fair_p` is `share_p - balance_p` rounded to whole effort units by
     largest remainders (summing to the horizon's effort, so 0 is the optimum when
     reachable and is proven as soon as it is found). `share_p` is person p's fair
     share of the horizon **prorated by presence**: each turn's effort divided among
     the people present in it (an absence overlapping the turn makes p absent), so
     someone away for half the horizon is expected to do half as much, and nobody
     owes a backlog. `balance_p` is what p did before the horizon beyond their own
     presence-prorated share of that history (`PriorLoad`).
  5. variety: a person's places spread over the targets (no one does the same chore
     all year while others never do it): the sum over (p, t) of places above p's
     share of t, rounded up.
  A plan first tries repeats and crowding as hard rules (propagated, not searched);
  only when that is infeasible are they minimised (phases 2–3). A re-plan always
  minimises them, after the changes.
- **Size**: one boolean per (person, target, turn) the eligibility allows — O(P·T·K);
  per (person, target, turn) with an allowed successor inside the no-repeat window,
  one clause (hard) or one indicator (soft); two deviation variables per person; one
  excess variable per (person, target) above its fair part. Variables and constraints
  grow linearly with the horizon K (K·(T + P) place and capacity rows plus the repeat
  rows); 20 × 7 × 26 is ~3 600 booleans, 200 × 20 × 52 ~200 000.
- **Time**: `time_limit_s` bounds the whole call (eligibility, the start plan, building
  the model, every phase). The solver starts from a turn-by-turn plan (the per-run exact flow, each
  turn with the turns before it as history; the published plan when re-planning). The
  first phase may use 80 % of `time_limit_s` (it must find a plan), later phases share
  what is left; a phase that proves its optimum early passes its time on. The status
  is `optimal` when every phase proved its optimum, else `feasible`, with the last
  phase's bound and gap. When the solver finds no plan in time, the turn-by-turn plan is
  the answer if it keeps every hard rule (phase `turn_by_turn`, status `feasible`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from fractions import Fraction
from time import perf_counter
from typing import Any, Literal

import numpy as np
from ortools.sat.python import cp_model

from vividshift.engine.availability import schedule_of
from vividshift.engine.constraints import (
    GroupExclusion,
    MaxAssignments,
    NoRepeat,
    Separate,
)
from vividshift.engine.eligibility import capacity_of, compute_eligibility
from vividshift.engine.errors import InvalidProblem
from vividshift.engine.explain import Infeasible
from vividshift.engine.flow import SolverError
from vividshift.engine.history import History, PastRun
from vividshift.engine.model import Problem, RunWindow
from vividshift.engine.params import InvalidParameters
from vividshift.engine.solve import solve

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


def plan_horizon(
    horizon: Horizon, *, time_limit_s: float = 10.0, workers: int = 1, seed: int = 0
) -> HorizonResult:
    """Plan (or re-plan) every turn in one CP-SAT model; raises HorizonInfeasible when no
    plan keeps the hard rules, HorizonTimeout when none is found in time."""
    started = perf_counter()
    base = horizon.base
    people = [p.id for p in base.participants]
    targets = base.targets
    K = len(horizon.turns)
    allowed = np.stack(
        [compute_eligibility(turn_problem(base, w), 0).allowed for w in horizon.turns]
    )  # K × P × T
    pinned = _pins(horizon, people, targets)
    _check_counts(horizon, allowed, pinned)
    allowed |= pinned
    present = _presence(horizon)  # K × P bool
    share = _shares(present, [t.required_count * t.effort for t in targets])
    balance = _balances(horizon, people)
    # A plan first tries repeats and crowding as hard rules (CP-SAT propagates them far
    # faster than it minimises them); only when that is infeasible are they minimised.
    # A re-plan puts fewest changes first, so there they are always minimised.
    hard_first = horizon.published is None
    hint = _turn_by_turn_hint(horizon, people, targets)
    try:
        built = _build(horizon, allowed, pinned, share, balance, hard_repeats=hard_first)
        outcome = _solve_phases(built, started + time_limit_s, workers, seed, hint)
    except HorizonInfeasible:
        if not hard_first:
            raise
        hard_first = False
        built = _build(horizon, allowed, pinned, share, balance, hard_repeats=False)
        outcome = _solve_phases(built, started + time_limit_s, workers, seed, hint)
    x = built.x
    if outcome is None:
        if horizon.published is not None or not _keeps_hard_rules(horizon, hint, allowed, pinned):
            raise HorizonTimeout(f"no plan found within {time_limit_s} s")
        # The solver found nothing in time: the turn-by-turn plan keeps every hard rule,
        # so it is the answer, marked as such (unproven, gap unknown).
        values = {var.index: int(key in hint) for key, var in x.items()}
        records = [_record("turn_by_turn", "timeout", None, None, perf_counter() - started)]
        hard_first = False
    else:
        values, records = outcome
    if hard_first:
        records.insert(0, _record("repeats", "optimal", 0, 0.0, 0.0))
        if capacity_of(base) > 1:
            records.insert(1, _record("crowding", "optimal", 0, 0.0, 0.0))
    chosen: list[list[tuple[str, str]]] = [[] for _ in range(K)]
    for (k, i, j), var in x.items():
        if values[var.index]:
            chosen[k].append((people[i], targets[j].id))
    pairs = tuple(tuple(sorted(turn)) for turn in chosen)
    load = {p: 0.0 for p in people}
    count = {p: 0 for p in people}
    effort_of = {t.id: t.effort for t in targets}
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
        repeats=_count_repeats(horizon, pairs),
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
        variables=len(x),
        wall_s=round(perf_counter() - started, 4),
        phases=tuple(records),
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
            pairs = frozenset((a.participant_id, a.target_id) for a in result.assignments)
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
    scale = _effort_scale([t.effort for t in targets])
    effort = [int(round(t.effort * scale)) for t in targets]
    need = [t.required_count for t in targets]

    model = cp_model.CpModel()
    x: dict[tuple[int, int, int], Any] = {}
    for k, i, j in zip(*np.nonzero(allowed), strict=True):
        x[int(k), int(i), int(j)] = model.new_bool_var(f"x{k}_{i}_{j}")
    by_place: dict[tuple[int, int], list[Any]] = {}
    by_person_turn: dict[tuple[int, int], list[Any]] = {}
    for (k, i, j), var in x.items():
        by_place.setdefault((k, j), []).append(var)
        by_person_turn.setdefault((k, i), []).append(var)
        if pinned[k, i, j]:
            model.add(var == 1)
    for k in range(K):
        for j in range(T):
            model.add(sum(by_place.get((k, j), [])) == need[j])
    for vars_ in by_person_turn.values():
        if len(vars_) > cap:
            model.add(sum(vars_) <= cap)
    crowding = _crowding(
        model, by_person_turn, _presence(horizon), sum(need), cap, hard=hard_repeats
    )
    _separate(model, base, x, people, K, T)
    repeat_terms = _repeats(model, horizon, x, people, targets, hard=hard_repeats)

    load_terms: list[list[Any]] = [[] for _ in range(P)]
    for (_k, i, j), var in x.items():
        load_terms[i].append(effort[j] * var)
    # The fair loads in whole effort units (largest remainders of share - balance), so
    # that a plan meeting them has every deviation 0 and is proven optimal at once.
    total = K * sum(need[j] * effort[j] for j in range(T))
    fair = _apportion([(share[i] - balance[i]) * scale for i in range(P)], total)
    # load - fair = over - under, both >= 0: linear, so the LP relaxation guides the
    # search (a max/abs formulation left CP-SAT without a bound at 200 × 20 × 13).
    worst = model.new_int_var(0, total, "worst")
    magnitudes: list[Any] = []
    for i in range(P):
        over = model.new_int_var(0, total, f"over{i}")
        under = model.new_int_var(0, total, f"under{i}")
        model.add(sum(load_terms[i]) - fair[i] == over - under)
        model.add(worst >= over)
        magnitudes.extend((over, under))

    phases: list[tuple[str, Any]] = []
    if horizon.published is not None:
        phases.append(("changes", _changes(horizon, x, people, targets)))
    if not hard_repeats:
        phases.append(("repeats", sum(repeat_terms)))
    if crowding and not hard_repeats:
        phases.append(("crowding", sum(crowding)))
    # Lexicographic: the sum of magnitudes is at most 2 · P · worst... and below the weight.
    phases.append(("fairness", (2 * total + 1) * worst + sum(magnitudes)))
    variety = _variety(model, x, _presence(horizon), allowed, need)
    if variety:
        phases.append(("variety", sum(variety)))
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


def _count_repeats(horizon: Horizon, turns: Sequence[Sequence[tuple[str, str]]]) -> int:
    """Same person on the same target within the target's no-repeat window, counted
    pair by pair (also against the turns before the horizon)."""
    windows = dict(
        zip((t.id for t in horizon.base.targets), _repeat_windows(horizon.base), strict=True)
    )
    history = [
        {(p, t) for p, ts in before.items() for t in ts} for before in reversed(horizon.previous)
    ] + [set(turn) for turn in turns]
    offset = len(horizon.previous)
    count = 0
    for k in range(offset, len(history)):
        for pid, tid in history[k]:
            count += sum(
                1
                for gap in range(1, windows[tid] + 1)
                if k - gap >= 0 and (pid, tid) in history[k - gap]
            )
    return count


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


def _apportion(quotas: Sequence[float], total: int) -> list[int]:
    """Whole numbers summing to `total`, in proportion to the (non-negative part of the)
    quotas: floors first, then one more for the largest remainders (ties: earlier first)."""
    clipped = [max(0.0, q) for q in quotas]
    mass = sum(clipped)
    if mass <= 0:
        clipped, mass = [1.0] * len(quotas), float(len(quotas) or 1)
    exact = [q * total / mass for q in clipped]
    whole = [math.floor(e + 1e-9) for e in exact]
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - whole[i]), i))
    for i in order[: max(0, total - sum(whole))]:
        whole[i] += 1
    return whole


def _effort_scale(efforts: Sequence[float]) -> int:
    """The smallest integer that makes every effort (to 2 decimals) whole."""
    scale = 1
    for e in efforts:
        scale = math.lcm(scale, Fraction(e).limit_denominator(100).denominator)
    return scale


def _separate(
    model: cp_model.CpModel, base: Problem, x: dict, people: list[str], K: int, T: int
) -> None:
    p_index = {p: i for i, p in enumerate(people)}
    for rule in base.constraints:
        if isinstance(rule, Separate):
            members = [p_index[p] for p in rule.participants if p in p_index]
            for k in range(K):
                for j in range(T):
                    vars_ = [x[k, i, j] for i in members if (k, i, j) in x]
                    if len(vars_) > 1:
                        model.add(sum(vars_) <= 1)


def _repeat_windows(base: Problem) -> list[int]:
    """Turns apart within which the same target counts as a repeat (1 = consecutive)."""
    rules = [c for c in base.constraints if isinstance(c, NoRepeat)]
    rule = rules[-1] if rules else None
    out = []
    for t in base.targets:
        if rule is not None and t.id in rule.per_target:
            out.append(max(1, rule.per_target[t.id]))
        elif t.no_repeat_window:
            out.append(max(1, t.no_repeat_window))
        elif rule is not None:
            out.append(max(1, rule.window))
        else:
            out.append(1)
    return out


def _repeats(
    model: cp_model.CpModel,
    horizon: Horizon,
    x: dict,
    people: list[str],
    targets: Sequence[Any],
    *,
    hard: bool,
) -> list[Any]:
    """The repeat indicators (soft), or none with every repeat forbidden (hard)."""
    windows = _repeat_windows(horizon.base)
    terms: list[Any] = []
    for (k, i, j), var in x.items():
        for before in horizon.previous[: max(0, windows[j] - k)]:
            if targets[j].id in before.get(people[i], ()):
                if hard:
                    model.add(var == 0)
                else:
                    terms.append(var)
        for gap in range(1, windows[j] + 1):
            other = x.get((k + gap, i, j))
            if other is None:
                continue
            if hard:
                model.add_bool_or([var.Not(), other.Not()])
            else:
                both = model.new_bool_var("")
                model.add(var + other <= 1 + both)
                terms.append(both)
    return terms


def _presence(horizon: Horizon) -> np.ndarray:
    """K × P: the person is not away (an absence or `available: false`) in the turn."""
    people = horizon.base.participants
    present = np.ones((len(horizon.turns), len(people)), dtype=bool)
    for i, p in enumerate(people):
        schedule = schedule_of(p)
        for k, window in enumerate(horizon.turns):
            if schedule.away or any(a.overlaps(window) for a in schedule.absences):
                present[k, i] = False
    return present


def _shares(present: np.ndarray, turn_effort_by_target: Sequence[float]) -> list[float]:
    """Each turn's effort divided among the people present in it."""
    per_turn = float(sum(turn_effort_by_target))
    share = np.zeros(present.shape[1])
    for k in range(present.shape[0]):
        n = int(present[k].sum())
        if n:
            share += present[k] * (per_turn / n)
    return share.tolist()


def _balances(horizon: Horizon, people: list[str]) -> list[float]:
    """Effort before the horizon minus each person's presence-prorated share of it."""
    prior = [horizon.prior.get(p, PriorLoad(0.0, 0.0)) for p in people]
    total = sum(p.effort for p in prior)
    days = sum(p.present_days for p in prior)
    if total == 0 or days == 0:
        return [p.effort for p in prior] if days == 0 else [0.0] * len(prior)
    return [p.effort - total * p.present_days / days for p in prior]


def _crowding(
    model: cp_model.CpModel,
    by_person_turn: Mapping[tuple[int, int], list[Any]],
    present: np.ndarray,
    places: int,
    cap: int,
    *,
    hard: bool,
) -> list[Any]:
    """Places a person takes in one turn beyond the turn's places over the people present
    (rounded up): a second place only when there are more places than people."""
    if cap <= 1:
        return []
    excess = []
    for (k, _i), vars_ in by_person_turn.items():
        even = math.ceil(places / max(1, int(present[k].sum())))
        if len(vars_) > even and hard:
            model.add(sum(vars_) <= even)
        elif len(vars_) > even:
            over = model.new_int_var(0, cap, "")
            model.add(over >= sum(vars_) - even)
            excess.append(over)
    return excess


def _variety(
    model: cp_model.CpModel, x: dict, present: np.ndarray, allowed: np.ndarray, need: Sequence[int]
) -> list[Any]:
    """Places of a target above the person's fair part of it, rounded up: each turn's
    places of the target divided among the people present who may do it."""
    if allowed.shape[2] < 2:
        return []
    able = allowed & present[:, :, None]  # K × P × T
    counts = able.sum(axis=1)  # K × T
    per_turn = np.divide(
        np.asarray(need, dtype=float)[None, :], counts, out=np.zeros(counts.shape), where=counts > 0
    )
    fair = np.ceil((able * per_turn[:, None, :]).sum(axis=0) - 1e-9).astype(int)  # P × T
    per: dict[tuple[int, int], list[Any]] = {}
    for (_k, i, j), var in x.items():
        per.setdefault((i, j), []).append(var)
    excess = []
    for (i, j), vars_ in per.items():
        if len(vars_) > fair[i, j]:
            over = model.new_int_var(0, len(vars_), "")
            model.add(over >= sum(vars_) - int(fair[i, j]))
            excess.append(over)
    return excess


def _changes(horizon: Horizon, x: dict, people: list[str], targets: Sequence[Any]) -> Any:
    """Published places whose person leaves (not kept in the new plan)."""
    assert horizon.published is not None
    p_index = {p: i for i, p in enumerate(people)}
    t_index = {t.id: j for j, t in enumerate(targets)}
    leaves: list[Any] = []
    constant = 0
    for k, pairs in enumerate(horizon.published):
        for pid, tid in pairs:
            var = x.get((k, p_index.get(pid, -1), t_index.get(tid, -1)))
            if var is None:
                constant += 1  # that person may no longer do it (or is gone): must leave
            else:
                leaves.append(1 - var)
    return sum(leaves) + constant


def _solve_phases(
    built: _Built,
    deadline: float,
    workers: int,
    seed: int,
    hint: set[tuple[int, int, int]] | None = None,
) -> tuple[dict[int, int], list[dict[str, Any]]] | None:
    """Lexicographic: each phase minimises its objective with the earlier ones held at
    their values, from the previous solution as a hint (the first phase from `hint`, a
    turn-by-turn plan). A phase that proves its optimum early leaves its time to the
    next ones; the first phase may use most of the time (it must find a plan)."""
    model, variables = built.model, list(built.x.values())
    if hint is not None:
        for key, var in built.x.items():
            model.add_hint(var, 1 if key in hint else 0)
    values: dict[int, int] = {}
    records: list[dict[str, Any]] = []
    for n, (name, objective) in enumerate(built.phases):
        if isinstance(objective, int):  # nothing left to choose (e.g. no published place)
            records.append(_record(name, "optimal", objective, float(objective), 0.0))
            continue
        model.minimize(objective)
        if values:
            model.clear_hints()
            for var in variables:
                model.add_hint(var, values[var.index])
        solver = cp_model.CpSolver()
        remaining = max(0.05, deadline - perf_counter())
        share = 0.8 if n == 0 and len(built.phases) > 1 else 1 / (len(built.phases) - n)
        solver.parameters.max_time_in_seconds = remaining * share
        solver.parameters.num_workers = max(1, int(workers))
        solver.parameters.random_seed = int(seed) % (2**31)
        # The model is highly symmetric (interchangeable people and turns): symmetry
        # detection and repeated presolve cost more than they save (10 s → 2 s at
        # 200 × 20 × 13).
        solver.parameters.symmetry_level = 0
        solver.parameters.max_presolve_iterations = 1
        code = solver.solve(model)
        if code == cp_model.INFEASIBLE:
            raise HorizonInfeasible(
                "No plan keeps every hard rule in every turn (pins, capacity and "
                "eligibility together)",
                {"phase": name},
            )
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            if not values:
                return None
            records.append(_record(name, "timeout", None, None, solver.wall_time))
            break
        value = int(round(solver.objective_value))
        status = "optimal" if code == cp_model.OPTIMAL else "feasible"
        records.append(
            _record(name, status, value, float(solver.best_objective_bound), solver.wall_time)
        )
        values = {var.index: int(solver.value(var)) for var in variables}
        model.add(objective <= value)
    return values, records
