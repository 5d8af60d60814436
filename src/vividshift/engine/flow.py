"""The capacitated core as an exact min-cost flow (OR-Tools SimpleMinCostFlow).

    source ─(1 per load step, cost of k-th assignment)→ participant
           ─(1, pair cost)→ target ─(required_count, 0)→ sink

The load steps are parallel unit arcs with non-decreasing cost, i.e. a convex
per-participant load cost, which min-cost flow optimises exactly. Integral
capacities give an integral optimum, so the flow *is* an assignment.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ortools.graph.python import min_cost_flow

from vividshift.engine.instance import Instance


@dataclass(frozen=True)
class FlowOutcome:
    complete: bool  # every target got exactly its required count
    chosen: np.ndarray  # bool, A: pair arcs carrying flow
    objective: int  # total integer cost of the chosen flow
    filled: np.ndarray  # int64, T: people placed per target


class SolverError(RuntimeError):
    """OR-Tools rejected the model (cost overflow, bad capacities): a bug, not the input."""


def solve_flow(inst: Instance, *, exact: bool = True) -> FlowOutcome:
    """Min-cost flow. `exact`: demand every place; else route as many as possible."""
    n_p, n_t = inst.n_participants, inst.n_targets
    source, sink = 0, n_p + n_t + 1
    smcf = min_cost_flow.SimpleMinCostFlow()

    steps = np.arange(inst.load_cost.shape[1] if inst.load_cost.ndim == 2 else 0)
    load_p, load_k = np.nonzero(steps[None, :] < inst.capacity[:, None])
    if load_p.size:
        smcf.add_arcs_with_capacity_and_unit_cost(
            np.full(load_p.size, source, dtype=np.int64),
            inst.rank[load_p] + 1,
            np.ones(load_p.size, dtype=np.int64),
            inst.load_cost[load_p, load_k],
        )
    first_pair = smcf.num_arcs()
    n_arcs = inst.arc_p.size
    if n_arcs:
        smcf.add_arcs_with_capacity_and_unit_cost(
            inst.rank[inst.arc_p] + 1,
            inst.arc_t + n_p + 1,
            np.ones(n_arcs, dtype=np.int64),
            inst.arc_cost,
        )
    first_target = smcf.num_arcs()
    smcf.add_arcs_with_capacity_and_unit_cost(
        np.arange(n_t, dtype=np.int64) + n_p + 1,
        np.full(n_t, sink, dtype=np.int64),
        inst.required,
        np.zeros(n_t, dtype=np.int64),
    )
    total = inst.total_required
    smcf.set_nodes_supplies(np.array([source, sink]), np.array([total, -total]))

    status = smcf.solve() if exact else smcf.NOT_SOLVED
    if status != smcf.OPTIMAL:
        # Infeasible as a whole (or asked for a partial fill): route the maximum.
        status = smcf.solve_max_flow_with_min_cost()
    if status != smcf.OPTIMAL:
        raise SolverError(f"min-cost flow failed with status {status}")
    pair_ids = np.arange(first_pair, first_pair + n_arcs)
    chosen = smcf.flows(pair_ids) > 0 if n_arcs else np.zeros(0, dtype=bool)
    filled = smcf.flows(np.arange(first_target, first_target + n_t)).astype(np.int64)
    return FlowOutcome(
        complete=bool(filled.sum() == total),
        chosen=chosen,
        objective=int(smcf.optimal_cost()),
        filled=filled,
    )
