"""The solver-facing instance: eligible arcs with integer costs, shared by both solvers.

Flow and CP-SAT read the very same arrays, so "our objective equals CP-SAT's" is a
statement about one cost model, not two.

`DenseInstance` is the same problem kept as participant × target matrices: the
pruned flow (`prune`) reads costs from it without ever listing every eligible pair,
and it builds the arc lists (all of them, or a subset) in the one canonical order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Instance:
    required: np.ndarray  # int64, T: places per target
    capacity: np.ndarray  # int64, P: max assignments per participant
    load_cost: np.ndarray  # int64, P × max(capacity): cost of the k-th assignment
    arc_p: np.ndarray  # int64, A: participant index of each eligible pair
    arc_t: np.ndarray  # int64, A: target index
    arc_cost: np.ndarray  # int64, A
    arc_repeat: np.ndarray  # int32, A: no-repeat weight (0 = not a repeat)
    relaxed: bool  # True: repeats allowed at a dominating penalty
    rank: np.ndarray  # int64, P: seeded order of participants (graph node order)

    @property
    def n_participants(self) -> int:
        return int(self.capacity.shape[0])

    @property
    def n_targets(self) -> int:
        return int(self.required.shape[0])

    @property
    def total_required(self) -> int:
        return int(self.required.sum())


@dataclass(frozen=True)
class DenseInstance:
    """The instance as P × T matrices: `eligible` pairs cost `pair_cost + penalty × repeat`."""

    eligible: np.ndarray  # bool P × T: the pairs that are arcs
    pair_cost: np.ndarray  # int32 or int64 P × T (meaningful where eligible)
    repeat_weight: np.ndarray  # int32 P × T: no-repeat weight (0 = not a repeat)
    penalty: int  # cost per unit of repeat weight (0 unless relaxed with repeats)
    required: np.ndarray  # int64, T
    capacity: np.ndarray  # int64, P
    load_cost: np.ndarray  # int64, P × max(capacity)
    rank: np.ndarray  # int64, P
    relaxed: bool

    @property
    def n_participants(self) -> int:
        return int(self.capacity.shape[0])

    @property
    def n_targets(self) -> int:
        return int(self.required.shape[0])

    def costs_at(self, p: np.ndarray, t: np.ndarray) -> np.ndarray:
        """int64 cost of the pairs (p[i], t[i])."""
        at = p * self.n_targets + t  # flat positions: a flat gather is twice as fast
        cost = self.pair_cost.reshape(-1)[at].astype(np.int64)
        if self.penalty:
            cost += self.penalty * self.repeat_weight.reshape(-1)[at].astype(np.int64)
        return cost

    def cost_block(self, rows: slice, cols: slice) -> np.ndarray:
        """Integer cost matrix of a block of pairs (a view when there is no penalty; int64
        with one)."""
        cost = self.pair_cost[rows, cols]
        if self.penalty:
            cost = cost + self.penalty * self.repeat_weight[rows, cols].astype(np.int64)
        return cost

    def instance(self) -> Instance:
        """Every eligible pair as an arc."""
        order = np.argsort(self.rank, kind="stable")
        # Flat positions, split by division: 2-D `np.nonzero` is several times slower.
        key = np.flatnonzero(self.eligible[order])
        n_t = max(self.n_targets, 1)
        return self._arcs(order[key // n_t], key % n_t)

    def sub_instance(self, p: np.ndarray, t: np.ndarray) -> Instance:
        """Only the given (eligible, distinct) pairs as arcs, in the same order as `instance`."""
        n_t = max(self.n_targets, 1)
        order = np.argsort(self.rank, kind="stable")
        position = np.empty_like(order)
        position[order] = np.arange(order.size)
        key = np.sort(position[p] * n_t + t)
        return self._arcs(order[key // n_t], key % n_t)

    def _arcs(self, arc_p: np.ndarray, arc_t: np.ndarray) -> Instance:
        arc_p, arc_t = arc_p.astype(np.int64), arc_t.astype(np.int64)
        return Instance(
            required=self.required,
            capacity=self.capacity,
            load_cost=self.load_cost,
            arc_p=arc_p,
            arc_t=arc_t,
            arc_cost=self.costs_at(arc_p, arc_t),
            arc_repeat=self.repeat_weight.reshape(-1)[arc_p * self.n_targets + arc_t].astype(
                np.int32
            ),
            relaxed=self.relaxed,
            rank=self.rank,
        )


def build_dense(
    allowed: np.ndarray,
    repeat_weight: np.ndarray,
    pair_cost: np.ndarray,
    load_cost: np.ndarray,
    required: np.ndarray,
    capacity: np.ndarray,
    rank: np.ndarray,
    relaxed: bool,
) -> DenseInstance:
    """The problem `build_instance` lists as arcs, as matrices (see `build_instance`)."""
    eligible = allowed if relaxed else allowed & (repeat_weight == 0)
    penalty = 0
    if relaxed and bool(((repeat_weight != 0) & eligible).any()):
        top = int(np.max(pair_cost, where=eligible, initial=0)) + int(load_cost.max(initial=0))
        penalty = top * max(int(required.sum()), 1) + 1
    return DenseInstance(
        eligible=eligible,
        pair_cost=_integer_costs(pair_cost),
        repeat_weight=repeat_weight,
        penalty=penalty,
        required=required.astype(np.int64),
        capacity=capacity.astype(np.int64),
        load_cost=load_cost.astype(np.int64),
        rank=rank.astype(np.int64),
        relaxed=relaxed,
    )


def _integer_costs(pair_cost: np.ndarray) -> np.ndarray:
    """The costs as they are when int32/int64 (no P × T copy), else as int64."""
    if pair_cost.dtype in (np.int32, np.int64):
        return pair_cost
    return np.asarray(pair_cost, dtype=np.int64)


def build_instance(
    allowed: np.ndarray,
    repeat_weight: np.ndarray,
    pair_cost: np.ndarray,
    load_cost: np.ndarray,
    required: np.ndarray,
    capacity: np.ndarray,
    rank: np.ndarray,
    relaxed: bool,
) -> Instance:
    """Arcs for the allowed pairs, ordered by `rank` (the seeded participant order).

    The order changes which of several equally cheap optima a solver returns, never
    the optimal cost: that is how a seed varies ties deterministically.
    Relaxed: a repeat costs `penalty × weight` with penalty above the cost of any
    complete assignment without it, so the solver first minimises repeats (weighted
    toward older ones), then everything else.
    """
    return build_dense(
        allowed, repeat_weight, pair_cost, load_cost, required, capacity, rank, relaxed
    ).instance()
