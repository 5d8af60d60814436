"""The solver-facing instance: eligible arcs with integer costs, shared by both solvers.

Flow and CP-SAT read the very same arrays, so "our objective equals CP-SAT's" is a
statement about one cost model, not two.
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
    mask = allowed if relaxed else allowed & (repeat_weight == 0)
    arc_p, arc_t = np.nonzero(mask)
    order = np.argsort(rank[arc_p], kind="stable")
    arc_p, arc_t = arc_p[order].astype(np.int64), arc_t[order].astype(np.int64)
    cost = pair_cost[arc_p, arc_t].astype(np.int64)
    repeat = repeat_weight[arc_p, arc_t].astype(np.int32)
    if relaxed and repeat.any():
        top = int(cost.max(initial=0)) + int(load_cost.max(initial=0))
        penalty = top * max(int(required.sum()), 1) + 1
        cost = cost + penalty * repeat.astype(np.int64)
    return Instance(
        required=required.astype(np.int64),
        capacity=capacity.astype(np.int64),
        load_cost=load_cost.astype(np.int64),
        arc_p=arc_p,
        arc_t=arc_t,
        arc_cost=cost,
        arc_repeat=repeat,
        relaxed=relaxed,
        rank=rank.astype(np.int64),
    )
