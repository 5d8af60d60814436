"""A fair start plan for the solver: the turns filled one by one, each by an exact
min-cost flow whose costs lean toward the people furthest below their fair load (per
turn they are still present for), away from repeats and from a target a person has
already done their part of. Milliseconds a turn; the solver then improves on it."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from ortools.graph.python import min_cost_flow

from vividshift.engine.horizon.fair import variety_caps

# Cost weights, in the planner's order: a repeat outweighs everything, a second place
# in a turn comes after every first place, then fairness (urgency), the unrounded fair load (TIE),
# and variety (a place
# above the person's part of the target) only breaks ties.
REPEAT = 10**13
SECOND_PLACE = 10**11
URGENCY = 10**6
OVER_PART = 1_000
TIE = 100


def fair_start(
    allowed: np.ndarray,
    present: np.ndarray,
    fair_load: Sequence[int],
    quota: Sequence[float],
    effort: Sequence[int],
    need: Sequence[int],
    cap: int,
    windows: Sequence[int],
    previous: np.ndarray,
) -> set[tuple[int, int, int]] | None:
    """(turn, person, target) places, or None when a turn cannot be filled.
    `fair_load` is each person's fair load in whole effort units (what the fairness
    phase measures); `quota` the same unrounded, which breaks ties: of two people whose
    rounded loads tie, the one with more to do comes first.

    `allowed` is K × P × T, `present` K × P, `previous` M × P × T (the turns before
    the horizon, most recent first)."""
    K, P, T = allowed.shape
    placed = np.zeros((K, P, T), dtype=bool)
    load = np.zeros(P)
    parts = np.zeros((P, T), dtype=int)
    caps = variety_caps(present, allowed, need)
    mean_effort = max(1.0, float(np.mean(effort)))
    residual = np.asarray(quota, dtype=float) - np.asarray(fair_load)  # in (-1, 1)
    for k in range(K):
        turns_left = np.maximum(1, present[k:].sum(axis=0))
        urgency = (np.asarray(fair_load) - load) / turns_left / mean_effort
        recent = np.zeros((P, T), dtype=bool)
        for j, w in enumerate(windows):
            for gap in range(1, w + 1):
                if k - gap >= 0:
                    recent[:, j] |= placed[k - gap, :, j]
                elif gap - k - 1 < previous.shape[0]:
                    recent[:, j] |= previous[gap - k - 1, :, j]
        pi, tj = np.nonzero(allowed[k])
        cost = (
            -np.round(URGENCY * urgency[pi] * np.asarray(effort)[tj]).astype(np.int64)
            - np.round(TIE * residual[pi]).astype(np.int64)
            + REPEAT * recent[pi, tj]
            + OVER_PART * (parts[pi, tj] >= caps[pi, tj])
        )
        chosen = _flow(P, T, pi, tj, cost, need, cap)
        if chosen is None:
            return None
        for i, j in chosen:
            placed[k, i, j] = True
            load[i] += effort[j]
            parts[i, j] += 1
    return {(int(k), int(i), int(j)) for k, i, j in zip(*np.nonzero(placed), strict=True)}


def _flow(
    P: int,
    T: int,
    pi: np.ndarray,
    tj: np.ndarray,
    cost: np.ndarray,
    need: Sequence[int],
    cap: int,
) -> list[tuple[int, int]] | None:
    """One turn: source → person (a place each, later places dearer) → target → sink."""
    source, sink = 0, P + T + 1
    slot_t, slot_h, slot_c = [], [], []
    for s in range(cap):
        slot_t += [source] * P
        slot_h += list(range(1, P + 1))
        slot_c += [s * SECOND_PLACE] * P
    tails = np.concatenate([slot_t, pi + 1, np.arange(T) + P + 1]).astype(np.int64)
    heads = np.concatenate([slot_h, tj + P + 1, np.full(T, sink)]).astype(np.int64)
    caps = np.concatenate([np.ones(len(slot_t) + pi.size), np.asarray(need)]).astype(np.int64)
    costs = np.concatenate([slot_c, cost, np.zeros(T)]).astype(np.int64)
    smcf = min_cost_flow.SimpleMinCostFlow()
    smcf.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
    total = int(sum(need))
    smcf.set_nodes_supplies(np.array([source, sink]), np.array([total, -total]))
    if smcf.solve() != smcf.OPTIMAL:
        return None
    flows = smcf.flows(np.arange(len(slot_t), len(slot_t) + pi.size))
    return [(int(pi[a]), int(tj[a])) for a in np.nonzero(flows > 0)[0]]
