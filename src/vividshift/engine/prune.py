"""The min-cost flow on a subset of the pairs, with a certificate that it is optimal for all.

When nearly every pair is eligible (10 000 × 1 000 = 10 M arcs), building and solving
the full flow dominates the run, yet an optimum only ever uses a few cheap pairs per
target. So:

1. Candidates: each target's cheapest `per_target × required + extra` eligible
   participants (by pair cost plus the participant's first load step), and each
   participant's `capacity + per_participant` cheapest eligible targets. Ties are
   broken by the seeded participant order, scrambled per target (per participant) so
   that targets with equal costs look at different people.
2. Solve the flow on those arcs only, with node potentials π (an optimal dual,
   verified on every residual arc: see `flow.node_potentials`).
3. Certificate: the full graph's residual graph is the subset's plus one arc p → t
   per pruned pair (unused, cost(p, t)). If every such arc also has reduced cost
   `cost(p, t) + π[p] − π[t] ≥ 0` — checked for all P × T pairs at once (numpy, by
   blocks) — π is a feasible dual of the full problem, so its residual graph has no
   negative cycle: the flow is a min-cost flow of the full problem, with the full
   problem's objective (and it places everyone, so it is also the maximum flow).
4. Otherwise the pairs with negative reduced cost join the subset and the flow is
   solved again (column generation; the subset only grows, so this ends).

Exactness never depends on the candidate sizes, only speed does. If the subset
cannot place everyone, the full graph may still: when every place must be filled, a
maximum flow on the subset, proven maximum for all pairs, decides (`_shortfall`: the
explanation is the full graph's minimum cut); otherwise — or when the subset grows
past `max_share` of the pairs or needs more than `max_rounds` rounds — the full graph
is solved.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from vividshift.engine.arc_prune import Candidates, first_of_groups, prune_arcs, tie_masks
from vividshift.engine.flow import FlowOutcome, Potentials, max_flow, solve_flow
from vividshift.engine.instance import DenseInstance, Instance

_BLOCK = 1 << 15  # pairs per block in the P × T passes (keeps temporaries in cache)


@dataclass(frozen=True)
class Pruning:
    """When and how much to prune. The result is exact whatever the values."""

    # Fewer eligible pairs: the full graph directly. From 1e4 dense pairs on, pruning is
    # faster (1e4: 4.4 vs 5.8 ms; 3e4: 8 vs 13 ms) and leaner: OR-Tools' flow takes
    # ~90 bytes per arc, over twice the whole engine's budget per pair.
    min_arcs: int = 5_000
    # Fewer eligible pairs than this share of P × T: the full graph directly. The
    # candidate and certificate passes read all P × T pairs; on a sparse instance they
    # cost more than the flow on the few eligible ones saves.
    min_density: float = 0.25
    per_target: float = 2.0  # candidates per target: per_target × required + extra
    extra: int = 4
    per_participant: int = 2  # candidates per participant: capacity + per_participant
    max_rounds: int = 8  # certificate rounds before giving up (full graph)
    max_share: float = 0.3  # subset larger than this share of all pairs: full graph
    # Sparse instances (below `min_density`) from this many eligible pairs are pruned
    # over their arc list (`arc_prune`), with the same candidates per target and per
    # participant; a subset above `sparse_max_share` of the pairs: the full graph. (Two
    # spare targets per person matter there: on the generate benchmark's 1 M pairs, with
    # one spare a few hundred people priced out every other target and a second round
    # cost 120 ms; with none the first subset could not place everyone.)
    min_sparse_arcs: int = 10_000
    sparse_max_share: float = 0.5


DEFAULT_PRUNING = Pruning()


@dataclass(frozen=True)
class FlowRun:
    """The flow, the instance its `chosen` refers to (a subset when pruned), and a note."""

    inst: Instance
    flow: FlowOutcome
    note: str | None = None


def solve_dense(dense: DenseInstance, *, exact: bool, pruning: Pruning | None) -> FlowRun:
    """The min-cost flow of `dense` — over all its pairs, or pruned with a certificate.

    When every place must be filled and cannot be, a maximum flow on the subset, proven
    maximum for all pairs (`_shortfall`), is the answer instead."""
    n_pairs = int(np.count_nonzero(dense.eligible))
    all_pairs = dense.n_participants * dense.n_targets
    if pruning is None or n_pairs == 0 or n_pairs < pruning.min_arcs:
        return _full(dense, exact)
    if n_pairs < pruning.min_density * all_pairs:
        return _sparse(dense, exact, pruning, n_pairs)
    short = surely_short(dense)
    if short and not exact:
        return _full(dense, exact)
    usable = dense.capacity > 0
    first = dense.load_cost[:, 0] if dense.load_cost.shape[1] else np.zeros(dense.n_participants)
    first = np.where(usable, first, 0).astype(np.int64)
    keys = _candidates(dense, first, usable, pruning)
    n_t = dense.n_targets
    graph_short, widened = short, pruning
    for round_ in range(1, pruning.max_rounds + 1):
        if keys.size > pruning.max_share * n_pairs:
            break
        if short:  # every place demanded and the subset (or the graph) falls short
            run, grown = _shortfall(dense, keys, pruning)
            if run is not None:
                return run
            if grown is None:  # no proof within the rounds: the full graph decides
                break
            keys, short = grown, False  # the grown subset places everyone: min cost
            continue
        inst = dense.sub_instance(keys // n_t, keys % n_t)
        flow = solve_flow(inst, exact=exact, potentials=True, explain=False)
        if not flow.complete and exact and not graph_short and widened is pruning:
            # A tight instance (most people needed) whose cheapest candidates leave some
            # place unreachable, while the graph has enough people for every target:
            # once, twice the candidates, far cheaper than the growth `_shortfall` does
            # (every pair into every target a short one reaches: often all of them). An
            # instance still short then is most likely infeasible: `_shortfall` decides.
            widened = _wider(pruning)
            keys = _union(keys, _candidates(dense, first, usable, widened), dense)
            continue
        if not flow.complete and exact:
            short = True
            continue
        if not flow.complete or flow.potentials is None:
            break
        chosen = inst.arc_p[flow.chosen] * n_t + inst.arc_t[flow.chosen]
        p, t, reduced = _violations(dense, flow.potentials, chosen)
        if p.size == 0:
            return FlowRun(inst, flow, _pruned_note(keys.size, n_pairs, round_))
        keys = _union(keys, _most_negative(p, t, reduced, dense, pruning), dense)
    return _full(dense, exact)


def _wider(pruning: Pruning) -> Pruning:
    """Twice the candidates per target and per participant."""
    return replace(
        pruning,
        per_target=2 * pruning.per_target,
        extra=2 * pruning.extra,
        per_participant=2 * pruning.per_participant + 1,
    )


def _union(keys: np.ndarray, more: np.ndarray, dense: DenseInstance) -> np.ndarray:
    """Sorted keys in either (a mask over the P × T keys: no sort of the union)."""
    mask = np.zeros(dense.n_participants * dense.n_targets, dtype=bool)
    mask[keys] = True
    mask[more] = True
    return np.flatnonzero(mask)


def _shortfall(
    dense: DenseInstance, keys: np.ndarray, pruning: Pruning
) -> tuple[FlowRun | None, np.ndarray | None]:
    """(A maximum flow that places fewer than all, proven maximum for every pair, or
    None; the subset's keys grown until its maximum flow places everyone, or None when
    the rounds ran out first).

    The flow is maximum on the subset. Over all pairs, the nodes that can reach the
    sink in the residual graph are found on the P × T matrix (`_reaching_sink`); if
    none of the people among them has spare capacity, the source cannot reach the
    sink: the flow is maximum for all pairs too, and the instance returned — the
    subset plus every pair into the targets found — has the same minimum cut, which
    is all the explanation reads. Otherwise those pairs join the subset and it runs
    again (an augmenting path needs one of them: the subset grows, so this ends)."""
    n_t = dense.n_targets
    for _ in range(pruning.max_rounds):
        inst = dense.sub_instance(keys // n_t, keys % n_t)
        flow = max_flow(inst)
        if flow.complete:
            return None, keys
        used = inst.arc_p[flow.chosen], inst.arc_t[flow.chosen]
        targets, people = _reaching_sink(dense, flow.filled, used)
        p, t = np.nonzero(dense.eligible[:, targets])
        grown = _union(keys, p * n_t + targets[t], dense)
        load = np.bincount(used[0], minlength=dense.n_participants)
        if not (people & (load < dense.capacity)).any():
            full = dense.sub_instance(grown // n_t, grown % n_t)
            at = np.searchsorted(_sorted_keys(full), _sorted_keys(inst)[flow.chosen])
            chosen = np.zeros(full.arc_p.size, dtype=bool)
            chosen[at] = True
            return FlowRun(full, replace(flow, chosen=chosen)), grown
        keys = grown
    return None, None


def _sorted_keys(inst: Instance) -> np.ndarray:
    """Per arc rank(p) × T + t: increasing along the arcs of a `DenseInstance`'s instances."""
    return inst.rank[inst.arc_p] * max(inst.n_targets, 1) + inst.arc_t


