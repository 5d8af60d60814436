"""Other exact methods on the very arcs and integer costs `solve` builds (`Instance`).

Each returns (objective, note) or raises `NotApplicable` with the reason, which the
benchmark prints instead of leaving the baseline out.
"""

from __future__ import annotations

import numpy as np
from ortools.graph.python import min_cost_flow

from vividshift.engine import Instance


class NotApplicable(Exception):
    """The baseline cannot run on this instance (missing library, too large, …)."""


def graph(inst: Instance) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(tails, heads, capacities, costs): the engine's flow graph (see `engine.flow`)."""
    n_p, n_t = inst.n_participants, inst.n_targets
    source, sink = 0, n_p + n_t + 1
    steps = np.arange(inst.load_cost.shape[1])
    load_p, load_k = np.nonzero(steps[None, :] < inst.capacity[:, None])
    targets = np.arange(n_t, dtype=np.int64)
    tails = np.concatenate(
        [np.full(load_p.size, source), inst.rank[inst.arc_p] + 1, targets + n_p + 1]
    )
    heads = np.concatenate([inst.rank[load_p] + 1, inst.arc_t + n_p + 1, np.full(n_t, sink)])
    caps = np.concatenate([np.ones(load_p.size + inst.arc_p.size, dtype=np.int64), inst.required])
    costs = np.concatenate(
        [inst.load_cost[load_p, load_k], inst.arc_cost, np.zeros(n_t, dtype=np.int64)]
    )
    return tails, heads, caps, costs


def bare_flow(inst: Instance, arrays: tuple[np.ndarray, ...]) -> int:
    """OR-Tools SimpleMinCostFlow on the prebuilt graph arrays, flows read back."""
    tails, heads, caps, costs = arrays
    smcf = min_cost_flow.SimpleMinCostFlow()
    smcf.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
    total = inst.total_required
    sink = inst.n_participants + inst.n_targets + 1
    smcf.set_nodes_supplies(np.array([0, sink]), np.array([total, -total]))
    if smcf.solve() != smcf.OPTIMAL:
        raise NotApplicable("infeasible")
    smcf.flows(np.arange(tails.size))
    return int(smcf.optimal_cost())


def highs_banner() -> str:
    """HiGHS prints its banner once, at its first use: let that happen here."""
    try:
        import highspy
    except ImportError:
        return "HiGHS: not installed (pip install -e '.[bench]'), its column says so"
    highspy.Highs()
    return "HiGHS: installed"


def highs_lp(inst: Instance, time_limit_s: float) -> int:
    """The transportation LP (totally unimodular: its optimum is integral) in HiGHS.

    Columns: one x per arc, one y per load step; rows: each target's places, and per
    participant Σ x − Σ y = 0 (the k-th assignment costs its load step)."""
    try:
        import highspy
    except ImportError as exc:
        raise NotApplicable("highspy not installed (pip install -e '.[bench]')") from exc
    n_p, n_t, n_a = inst.n_participants, inst.n_targets, inst.arc_p.size
    steps = np.arange(inst.load_cost.shape[1])
    load_p, load_k = np.nonzero(steps[None, :] < inst.capacity[:, None])
    n_y = load_p.size
    # Column-wise matrix: x_a has 1 in row t and 1 in row T + p; y has −1 in row T + p.
    start = np.concatenate([np.arange(0, 2 * n_a, 2), 2 * n_a + np.arange(n_y + 1)])
    index = np.empty(2 * n_a + n_y, dtype=np.int32)
    index[0 : 2 * n_a : 2] = inst.arc_t
    index[1 : 2 * n_a : 2] = n_t + inst.arc_p
    index[2 * n_a :] = n_t + load_p
    value = np.concatenate([np.ones(2 * n_a), -np.ones(n_y)])
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n_a + n_y, n_t + n_p
    lp.col_cost_ = np.concatenate([inst.arc_cost, inst.load_cost[load_p, load_k]]).astype(float)
    lp.col_lower_ = np.zeros(n_a + n_y)
    lp.col_upper_ = np.ones(n_a + n_y)
    lp.row_lower_ = np.concatenate([inst.required, np.zeros(n_p)]).astype(float)
    lp.row_upper_ = lp.row_lower_.copy()
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = start.astype(np.int32)
    lp.a_matrix_.index_ = index
    lp.a_matrix_.value_ = value
    h = highspy.Highs()
    h.silent()
    h.setOptionValue("time_limit", float(time_limit_s))
    h.passModel(lp)
    h.run()
    status = h.getModelStatus()
    if status != highspy.HighsModelStatus.kOptimal:
        raise NotApplicable(f"HiGHS: {h.modelStatusToString(status)}")
    return int(round(h.getInfo().objective_function_value))


