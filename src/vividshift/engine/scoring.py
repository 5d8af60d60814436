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

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from vividshift.engine.eligibility import sets_by_size
from vividshift.engine.held_skills import HeldSkills, held_skills
from vividshift.engine.lazy_scores import (
    ByRowAndColumn,
    LazyMatrix,
    WithEntries,
    last_wins,
)
from vividshift.engine.model import Problem
from vividshift.engine.past import PastEntries, most_recent, past_entries
from vividshift.engine.stated_preferences import stated_cells

NEUTRAL_PREFERENCE = 0.5
_NONE = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32))  # no entries


@dataclass(frozen=True)
class Scores:
    rotation: np.ndarray | LazyMatrix  # float32, P × T (built when read whole)
    skill: np.ndarray | LazyMatrix  # float32, P × T
    preference: np.ndarray | LazyMatrix  # float32, P × T
    past_load: np.ndarray  # int64, P
    fair: np.ndarray | None = None  # float32 P × T, only with a prior_load


def compute_scores(
    problem: Problem,
    preferred_slot: np.ndarray | None = None,
    past: PastEntries | None = None,
    held: HeldSkills | None = None,
) -> Scores:
    """`preferred_slot`: bool P × T from `Eligibility.preferred_slot` (None: no slots);
    `past`, `held`: the history and the skills as arrays, when the caller has them
    (`Eligibility.past`, `Eligibility.held`)."""
    participants, targets = problem.participants, problem.targets
    n_p, n_t = len(participants), len(targets)
    t_index = {t.id: j for j, t in enumerate(targets)}

    past = past if past is not None else past_entries(problem)
    lazy = n_p * n_t >= LAZY_FROM
    rotation = _rotation(past, n_p, n_t, lazy)
    past_load = past.load

    preference = _preference_matrix(problem, t_index, preferred_slot, lazy)
    fair = None
    if problem.prior_load:
        fair = fair_share_matrix(problem)
        past_load = np.zeros(n_p, dtype=np.int64)
    return Scores(rotation, _skill_matrix(problem, held, lazy), preference, past_load, fair)


# From this many pairs, scores are read at pairs (`lazy_scores`); below, the whole
# matrices are built at once (cheaper than the searches that reading at pairs takes).
LAZY_FROM = 50_000


def _rotation(past: PastEntries, n_p: int, n_t: int, lazy: bool) -> np.ndarray | WithEntries:
    """1 everywhere but at the pairs of the history: i / depth (latest run i = 0)."""
    person, target, run = most_recent(past, n_t)
    values = (run / max(past.depth, 1)).astype(np.float32)  # as float64 written to float32
    if not lazy:
        rotation = np.ones((n_p, n_t), dtype=np.float32)
        rotation[person, target] = values
        return rotation
    keys = person * n_t + target
    order = np.argsort(keys, kind="stable")
    return WithEntries((n_p, n_t), 1.0, keys[order], values[order])


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


def _skill_matrix(
    problem: Problem, held: HeldSkills | None, lazy: bool = True
) -> np.ndarray | LazyMatrix:
    participants, targets = problem.participants, problem.targets
    held = held if held is not None else held_skills(participants, targets)
    if not held.index:
        shape = (len(participants), len(targets))
        return WithEntries(shape, 1.0, *_NONE) if lazy else np.ones(shape, dtype=np.float32)
    lazy_skill = SkillShare(held, [t.required_skills for t in targets])
    return lazy_skill if lazy else lazy_skill.full


