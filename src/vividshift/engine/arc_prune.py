"""The pruned flow of a sparse instance: candidates and certificate read from the arc list.

`prune` reads P × T matrices, which pays when most pairs are eligible. When few are
(people hold a few of many skills), the eligible pairs are listed once and both
passes run over that list instead — a sort and a gather, in time linear in the arcs:

1. Candidates: each target's `per_target × required + extra` cheapest arcs (pair cost
   plus the participant's first load step) and each participant's `capacity +
   per_participant` cheapest arcs. Ties go by the seeded participant order, scrambled
   per target (per participant), as in `prune`.
2. The flow on those arcs, with node potentials π (verified, see `flow`).
3. Certificate: every arc left out has reduced cost `cost + π[p] − π[t] ≥ 0`; then π is
   a feasible dual of the whole graph and the flow is optimal for it. Otherwise the
   most negative arcs join and the flow is solved again.

Exactness never depends on the candidates. A subset that cannot place everyone gets
twice the candidates, once; anything else — still short, no potentials, too many
rounds or too large a subset — returns None: the caller solves the whole graph.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from vividshift.engine.flow import FlowOutcome, solve_flow
from vividshift.engine.instance import Instance
from vividshift.engine.ragged import spread


@dataclass(frozen=True)
class Candidates:
    """How many of the cheapest arcs each target and each participant starts with."""

    per_target: float  # × required, plus `extra`
    extra: int
    per_participant: int  # plus the participant's capacity
    max_rounds: int
    max_share: float  # a subset above this share of the arcs: give up

    def wider(self) -> Candidates:
        """Twice the candidates per target and per participant."""
        return replace(
            self,
            per_target=2 * self.per_target,
            extra=2 * self.extra,
            per_participant=2 * self.per_participant + 1,
        )


@dataclass(frozen=True)
class PrunedFlow:
    inst: Instance  # the subset the flow ran on (arcs in `inst`'s order)
    flow: FlowOutcome
    rounds: int


def prune_arcs(inst: Instance, sizes: Candidates, *, exact: bool) -> PrunedFlow | None:
    """The min-cost flow of `inst`, solved on a subset of its arcs and proven optimal
    for all of them; None when no such proof came (see the module docstring)."""
    n_arcs = inst.arc_p.size
    chosen = _cheapest(inst, sizes)
    widened = False
    for round_ in range(1, sizes.max_rounds + 1):
        if np.count_nonzero(chosen) > sizes.max_share * n_arcs:
            return None
        sub = subset(inst, chosen)
        flow = solve_flow(sub, exact=exact, potentials=True, explain=False)
        if not flow.complete and not widened:
            # The cheapest arcs crowd onto the same people and leave places unreachable:
            # once, twice the candidates (far cheaper than the whole graph).
            sizes, widened = sizes.wider(), True
            chosen |= _cheapest(inst, sizes)
            continue
        if not flow.complete or flow.potentials is None:
            return None
        pi = flow.potentials
        reduced = inst.arc_cost + pi.participant[inst.arc_p] - pi.target[inst.arc_t]
        bad = (reduced < 0) & ~chosen
        if not bad.any():
            return PrunedFlow(sub, flow, round_)
        chosen |= _most_negative(inst, np.flatnonzero(bad), reduced, sizes)
    return None


def subset(inst: Instance, keep: np.ndarray) -> Instance:
    """`inst` with only the arcs where `keep` is set (in the same order)."""
    return replace(
        inst,
        arc_p=inst.arc_p[keep],
        arc_t=inst.arc_t[keep],
        arc_cost=inst.arc_cost[keep],
        arc_repeat=inst.arc_repeat[keep],
    )


def _cheapest(inst: Instance, sizes: Candidates) -> np.ndarray:
    """Mask of the starting arcs: the cheapest per target and per participant."""
    n_p, n_t = inst.n_participants, inst.n_targets
    first = np.zeros(n_p, dtype=np.int64)
    if inst.load_cost.ndim == 2 and inst.load_cost.shape[1]:
        first = np.where(inst.capacity > 0, inst.load_cost[:, 0], 0)
    target_mask, person_mask = tie_masks(inst.rank, n_t)
    want_t = np.ceil(sizes.per_target * inst.required).astype(np.int64) + sizes.extra
    want_t = np.where(inst.required > 0, want_t, 0)
    want_p = np.where(inst.capacity > 0, inst.capacity + sizes.per_participant, 0)

    chosen = np.zeros(inst.arc_p.size, dtype=bool)
    by_target = (inst.arc_cost + first[inst.arc_p], inst.rank[inst.arc_p] ^ target_mask[inst.arc_t])
    chosen |= first_of_groups(inst.arc_t, n_t, *by_target, want_t)
    by_person = (inst.arc_cost, inst.arc_t ^ person_mask[inst.arc_p])
    chosen |= first_of_groups(inst.arc_p, n_p, *by_person, want_p)
    if (inst.capacity > 0).all():
        return chosen
    return chosen & (inst.capacity[inst.arc_p] > 0)  # nobody who may take no place


def tie_masks(rank: np.ndarray, n_targets: int) -> tuple[np.ndarray, np.ndarray]:
    """(per target, per participant) int64 patterns xored into the tie-breaks: ties go
    by the seeded participant order, scrambled per target (and the target order per
    participant), so that targets with equally cheap candidates do not all pick the
    same people. Fixed patterns: the same choice on every run and machine."""
    n_p = rank.size
    bits_p, bits_t = max(n_p - 1, 1).bit_length(), max(n_targets - 1, 1).bit_length()
    scramble = np.random.default_rng(0)
    target_mask = scramble.integers(0, 1 << bits_p, size=n_targets)
    return target_mask, scramble.integers(0, 1 << bits_t, size=n_p)[rank]


def first_of_groups(
    group: np.ndarray, n_groups: int, key: np.ndarray, tie: np.ndarray, want: np.ndarray
) -> np.ndarray:
    """Mask of each group's `want[g]` arcs of smallest (key, tie, position); `tie` ≥ 0."""
    keep = np.zeros(group.size, dtype=bool)
    if group.size == 0:
        return keep
    low = int(key.min())
    span = int(key.max()) - low + 1
    tie_bits = max(int(tie.max()), 1).bit_length()
    at_bits = max(group.size - 1, 1).bit_length()
    if ((n_groups * span) << tie_bits).bit_length() + at_bits > 63:  # huge costs
        order = np.lexsort((tie, key, group))
        g = group[order]
        starts = np.searchsorted(g, np.arange(n_groups))
        keep[order[np.arange(g.size) - starts[g] < want[g]]] = True
        return keep
    # (group, key, tie, position) packed into one integer, the position lowest: sorting
    # the values is about three times as fast as an indirect sort (`argsort`), and
    # each group's first arcs are then read off its bounds, not from every arc.
    packed = ((group * span + (key - low)) << tie_bits) | tie
    packed <<= at_bits
    packed |= np.arange(group.size)
    packed.sort()
    bounds = np.searchsorted(packed, (np.arange(n_groups + 1) * span) << (tie_bits + at_bits))
    owner, offset = spread(np.minimum(want, np.diff(bounds)))
    keep[packed[bounds[owner] + offset] & ((1 << at_bits) - 1)] = True
    return keep


def _most_negative(
    inst: Instance, bad: np.ndarray, reduced: np.ndarray, sizes: Candidates
) -> np.ndarray:
    """Mask of the violating arcs `bad` to add: per target and per participant, the
    most negative ones (as many as each starts with)."""
    per_target = int(np.ceil(sizes.per_target * int(inst.required.max(initial=0))))
    per_target += sizes.extra
    per_person = int(inst.capacity.max(initial=0)) + sizes.per_participant
    add = np.zeros(inst.arc_p.size, dtype=bool)
    for group, n, limit in (
        (inst.arc_t[bad], inst.n_targets, per_target),
        (inst.arc_p[bad], inst.n_participants, per_person),
    ):
        # Most negative first, then by position.
        want = np.full(n, max(limit, 1), dtype=np.int64)
        add[bad[first_of_groups(group, n, reduced[bad], bad, want)]] = True
    return add
