"""The capacitated core as an exact min-cost flow (OR-Tools SimpleMinCostFlow).

    source ─(1 per load step, cost of k-th assignment)→ participant
           ─(1, pair cost)→ target ─(required_count, 0)→ sink

The load steps are parallel unit arcs with non-decreasing cost, i.e. a convex
per-participant load cost, which min-cost flow optimises exactly. Integral
capacities give an integral optimum, so the flow *is* an assignment.

On request the outcome also carries node potentials (an optimal dual): integers π
with `cost + π[tail] − π[head] ≥ 0` on every arc of the residual graph, checked
here arc by arc. They are what lets `prune` prove that a flow on a subset of the
pairs is optimal for all of them.

When every place must be filled and cannot be, no cost matters any more: `max_flow`
routes as many as possible with a plain maximum flow (scipy's Dinic, several times
faster than OR-Tools' max-flow-with-min-cost), enough for the minimum cut that
explains the shortage (`explain`).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np
from ortools.graph.python import min_cost_flow
from scipy.sparse import csr_array
from scipy.sparse.csgraph import maximum_flow

from vividshift.engine.instance import Instance


@dataclass(frozen=True)
class Potentials:
    """Node potentials of an optimal flow, per participant and per target."""

    participant: np.ndarray  # int64, P (indexed by participant, not by rank)
    target: np.ndarray  # int64, T


@dataclass(frozen=True)
class FlowOutcome:
    complete: bool  # every target got exactly its required count
    chosen: np.ndarray  # bool, A: pair arcs carrying flow
    objective: int  # total integer cost of the chosen flow
    filled: np.ndarray  # int64, T: people placed per target
    potentials: Potentials | None = None  # when asked for and the flow is complete


class SolverError(RuntimeError):
    """OR-Tools rejected the model (cost overflow, bad capacities): a bug, not the input."""


def solve_flow(
    inst: Instance, *, exact: bool = True, potentials: bool = False, explain: bool = True
) -> FlowOutcome:
    """Min-cost flow. `exact`: demand every place (when that is impossible, a plain
    `max_flow`: only the shortage matters then — or, with `explain=False`, an empty
    incomplete outcome); else route as many as possible at the least cost.

    `potentials`: also compute (and verify) node potentials when the flow is complete.
    """
    n_p, n_t = inst.n_participants, inst.n_targets
    source, sink = 0, n_p + n_t + 1
    steps = np.arange(inst.load_cost.shape[1] if inst.load_cost.ndim == 2 else 0)
    load_p, load_k = np.nonzero(steps[None, :] < inst.capacity[:, None])
    targets = np.arange(n_t, dtype=np.int64)
    # One array per arc attribute, in the order the arcs are added: load, pair, target.
    tails = np.concatenate(
        [np.full(load_p.size, source, dtype=np.int64), inst.rank[inst.arc_p] + 1, targets + n_p + 1]
    )
    heads = np.concatenate(
        [inst.rank[load_p] + 1, inst.arc_t + n_p + 1, np.full(n_t, sink, dtype=np.int64)]
    )
    caps = np.concatenate([np.ones(load_p.size + inst.arc_p.size, dtype=np.int64), inst.required])
    costs = np.concatenate(
        [inst.load_cost[load_p, load_k], inst.arc_cost, np.zeros(n_t, dtype=np.int64)]
    )
    smcf = min_cost_flow.SimpleMinCostFlow()
    if tails.size:
        smcf.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
    total = inst.total_required
    smcf.set_nodes_supplies(np.array([source, sink]), np.array([total, -total]))

    status = smcf.solve() if exact else smcf.NOT_SOLVED
    if exact and status == smcf.INFEASIBLE:
        if not explain:
            nothing = np.zeros(inst.arc_p.size, dtype=bool)
            return FlowOutcome(False, nothing, 0, np.zeros(n_t, dtype=np.int64))
        return max_flow(inst)
    if status != smcf.OPTIMAL:
        # Asked for a partial fill: route the maximum at the least cost.
        status = smcf.solve_max_flow_with_min_cost()
    if status != smcf.OPTIMAL:
        raise SolverError(f"min-cost flow failed with status {status}")
    flows = smcf.flows(np.arange(tails.size)) if tails.size else np.zeros(0, dtype=np.int64)
    first_pair, first_target = load_p.size, load_p.size + inst.arc_p.size
    chosen = flows[first_pair:first_target] > 0
    filled = flows[first_target:].astype(np.int64)
    complete = bool(filled.sum() == total)
    found = None
    if potentials and complete:
        pi = node_potentials(n_p + n_t + 2, tails, heads, caps, costs, flows)
        if pi is not None:
            found = Potentials(participant=pi[inst.rank + 1], target=pi[targets + n_p + 1])
    return FlowOutcome(
        complete=complete,
        chosen=chosen,
        objective=int(smcf.optimal_cost()),
        filled=filled,
        potentials=found,
    )


def max_flow(inst: Instance) -> FlowOutcome:
    """A maximum flow, costs ignored (`objective` is the cost of what it routes).

    Nodes: source 0, participants 1 + rank (the arcs' order, so rows come sorted),
    targets after them, sink last — built straight into CSR form."""
    n_p, n_t = inst.n_participants, inst.n_targets
    n = n_p + n_t + 2
    source, sink = 0, n - 1
    tail = (inst.rank[inst.arc_p] + 1).astype(np.int32)
    head = (inst.arc_t + n_p + 1).astype(np.int32)
    order = None
    if tail.size and (np.diff(tail) < 0).any():  # `Instance` lists arcs by rank already
        order = np.argsort(tail, kind="stable")
        tail, head = tail[order], head[order]
    # Row sizes: source → every participant, each participant's arcs, target → sink.
    counts = np.zeros(n, dtype=np.int32)
    counts[source] = n_p
    counts[1 : n_p + 1] = np.bincount(tail - 1, minlength=n_p)
    counts[n_p + 1 : n - 1] = 1
    indptr = np.zeros(n + 1, dtype=np.int32)
    np.cumsum(counts, out=indptr[1:])
    indices = np.concatenate(
        [np.arange(1, n_p + 1, dtype=np.int32), head, np.full(n_t, sink, dtype=np.int32)]
    )
    data = np.ones(indices.size, dtype=np.int32)
    data[:n_p] = inst.capacity[np.argsort(inst.rank)]
    data[n_p + tail.size :] = inst.required
    graph = csr_array((data, indices, indptr), shape=(n, n))
    result = maximum_flow(graph, source, sink, method="dinic").flow
    # Only the few arcs that carry flow matter: find them among the stored entries.
    flows = csr_array(result)
    at = np.flatnonzero(flows.data > 0)
    rows = np.searchsorted(flows.indptr, at, side="right") - 1
    cols, amount = flows.indices[at], flows.data[at]
    into_sink = cols == sink
    filled = np.zeros(n_t, dtype=np.int64)
    filled[rows[into_sink] - n_p - 1] = amount[into_sink]
    pair = (rows >= 1) & (rows <= n_p) & (cols > n_p) & (cols < sink)
    # Arcs are sorted by (tail, head): one search finds each used pair's position.
    keys = tail.astype(np.int64) * n + head
    used = np.zeros(tail.size, dtype=bool)
    used[np.searchsorted(keys, rows[pair].astype(np.int64) * n + cols[pair])] = True
    if order is not None:
        used[order] = used.copy()
    load = np.bincount(inst.arc_p[used], minlength=n_p)
    steps = np.arange(inst.load_cost.shape[1] if inst.load_cost.ndim == 2 else 0)
    objective = int(inst.arc_cost[used].sum())
    objective += int(inst.load_cost[:, : steps.size][steps[None, :] < load[:, None]].sum())
    return FlowOutcome(
        complete=bool(filled.sum() == inst.total_required),
        chosen=used,
        objective=objective,
        filled=filled,
    )


def node_potentials(
    n_nodes: int,
    tails: np.ndarray,
    heads: np.ndarray,
    caps: np.ndarray,
    costs: np.ndarray,
    flows: np.ndarray,
) -> np.ndarray | None:
    """Potentials π with non-negative reduced costs on the residual graph of `flows`.

    π is the shortest distance to each node from a virtual root joined to every node
    at cost 0 (so π ≤ 0); it exists when the residual graph has no negative cycle,
    i.e. when the flow is optimal. The result is verified on every residual arc, and
    None returned if it does not hold (callers then do without).
    """
    forward, backward = flows < caps, flows > 0
    r_tail = np.concatenate([tails[forward], heads[backward]])
    r_head = np.concatenate([heads[forward], tails[backward]])
    r_cost = np.concatenate([costs[forward], -costs[backward]])
    pi = _relaxed_distances(n_nodes, r_tail, r_head, r_cost)
    if pi is None:
        pi = _tree_distances(n_nodes, r_tail, r_head, r_cost)
    if pi is None or (r_cost + pi[r_tail] - pi[r_head] < 0).any() or (pi > 0).any():
        return None
    return pi


def _relaxed_distances(
    n_nodes: int, tail: np.ndarray, head: np.ndarray, cost: np.ndarray, rounds: int = 100
) -> np.ndarray | None:
    """Bellman-Ford, every arc relaxed at once per round (numpy); None if not settled
    within `rounds` (shortest paths that long: `_tree_distances` is faster then)."""
    order = np.argsort(head, kind="stable")
    tail, cost = tail[order], cost[order]
    heads, starts = np.unique(head[order], return_index=True)
    dist = np.zeros(n_nodes, dtype=np.int64)
    if heads.size == 0:
        return dist
    for _ in range(rounds):
        best = np.minimum(dist[heads], np.minimum.reduceat(dist[tail] + cost, starts))
        if (best == dist[heads]).all():
            return dist
        dist[heads] = best
    return None


def _tree_distances(
    n_nodes: int, tail: np.ndarray, head: np.ndarray, cost: np.ndarray
) -> np.ndarray | None:
    """The same distances from one more min-cost flow: the root sends one unit to every
    node over the residual arcs (uncapacitated). An optimal flow only uses arcs that
    are tight for the distances, so walking its arcs from the root sets every one."""
    root = n_nodes
    s_tail = np.concatenate([np.full(n_nodes, root, dtype=np.int64), tail])
    s_head = np.concatenate([np.arange(n_nodes, dtype=np.int64), head])
    s_cost = np.concatenate([np.zeros(n_nodes, dtype=np.int64), cost])
    smcf = min_cost_flow.SimpleMinCostFlow()
    smcf.add_arcs_with_capacity_and_unit_cost(
        s_tail, s_head, np.full(s_tail.size, 2 * n_nodes, dtype=np.int64), s_cost
    )
    smcf.set_nodes_supplies(
        np.arange(n_nodes + 1), np.concatenate([-np.ones(n_nodes, dtype=np.int64), [n_nodes]])
    )
    if smcf.solve() != smcf.OPTIMAL:
        return None
    used = smcf.flows(np.arange(s_tail.size)) > 0
    u_tail, u_head, u_cost = s_tail[used], s_head[used], s_cost[used]
    order = np.argsort(u_tail, kind="stable")
    u_tail, u_head, u_cost = u_tail[order], u_head[order], u_cost[order]
    starts = np.searchsorted(u_tail, np.arange(n_nodes + 2)).tolist()
    heads_l, costs_l = u_head.tolist(), u_cost.tolist()
    dist: list[int | None] = [None] * (n_nodes + 1)
    dist[root] = 0
    queue = deque([root])
    while queue:
        u = queue.popleft()
        du = dist[u]
        assert du is not None
        for a in range(starts[u], starts[u + 1]):
            v = heads_l[a]
            if dist[v] is None:
                dist[v] = du + costs_l[a]
                queue.append(v)
    if any(d is None for d in dist):
        return None
    return np.array(dist[:n_nodes], dtype=np.int64)