class SkillShare(LazyMatrix):
    """The skill score: per pair, the mean of the person's levels (clipped to 0–1) in
    the target's required skills, bounded to 0–1; 1 for a target that requires none.

    Built whole — or read at more pairs than there are rows × sets — it is summed once
    per row of `held` (people with the same skills and no levels share one) and
    distinct set of required skills (targets often share one); read at fewer pairs,
    each pair's mean is summed on its own. Both add the same float32 terms in the same
    order (sorted skills), so they give the very same values."""

    def __init__(self, held: HeldSkills, required: Sequence[frozenset[str]]) -> None:
        super().__init__((held.row.size, len(required)))
        self.held = held
        sets: dict[frozenset[str], int] = {}
        self.column = np.array([sets.setdefault(r, len(sets)) for r in required], dtype=np.int64)
        self.sets = sets
        n_skills = len(held.index)
        zero, one = n_skills, n_skills + 1  # two more columns: 0 and 1 for everyone
        self.levels = np.zeros((held.n_rows, n_skills + 2), dtype=np.float32)
        self.levels[held.entry_row, held.entry_skill] = np.clip(held.entry_level, 0.0, 1.0)
        self.levels[:, one] = 1.0
        sizes = np.fromiter(map(len, sets), np.int64, count=len(sets))
        # Each set's skills in sorted order, padded with the zero column; a set of no
        # skills reads the one column once (its score is 1).
        skills_of = np.full((len(sets), max(int(sizes.max(initial=0)), 1)), zero)
        skills_of[sizes == 0, 0] = one
        for n, ks, skills in sets_by_size(sets, held.index):
            skills_of[ks, :n] = skills
        self.skill_columns = [np.ascontiguousarray(c) for c in skills_of.T]
        self.share = np.ones(len(sets), dtype=np.float32)
        self.share[sizes > 0] = (1.0 / sizes[sizes > 0]).astype(np.float32)
        self._per_set: np.ndarray | None = None

    def at(self, flat: np.ndarray) -> np.ndarray:
        p, t = np.divmod(flat, max(self.shape[1], 1))
        if self._per_set is not None or self.held.n_rows * len(self.sets) <= flat.size:
            return self.per_set()[self.held.row[p], self.column[t]]
        s = self.column[t]
        base = self.held.row[p] * self.levels.shape[1]
        share = self.share[s]
        levels = self.levels.reshape(-1)
        total = np.zeros(flat.size, dtype=np.float32)
        for skill in self.skill_columns:  # the k-th skill of each pair's set
            term = levels[base + skill[s]]
            term *= share
            total += term
        return np.minimum(np.maximum(total, 0.0, out=total), 1.0, out=total)

    def build(self) -> np.ndarray:
        return ByRowAndColumn(self.per_set(), self.held.row, self.column).build()

    def per_set(self) -> np.ndarray:
        """float32 rows × sets: the score of each row of `held` for each set (kept)."""
        if self._per_set is None:
            self._per_set = self._sum_per_set()
        return self._per_set

    def _sum_per_set(self) -> np.ndarray:
        # Summed in numpy rather than by a BLAS product: on a shared machine OpenBLAS'
        # threads turned this microsecond product into tens of milliseconds.
        levels = self.levels[:, :-2]
        per_set = np.ones((levels.shape[0], len(self.sets)), dtype=np.float32)
        for n, ks, skills in sets_by_size(self.sets, self.held.index):
            # Sets of one size at once, their skills added in sorted order.
            share = np.float32(1.0 / n)
            total = np.zeros((levels.shape[0], ks.size), dtype=np.float32)
            for r in range(n):
                total += levels[:, skills[:, r]] * share
            per_set[:, ks] = total
        # Bounded per set, before the columns are spread to every target (fewer cells).
        np.maximum(per_set, 0.0, out=per_set)
        np.minimum(per_set, 1.0, out=per_set)
        return per_set


def _preference_matrix(
    problem: Problem, t_index: dict[str, int], preferred_slot: np.ndarray | None, lazy: bool
) -> np.ndarray | LazyMatrix:
    shape = (len(problem.participants), len(problem.targets))
    slots = preferred_slot is not None and bool(preferred_slot.any())
    p, t, values = stated_cells(problem.participants, t_index)
    if not slots and not p.size:
        # Neutral everywhere: one value seen as P × T (read-only, no memory per pair).
        return np.broadcast_to(np.float32(NEUTRAL_PREFERENCE), shape)
    keys, written = p * shape[1] + t, values.astype(np.float32)
    raised = preferred_slot if slots else None
    if not lazy:
        pref = np.full(shape, NEUTRAL_PREFERENCE, dtype=np.float32)
        if raised is not None:
            pref[raised] = 1.0
        pref.reshape(-1)[keys] = written  # repeated positions: the last value is written
        return pref
    at, last = last_wins(keys, written)
    return WithEntries(shape, NEUTRAL_PREFERENCE, at, last, raised=raised, raised_value=1.0)


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
