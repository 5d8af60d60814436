"""What a strategy is: parameters in, a cost plan for the solver out.

A strategy never assigns anyone itself. It turns scores into integer costs and says
how strict required skills are (`skill_policy`; the rule itself lives in
`eligibility`); the same exact solver then finds the cheapest valid assignment. So
every strategy inherits validity and optimality from the solver, and differs only in
what "cheapest" means.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any, Protocol

import numpy as np

from vividshift.engine.eligibility import Eligibility, SkillPolicy
from vividshift.engine.lazy_scores import LazyMatrix, values_at
from vividshift.engine.model import Problem
from vividshift.engine.scoring import Scores

# Scores are 0–1 floats; the flow needs integers. 1/1000 of a score point is finer
# than any weight a user sets, and keeps the largest instance's costs far from int64
# overflow even after the no-repeat relaxation penalty multiplies them.
SCALE = 1000


@dataclass(frozen=True)
class Weights:
    rotation: float = 0.0
    balance: float = 0.0
    skill: float = 0.0
    preference: float = 0.0

    def total(self, rotation: float, balance: float, skill: float, preference: float) -> float:
        """Weighted mean of the component scores; equal weights when all are 0."""
        w = (self.rotation, self.balance, self.skill, self.preference)
        if sum(w) == 0:
            w = (1.0, 1.0, 1.0, 1.0)
        s = (rotation, balance, skill, preference)
        return sum(a * b for a, b in zip(w, s, strict=True)) / sum(w)


@dataclass(frozen=True)
class Context:
    problem: Problem
    scores: Scores
    eligibility: Eligibility
    parameters: Mapping[str, Any]  # already read against the strategy's schema


@dataclass(frozen=True)
class Plan:
    weights: Weights
    pair_cost: np.ndarray  # int32 or int64 P × T, in SCALE units
    balance_weight: float  # cost of load, per unit of normalised load
    exact_fill: bool = True  # False: fill what can be filled (ensure_capacity=false)
    notes: tuple[str, ...] = ()


class Strategy(Protocol):
    name: str
    description: str
    schema: dict[str, Any]

    def default_window(self, parameters: Mapping[str, Any]) -> int:
        """No-repeat window applied when the run gives no `no_repeat` constraint."""
        ...

    def skill_policy(self, parameters: Mapping[str, Any]) -> SkillPolicy:
        """The skill threshold (and fallback) eligibility applies for this strategy."""
        ...

    def fills_exactly(self, parameters: Mapping[str, Any]) -> bool:
        """Every place must be filled (the plan's `exact_fill`), known before any score."""
        ...

    def plan(self, context: Context) -> Plan: ...


def weighted_cost(scores: Scores, weights: Weights, where: np.ndarray | None = None) -> np.ndarray:
    """SCALE × Σ weight × (1 − score) over the pair components, as integers (int32
    whenever the weights keep every cost far below its range: half the memory of int64).

    Computed by blocks of rows with in-place float64 operations (the same operations,
    in the same order, as the plain expression: bit for bit the same costs), which
    keeps a 10 000 × 1 000 instance from allocating a dozen 80 MB temporaries.
    `where` (bool P × T, the eligible pairs): when few pairs are eligible, only those
    are computed (the same values; the others are 0 and never read).
    """
    terms = [
        (w, s)
        for w, s in (
            (weights.rotation, scores.rotation),
            (weights.skill, scores.skill),
            (weights.preference, scores.preference),
            # The ledger's fair share rides on the balance weight (see scoring).
            (weights.balance, scores.fair),
        )
        if w and s is not None
    ]
    n_rows, n_cols = scores.rotation.shape
    dtype = _cost_type(terms)
    if where is not None and np.count_nonzero(where) < SPARSE_SHARE * where.size:
        return _cost_at(terms, where, dtype)
    out = np.empty((n_rows, n_cols), dtype=dtype)
    step = max(1, (1 << 14) // max(n_cols, 1))
    for r0 in range(0, n_rows, step):
        rows = slice(r0, min(n_rows, r0 + step))
        cost = np.zeros((rows.stop - r0, n_cols), dtype=np.float64)
        for w, s in terms:
            _add_term(cost, w, s, partial(s.__getitem__, rows))
        cost *= SCALE
        out[rows] = np.rint(cost, out=cost)
    return out


Terms = list[tuple[float, np.ndarray | LazyMatrix]]  # (weight, score) of each cost term

# Below this share of eligible pairs, costs are computed on the pairs alone.
SPARSE_SHARE = 0.25


def _cost_type(terms: Terms) -> type[np.signedinteger]:
    """int32 when SCALE × Σ |weight| (the largest cost) leaves ample headroom (a fallback
    may add a random cost below SCALE), else int64."""
    top = SCALE * (sum(abs(w) for w, _ in terms) + 2)
    return np.int32 if top < 2**30 else np.int64


def _add_term(
    cost: np.ndarray, w: float, s: np.ndarray | LazyMatrix, read: Callable[[], np.ndarray]
) -> None:
    """cost += w × (1 − s), in float64 and in place; `read()`: s at cost's pairs. A score
    that is one value seen as P × T (a neutral preference) is added as that one number:
    the same float64 terms, without reading it at every pair."""
    if isinstance(s, np.ndarray) and s.size and not any(s.strides):
        cost += (1.0 - float(s.flat[0])) * w
        return
    term = np.subtract(1.0, read(), dtype=np.float64)
    term *= w
    cost += term


def _cost_at(
    terms: Terms,
    where: np.ndarray,
    dtype: type[np.signedinteger],
) -> np.ndarray:
    """`weighted_cost` on the pairs of `where` only (zeros elsewhere)."""
    at = np.flatnonzero(where)
    cost = np.zeros(at.size, dtype=np.float64)
    for w, s in terms:
        _add_term(cost, w, s, partial(values_at, s, at))
    cost *= SCALE
    out = np.zeros(where.shape, dtype=dtype)
    out.reshape(-1)[at] = np.rint(cost, out=cost)
    return out


UNIT = {"type": "number", "minimum": 0, "maximum": 1}