def expanded(inst: Instance, most: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, int, int]:
    """The instance as a bipartite matching: one row per participant, one column per
    place; p to any place of t costs arc + p's first load step. (rows, cols, weights,
    n_rows, n_cols). Exact only when nobody may take two places (with more, a matching
    could give one person two places of the same target, which the flow forbids)."""
    if int(inst.capacity.max(initial=0)) > 1:
        raise NotApplicable("more than one place per person: no matching model")
    place_start = np.concatenate([[0], np.cumsum(inst.required)])
    usable = inst.capacity[inst.arc_p] > 0
    arc_p, arc_t, arc_cost = inst.arc_p[usable], inst.arc_t[usable], inst.arc_cost[usable]
    per_arc = inst.required[arc_t]
    size = int(per_arc.sum())
    if size > most:
        raise NotApplicable(f"{size:,} expanded edges (limit {most:,})")
    arc = np.repeat(np.arange(arc_p.size), per_arc)
    slot = np.arange(size) - np.repeat(np.cumsum(per_arc) - per_arc, per_arc)
    rows = arc_p[arc]
    cols = place_start[arc_t[arc]] + slot
    weights = arc_cost[arc] + inst.load_cost[rows, 0]
    return rows, cols, weights, inst.n_participants, int(place_start[-1])


def scipy_lsa(inst: Instance) -> int:
    """scipy's linear_sum_assignment on the dense expanded matrix (absent = +big)."""
    from scipy.optimize import linear_sum_assignment

    rows, cols, weights, n_rows, n_cols = expanded(inst, 20_000_000)
    if n_rows * n_cols > 40_000_000:
        raise NotApplicable(f"dense {n_rows:,} × {n_cols:,} matrix too large")
    big = float(weights.max(initial=0)) * (n_cols + 1) + 1
    matrix = np.full((n_rows, n_cols), big)
    matrix[rows, cols] = weights
    r, c = linear_sum_assignment(matrix)
    if (matrix[r, c] >= big).any():
        raise NotApplicable("infeasible")
    return int(matrix[r, c].sum())


def scipy_sparse_matching(inst: Instance) -> int:
    """scipy's min_weight_full_bipartite_matching on the sparse expanded graph.

    Every full matching has one edge per place, so adding 1 to every weight (explicit
    zeros would read as absent edges) shifts all of them alike."""
    from scipy.sparse import csr_array
    from scipy.sparse.csgraph import min_weight_full_bipartite_matching

    rows, cols, weights, n_rows, n_cols = expanded(inst, 20_000_000)
    if n_cols == 0:
        return 0
    # Places (columns) are matched in full: transpose so they are the smaller side.
    graph = csr_array((weights + 1.0, (cols, rows)), shape=(n_cols, n_rows))
    try:
        _, match = min_weight_full_bipartite_matching(graph)
    except ValueError as exc:
        raise NotApplicable(str(exc)) from exc
    keys = cols.astype(np.int64) * n_rows + rows
    order = np.argsort(keys)
    at = order[np.searchsorted(keys, np.arange(n_cols) * n_rows + match, sorter=order)]
    return int(weights[at].sum())