def _reaching_sink(
    dense: DenseInstance, filled: np.ndarray, used: tuple[np.ndarray, np.ndarray]
) -> tuple[np.ndarray, np.ndarray]:
    """(targets, participant mask) that can reach the sink in the residual graph of all
    pairs: from the short targets, back along every unused eligible pair p → t, and
    from a participant along its used pairs (t → p in the residual graph)."""
    n_p, n_t = dense.n_participants, dense.n_targets
    used_p, used_t = used
    reached_t = filled < dense.required
    people = np.zeros(n_p, dtype=bool)
    frontier = np.flatnonzero(reached_t)
    while frontier.size:
        free = dense.eligible[:, frontier].copy()
        position = np.full(n_t, -1, dtype=np.int64)
        position[frontier] = np.arange(frontier.size)
        into = position[used_t] >= 0
        free[used_p[into], position[used_t[into]]] = False  # a used pair has no forward arc
        new = free.any(axis=1) & ~people
        people |= new
        onward = used_t[new[used_p]]
        onward = np.unique(onward[~reached_t[onward]])
        reached_t[onward] = True
        frontier = onward
    return np.flatnonzero(reached_t), people


def _sparse(dense: DenseInstance, exact: bool, pruning: Pruning, n_pairs: int) -> FlowRun:
    """Few eligible pairs: pruned over the arc list (`arc_prune`) when there are enough
    of them to pay for it, else (or without a certificate) the full graph."""
    if n_pairs < pruning.min_sparse_arcs or (exact and surely_short(dense)):
        return _full(dense, exact)
    inst = dense.instance()
    sizes = Candidates(
        pruning.per_target,
        pruning.extra,
        pruning.per_participant,
        pruning.max_rounds,
        pruning.sparse_max_share,
    )
    pruned = prune_arcs(inst, sizes, exact=exact)
    if pruned is None:  # the full graph (not surely short: checked above)
        return FlowRun(inst, solve_flow(inst, exact=exact))
    note = _pruned_note(pruned.inst.arc_p.size, n_pairs, pruned.rounds)
    return FlowRun(pruned.inst, pruned.flow, note)


