"""Per-pair scores in 0–1 (higher is better), as dense participant × target matrices.

- rotation: 1 if the participant never did the target in the known history, else
  i / depth, where i is the index of the most recent run with it (latest run = 0).
- skill: 1 for a target without required skills, else the mean level of the
  participant in each required skill (a missing skill counts 0).
- preference: 0.5 neutral; 1 when the target's window overlaps one of the person's
  `preferred` time slots (`availability`); the person's explicit target preferences
  override that: `preferred_targets` → 1, `avoided_targets` → 0, `targets: {id: x}` → x.
- fair share (only when the problem has a `prior_load`, the ledger's balances): per
  pair, how much giving the target to the person raises the objective
  Σ (balance after this run − lowest balance)², normalised to 0–1 (1 = cheapest). A
  convex cost of the resulting balance: the person furthest below their share takes the
  heaviest place first, and the largest excess over the share is what it lowers most.
  The place count of the history is then left out (the ledger already counts it).
- balance is per assignment, not per pair: `load_marginals` gives, for each
  participant, the normalised load of their 1st, 2nd, … new assignment, counting
  their assignments over the whole given history. It increases with each extra
  assignment, which makes the total load cost convex (see `solve`).

Matrices are numpy so that 10 000 × 1 000 instances build in well under a second.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vividshift.engine.model import Problem
from vividshift.engine.past import PastEntries, most_recent, past_entries

NEUTRAL_PREFERENCE = 0.5


@dataclass(frozen=True)
class Scores:
    rotation: np.ndarray  # float32, P × T
    skill: np.ndarray  # float32, P × T
    preference: np.ndarray  # float32, P × T
    past_load: np.ndarray  # int64, P
    fair: np.ndarray | None = None  # float32 P × T, only with a prior_load


def compute_scores(
    problem: Problem, preferred_slot: np.ndarray | None = None, past: PastEntries | None = None
) -> Scores:
    """`preferred_slot`: bool P × T from `Eligibility.preferred_slot` (None: no slots);
    `past`: the history as arrays, when the caller has it (`Eligibility.past`)."""
    participants, targets = problem.participants, problem.targets
    n_p, n_t = len(participants), len(targets)
    t_index = {t.id: j for j, t in enumerate(targets)}

    past = past if past is not None else past_entries(problem)
    person, target, run = most_recent(past, n_t)
    rotation = np.ones((n_p, n_t), dtype=np.float32)
    if past.depth:
        rotation[person, target] = run / past.depth
    past_load = past.load

    preference = _preference_matrix(problem, t_index, preferred_slot)
    fair = None
    if problem.prior_load:
        fair = fair_share_matrix(problem)
        past_load = np.zeros(n_p, dtype=np.int64)
    return Scores(rotation, _skill_matrix(problem), preference, past_load, fair)


def fair_share_matrix(problem: Problem) -> np.ndarray:
    """P × T in 0–1: 1 − the normalised rise of Σ (balance − lowest)² when the person
    takes one place of the target (balance = the ledger's load − fair share)."""
    balance = np.array(
        [float(problem.prior_load.get(p.id, 0.0)) for p in problem.participants], dtype=np.float64
    )
    effort = np.array([t.effort for t in problem.targets], dtype=np.float64)
    if not balance.size or not effort.size:
        return np.ones((balance.size, effort.size), dtype=np.float32)
    shifted = balance - balance.min()
    rise = (shifted[:, None] + effort[None, :]) ** 2 - (shifted**2)[:, None]
    top = float(rise.max())
    return (1.0 - rise / top).astype(np.float32) if top > 0 else np.ones_like(rise, np.float32)


def _skill_matrix(problem: Problem) -> np.ndarray:
    participants, targets = problem.participants, problem.targets
    vocabulary = sorted({s for t in targets for s in t.required_skills})
    if not vocabulary:
        return np.ones((len(participants), len(targets)), dtype=np.float32)
    s_index = {s: k for k, s in enumerate(vocabulary)}
    rows: list[int] = []
    cols: list[int] = []
    values: list[float] = []
    for i, p in enumerate(participants):
        for skill in p.skills:
            k = s_index.get(skill)
            if k is not None:
                rows.append(i)
                cols.append(k)
                values.append(p.skill_levels.get(skill, 1.0))
    levels = np.zeros((len(participants), len(vocabulary)), dtype=np.float32)
    levels[rows, cols] = np.clip(np.array(values, dtype=np.float64), 0.0, 1.0)
    # One column per distinct set of required skills (targets often share one), summed
    # in numpy rather than by a BLAS product: on a shared machine OpenBLAS' threads
    # turned this microsecond product into tens of milliseconds.
    sets: dict[frozenset[str], int] = {}
    column_set = np.array(
        [sets.setdefault(t.required_skills, len(sets)) for t in targets], dtype=np.int64
    )
    per_set = np.ones((len(participants), len(sets)), dtype=np.float32)
    for required, k in sets.items():
        if required:
            share = np.float32(1.0 / len(required))
            column = np.zeros(len(participants), dtype=np.float32)
            for skill in sorted(required):
                column += levels[:, s_index[skill]] * share
            per_set[:, k] = column
    # Bounded per set, before the columns are spread to every target (fewer cells).
    np.maximum(per_set, 0.0, out=per_set)
    np.minimum(per_set, 1.0, out=per_set)
    return np.take(per_set, column_set, axis=1)


def _preference_matrix(
    problem: Problem, t_index: dict[str, int], preferred_slot: np.ndarray | None
) -> np.ndarray:
    shape = (len(problem.participants), len(problem.targets))
    pref = np.full(shape, NEUTRAL_PREFERENCE, dtype=np.float32)
    if preferred_slot is not None and preferred_slot.any():
        pref[preferred_slot] = 1.0
    # Collected first, written in three passes in the order of precedence (explicit
    # values, then preferred, then avoided: a later pass overrides an earlier one).
    valued: tuple[list[int], list[int], list[float]] = ([], [], [])
    liked: tuple[list[int], list[int]] = ([], [])
    avoided: tuple[list[int], list[int]] = ([], [])
    for i, p in enumerate(problem.participants):
        if not p.preferences:
            continue
        for tid, value in (p.preferences.get("targets") or {}).items():
            if tid in t_index:
                valued[0].append(i)
                valued[1].append(t_index[tid])
                valued[2].append(min(max(float(value), 0.0), 1.0))
        for into, key in ((liked, "preferred_targets"), (avoided, "avoided_targets")):
            for tid in p.preferences.get(key) or ():
                if tid in t_index:
                    into[0].append(i)
                    into[1].append(t_index[tid])
    pref[valued[0], valued[1]] = valued[2]
    pref[liked[0], liked[1]] = 1.0
    pref[avoided[0], avoided[1]] = 0.0
    return pref


def load_marginals(past_load: np.ndarray, capacity: int) -> np.ndarray:
    """P × capacity: normalised load (0–1) of each participant's k-th new assignment.

    Offsetting by the smallest past load changes every feasible solution's cost by
    the same amount (all runs place the same number of people), so the optimum is
    unchanged while the scores stay readable: the least-loaded person's first
    assignment scores balance 1.
    """
    base = past_load - (past_load.min() if past_load.size else 0)
    steps = base[:, None] + np.arange(capacity)[None, :]
    span = max(int(steps.max()) if steps.size else 0, 1)
    return steps.astype(np.float64) / span
