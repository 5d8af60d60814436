"""Why no valid assignment exists, in the domain's words.

When the maximum flow falls short, a minimum cut certifies it (any maximum flow:
costs play no part, see `flow.max_flow`). We take the cut on
the sink side that is smallest (the nodes that can still reach the sink in the
residual graph): its targets X need more places than the people eligible for them
can give — Hall's condition fails for X:

    required(X) > Σ over people p eligible for X of min(capacity(p), |X ∩ eligible(p)|)

X is split into groups of targets that share candidates, and each group that is
short on its own is reported with its candidates and the people the hard rules ruled
out, each with the reason the validators would give ("Emma: unavailable Saturday
13:00", "Noah: lacks first_aid").
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from scipy.sparse import coo_array
from scipy.sparse.csgraph import breadth_first_order, connected_components

from vividshift.engine.flow import FlowOutcome
from vividshift.engine.instance import Instance


@dataclass(frozen=True)
class Shortage:
    """Targets that together need `required` places but only `eligible_count` can come."""

    targets: tuple[str, ...]  # target ids
    required: int
    eligible_count: int  # places the eligible people can fill together
    eligible: tuple[str, ...]  # participant ids
    reason: str  # "ruled out: Emma: unavailable Saturday 13:00; …" or "too few participants"
    ruled_out: tuple[tuple[str, str], ...] = ()  # (participant id, reason), label order
    ruled_out_count: int = 0  # all ruled out; `ruled_out` lists the first RULED_OUT_LISTED

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["ruled_out"] = [{"participant": p, "reason": r} for p, r in self.ruled_out]
        return out


class Infeasible(Exception):
    """No assignment satisfies the hard rules. The service turns this into a 422.

    `shortages` lists Hall-type shortages from the min cut; `conflicts` names side
    constraints that cannot hold together (from CP-SAT's infeasibility core).
    """

    def __init__(
        self, message: str, shortages: Sequence[Shortage] = (), conflicts: Sequence[str] = ()
    ) -> None:
        super().__init__(message)
        self.message = message
        self.shortages = tuple(shortages)
        self.conflicts = tuple(conflicts)

    def to_dict(self) -> dict[str, Any]:
        return {
            "message": self.message,
            "shortages": [s.to_dict() for s in self.shortages],
            "conflicts": list(self.conflicts),
        }


RULED_OUT_LISTED = 100  # per shortage in `ruled_out`
SHOWN = 12  # names per list in messages

# (participant index, target index) → the reasons the rules give for ruling it out
PairReasons = Callable[[int, int], list[str]]


def find_shortages(
    inst: Instance,
    flow: FlowOutcome,
    target_ids: Sequence[str],
    participant_ids: Sequence[str],
    participant_labels: Sequence[str],
    excluded_by: Mapping[str, np.ndarray],
    reasons: PairReasons,
) -> list[Shortage]:
    """Hall shortages behind an incomplete maximum flow (empty if the flow is complete).

    `excluded_by` holds the rules that count as causes; `reasons` words them."""
    x = _sink_side_targets(inst, flow)
    if x.size == 0:
        return []
    found = _shortages_of(inst, _components(inst, x))
    if not found:  # only possible with capacity > 1: the union is short, no part alone
        found = _shortages_of(inst, [x])
    return [
        _describe(
            inst,
            targets.tolist(),
            supply,
            target_ids,
            participant_ids,
            participant_labels,
            excluded_by,
            reasons,
        )
        for targets, supply in found
    ]


def shortage_message(
    shortages: Sequence[Shortage],
    target_labels: Mapping[str, str],
    participant_labels: Mapping[str, str],
) -> str:
    """ "Saturday afternoon needs 2, 1 can do it (Liam); ruled out: Emma: unavailable
    Saturday 13:00; Noah: lacks first_aid", one sentence per shortage."""
    parts = []
    for s in shortages:
        names = _join([target_labels[t] for t in s.targets])
        people = [participant_labels[p] for p in s.eligible]
        single = len(s.targets) == 1
        verb, it = ("needs", "it") if single else ("need", "them")
        if s.eligible_count == len(people):
            head = f"{names} {verb} {s.required}, {len(people) or 'none'} can do {it}"
        else:
            head = (
                f"{names} {verb} {s.required} places; the {len(people)} who can do {it} "
                f"can fill only {s.eligible_count}"
            )
        shown = f" ({_join(people, SHOWN)})" if people else ""
        parts.append(f"{head}{shown}; {s.reason}")
    return "No valid assignment: " + ". ".join(parts) + "."


def _sink_side_targets(inst: Instance, flow: FlowOutcome) -> np.ndarray:
    """Targets that can reach the sink in the residual graph, sorted.

    The same set for every maximum flow (the smallest minimum cut's sink side), so a
    plain max flow explains exactly as a min-cost one does. Reverse breadth-first
    search from the short targets: p reaches target t by an unused arc p → t, and
    t reaches p back along a used one. Nodes: targets 0..T−1, participants after
    them, a root joined to the short targets last."""
    n_p, n_t = inst.n_participants, inst.n_targets
    root = n_t + n_p
    short = np.flatnonzero(flow.filled < inst.required)
    if short.size == 0:
        return short
    free, used = ~flow.chosen, flow.chosen
    tails = np.concatenate([inst.arc_t[free], n_t + inst.arc_p[used], np.full(short.size, root)])
    heads = np.concatenate([n_t + inst.arc_p[free], inst.arc_t[used], short])
    graph = coo_array(
        (np.ones(tails.size, dtype=np.int8), (tails, heads)), shape=(root + 1, root + 1)
    ).tocsr()
    reached = breadth_first_order(graph, root, directed=True, return_predecessors=False)
    return np.sort(reached[reached < n_t])


def _components(inst: Instance, x: np.ndarray) -> list[np.ndarray]:
    """Split target set x into groups linked by shared eligible people, each sorted,
    ordered by their first target."""
    n_p, n_t = inst.n_participants, inst.n_targets
    inside = _within(inst, x)
    graph = coo_array(
        (np.ones(int(inside.sum()), dtype=np.int8), (inst.arc_t[inside], n_t + inst.arc_p[inside])),
        shape=(n_t + n_p, n_t + n_p),
    ).tocsr()
    _, label = connected_components(graph, directed=False)
    labels = label[x]
    order = np.lexsort((x, labels))
    groups = np.split(x[order], np.flatnonzero(np.diff(labels[order])) + 1)
    return sorted(groups, key=lambda g: int(g[0]))


def _shortages_of(inst: Instance, groups: list[np.ndarray]) -> list[tuple[np.ndarray, int]]:
    """The groups whose places exceed what their eligible people can fill: (group, supply).

    Supply: Σ over people of min(capacity, eligible targets in the group), for all
    groups at once from the arcs into them."""
    n_p, n_t = inst.n_participants, inst.n_targets
    group_of = np.full(n_t, -1, dtype=np.int64)
    for k, g in enumerate(groups):
        group_of[g] = k
    arc_group = group_of[inst.arc_t]
    inside = arc_group >= 0
    keys, counts = np.unique(arc_group[inside] * n_p + inst.arc_p[inside], return_counts=True)
    fill = np.minimum(counts, inst.capacity[keys % n_p])
    supply = np.bincount(keys // n_p, weights=fill, minlength=len(groups)).astype(np.int64)
    member = group_of >= 0
    need = np.bincount(group_of[member], weights=inst.required[member], minlength=len(groups))
    required = np.rint(need).astype(np.int64)
    return [(g, int(supply[k])) for k, g in enumerate(groups) if required[k] > supply[k]]


def _within(inst: Instance, targets: np.ndarray) -> np.ndarray:
    """Arcs into `targets` (a bool per arc)."""
    member = np.zeros(inst.n_targets, dtype=bool)
    member[targets] = True
    return member[inst.arc_t]


def _describe(
    inst: Instance,
    targets: list[int],
    supply: int,
    target_ids: Sequence[str],
    participant_ids: Sequence[str],
    participant_labels: Sequence[str],
    excluded_by: Mapping[str, np.ndarray],
    reasons: PairReasons,
) -> Shortage:
    inside = _within(inst, np.asarray(targets, dtype=np.int64))
    eligible = sorted(set(inst.arc_p[inside].tolist()), key=lambda p: participant_labels[p])
    others = np.ones(inst.n_participants, dtype=bool)
    others[eligible] = False
    hit = np.zeros((inst.n_participants, len(targets)), dtype=bool)
    for mask in excluded_by.values():
        hit |= mask[:, targets]
    out = sorted(
        np.nonzero(hit.any(axis=1) & others)[0].tolist(), key=lambda p: participant_labels[p]
    )
    listed = []
    for p in out[:RULED_OUT_LISTED]:
        texts: list[str] = []
        for k in np.nonzero(hit[p])[0][:3].tolist():  # a few targets say enough
            texts.extend(r for r in reasons(p, targets[k]) if r not in texts)
        listed.append((p, ", ".join(texts)))
    if listed:
        named = [f"{participant_labels[p]}: {why}" for p, why in listed[:SHOWN]]
        more = len(out) - len(named)
        reason = "ruled out: " + "; ".join(named) + (f"; and {more} more" if more else "")
    else:
        reason = "too few participants"
    return Shortage(
        targets=tuple(target_ids[t] for t in targets),
        required=int(inst.required[targets].sum()),
        eligible_count=supply,
        eligible=tuple(participant_ids[p] for p in eligible),
        reason=reason,
        ruled_out=tuple((participant_ids[p], why) for p, why in listed),
        ruled_out_count=len(out),
    )


def _join(names: list[str], most: int = SHOWN) -> str:
    """ "A, B and C"; past `most` names, "A, B, … and 40 more" (the details list them all)."""
    if len(names) > most:
        return ", ".join(names[:most]) + f", … and {len(names) - most} more"
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