def _pruned_note(kept: int, n_pairs: int, rounds: int) -> str:
    return (
        f"min-cost flow pruned with an optimality certificate: {kept} of {n_pairs} "
        f"eligible pairs, {rounds} round(s)"
    )


def _full(dense: DenseInstance, exact: bool) -> FlowRun:
    inst = dense.instance()
    if exact and surely_short(dense):
        return FlowRun(inst, max_flow(inst))  # costs no longer matter: the cut does
    return FlowRun(inst, solve_flow(inst, exact=exact))


def surely_short(dense: DenseInstance) -> bool:
    """A target has fewer eligible people than places, or all places exceed all capacity:
    the full graph is infeasible, and only it may explain why."""
    usable = dense.eligible
    if not (dense.capacity > 0).all():
        usable = usable & (dense.capacity > 0)[:, None]
    if (np.count_nonzero(usable, axis=0) < dense.required).any():
        return True
    return int(dense.required.sum()) > int(dense.capacity.sum())


def _candidates(
    dense: DenseInstance, first: np.ndarray, usable: np.ndarray, pruning: Pruning
) -> np.ndarray:
    """Sorted unique keys p × T + t of the starting subset."""
    n_p, n_t = dense.n_participants, dense.n_targets
    bits_p, bits_t = max(n_p - 1, 1).bit_length(), max(n_t - 1, 1).bit_length()
    # Sort keys (cost << bits) + tie-break, in the narrowest integer type that holds them.
    spread = int(np.abs(dense.pair_cost).max(initial=0)) + int(np.abs(first).max(initial=0))
    spread += dense.penalty * int(dense.repeat_weight.max(initial=0)) + 1
    dtype, shifts = _key_type(spread, max(bits_p, bits_t))
    none = np.iinfo(dtype).max
    rank = dense.rank.astype(dtype)
    target_mask, person_mask = (m.astype(dtype) for m in tie_masks(dense.rank, n_t))
    want = np.ceil(pruning.per_target * dense.required).astype(np.int64) + pruning.extra
    want = np.where(dense.required > 0, np.minimum(want, n_p), 0)
    found_p, found_t = [], []

    # Each target's cheapest participants (pair cost + first load step).
    first_d = first.astype(dtype)
    step = max(1, _BLOCK // max(n_p, 1))
    for t0 in range(0, n_t, step):
        cols = slice(t0, min(n_t, t0 + step))
        k = int(want[cols].max(initial=0))
        if k == 0:
            continue
        key = dense.cost_block(slice(None), cols).T.astype(dtype)  # targets × participants
        key += first_d[None, :]
        if shifts:
            key <<= bits_p
            key += rank[None, :] ^ target_mask[cols, None]
        key[~(dense.eligible[:, cols].T & usable[None, :])] = none
        idx = _smallest(key, k)
        rows, pos = np.nonzero(
            (np.arange(k)[None, :] < want[cols, None])
            & (np.take_along_axis(key, idx, axis=1) < none)
        )
        found_p.append(idx[rows, pos])
        found_t.append(rows + t0)

    # Each participant's cheapest targets (pair cost alone: the load step is the same).
    m = min(int(dense.capacity.max(initial=0)) + pruning.per_participant, n_t)
    if m > 0:
        targets = np.arange(n_t).astype(dtype)
        step = max(1, _BLOCK // max(n_t, 1))
        for p0 in range(0, n_p, step):
            rows_ = slice(p0, min(n_p, p0 + step))
            key = dense.cost_block(rows_, slice(None)).astype(dtype)
            if shifts:
                key <<= bits_t
                key += targets[None, :] ^ person_mask[rows_, None]
            key[~(dense.eligible[rows_] & usable[rows_, None])] = none
            idx = _smallest(key, m)
            rows, pos = np.nonzero(np.take_along_axis(key, idx, axis=1) < none)
            found_p.append(rows + p0)
            found_t.append(idx[rows, pos])

    if not found_p:
        return np.zeros(0, dtype=np.int64)
    return np.unique(np.concatenate(found_p) * n_t + np.concatenate(found_t))


def _key_type(spread: int, bits: int) -> tuple[type[np.signedinteger], bool]:
    """(dtype, with tie-break) for sort keys of costs within ±spread."""
    for dtype in (np.int32, np.int64):
        if (spread + 1) << (bits + 1) < np.iinfo(dtype).max:
            return dtype, True
    return np.int64, False  # huge costs: plain costs (exact still; ties by position)


def _smallest(key: np.ndarray, k: int) -> np.ndarray:
    """Per row, the column indices of the k smallest keys in increasing key order."""
    if k < key.shape[1]:
        idx = np.argpartition(key, k - 1, axis=1)[:, :k]
    else:
        idx = np.broadcast_to(np.arange(key.shape[1]), key.shape).copy()
    order = np.argsort(np.take_along_axis(key, idx, axis=1), axis=1, kind="stable")
    return np.take_along_axis(idx, order, axis=1)


def _violations(
    dense: DenseInstance, pi: Potentials, chosen: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Eligible pairs outside the flow with negative reduced cost: (p, t, reduced cost)."""
    n_p, n_t = dense.n_participants, dense.n_targets
    step = max(1, _BLOCK // max(n_t, 1))
    found_p, found_t = [], []
    for p0 in range(0, n_p, step):
        rows_ = slice(p0, min(n_p, p0 + step))
        # cost + π[p] − π[t] < 0  ⇔  cost < π[t] − π[p]
        bound = pi.target[None, :] - pi.participant[rows_, None]
        bad = dense.cost_block(rows_, slice(None)) < bound
        bad &= dense.eligible[rows_]
        if bad.any():
            rows, cols = np.nonzero(bad)
            found_p.append(rows + p0)
            found_t.append(cols)
    if not found_p:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    p, t = np.concatenate(found_p), np.concatenate(found_t)
    outside = ~np.isin(p * n_t + t, chosen)  # a used arc's forward direction is no arc
    p, t = p[outside], t[outside]
    reduced = dense.costs_at(p, t) + pi.participant[p] - pi.target[t]
    return p, t, reduced


def _most_negative(
    p: np.ndarray, t: np.ndarray, reduced: np.ndarray, dense: DenseInstance, pruning: Pruning
) -> np.ndarray:
    """Keys of the violations to add: per target and per participant, the most negative."""
    n_p, n_t = dense.n_participants, dense.n_targets
    per_target = int(np.ceil(pruning.per_target * int(dense.required.max(initial=0))))
    per_target += pruning.extra
    per_person = int(dense.capacity.max(initial=0)) + pruning.per_participant
    keep = np.zeros(p.size, dtype=bool)
    for group, n, limit in ((t, n_t, per_target), (p, n_p, per_person)):
        # Most negative first, then by key.
        want = np.full(n, max(limit, 0), dtype=np.int64)
        keep |= first_of_groups(group, n, reduced, p * n_t + t, want)
    return np.unique(p[keep] * n_t + t[keep])
