"""Why no valid assignment exists, in the domain's words.

When the maximum flow falls short, a minimum cut certifies it. We take the cut on
the sink side that is smallest (the nodes that can still reach the sink in the
residual graph): its targets X need more places than the people eligible for them
can give — Hall's condition fails for X:

    required(X) > Σ over people p eligible for X of min(capacity(p), |X ∩ eligible(p)|)

X is split into groups of targets that share candidates, and each group that is
short on its own is reported with its candidates and the rules that excluded
everybody else.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from vividshift.engine.flow import FlowOutcome
from vividshift.engine.instance import Instance


@dataclass(frozen=True)
class Shortage:
    """Targets that together need `required` places but only `eligible_count` can come."""

    targets: tuple[str, ...]  # target ids
    required: int
    eligible_count: int  # places the eligible people can fill together
    eligible: tuple[str, ...]  # participant ids
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


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


def find_shortages(
    inst: Instance,
    flow: FlowOutcome,
    target_ids: Sequence[str],
    participant_ids: Sequence[str],
    participant_labels: Sequence[str],
    excluded_by: Mapping[str, np.ndarray],
) -> list[Shortage]:
    """Hall shortages behind an incomplete maximum flow (empty if the flow is complete)."""
    x = _sink_side_targets(inst, flow)
    if not x:
        return []
    groups = _components(inst, x)
    found = [s for g in groups if (s := _shortage(inst, g)) is not None]
    if not found:  # only possible with capacity > 1: the union is short, no part alone
        found = [s for s in [_shortage(inst, sorted(x))] if s is not None]
    return [
        _describe(
            inst, targets, supply, target_ids, participant_ids, participant_labels, excluded_by
        )
        for targets, supply in found
    ]


def shortage_message(
    shortages: Sequence[Shortage],
    target_labels: Mapping[str, str],
    participant_labels: Mapping[str, str],
) -> str:
    parts = []
    for s in shortages:
        names = _join([target_labels[t] for t in s.targets])
        people = [participant_labels[p] for p in s.eligible]
        shown = ", ".join(people[:12]) + (f", … ({len(people)} in all)" if len(people) > 12 else "")
        verb = "needs" if len(s.targets) == 1 else "need"
        if s.eligible_count == len(people):
            head = f"{names} {verb} {s.required} people; only {s.eligible_count} eligible"
        else:
            head = (
                f"{names} {verb} {s.required} places; the {len(people)} eligible people "
                f"can fill only {s.eligible_count}"
            )
        parts.append(f"{head}{': ' + shown if people else ''} ({s.reason})")
    return "No valid assignment: " + "; ".join(parts) + "."


def _sink_side_targets(inst: Instance, flow: FlowOutcome) -> set[int]:
    """Targets that can reach the sink in the residual graph (reverse BFS)."""
    free_by_target: dict[int, list[int]] = {}
    used_by_person: dict[int, list[int]] = {}
    for p, t, used in zip(
        inst.arc_p.tolist(), inst.arc_t.tolist(), flow.chosen.tolist(), strict=True
    ):
        if used:
            used_by_person.setdefault(p, []).append(t)
        else:
            free_by_target.setdefault(t, []).append(p)
    short = np.nonzero(flow.filled < inst.required)[0].tolist()
    targets, people = set(short), set()
    queue = [("t", t) for t in short]
    while queue:
        kind, node = queue.pop()
        if kind == "t":
            for p in free_by_target.get(node, ()):
                if p not in people:
                    people.add(p)
                    queue.append(("p", p))
        else:
            for t in used_by_person.get(node, ()):
                if t not in targets:
                    targets.add(t)
                    queue.append(("t", t))
    return targets


def _components(inst: Instance, x: set[int]) -> list[list[int]]:
    """Split target set x into groups linked by shared eligible people (union-find)."""
    parent = {t: t for t in x}

    def root(t: int) -> int:
        while parent[t] != t:
            parent[t] = parent[parent[t]]
            t = parent[t]
        return t

    first_target_of: dict[int, int] = {}
    for p, t in zip(inst.arc_p.tolist(), inst.arc_t.tolist(), strict=True):
        if t in x:
            if p in first_target_of:
                parent[root(t)] = root(first_target_of[p])
            else:
                first_target_of[p] = t
    groups: dict[int, list[int]] = {}
    for t in sorted(x):
        groups.setdefault(root(t), []).append(t)
    return list(groups.values())


def _shortage(inst: Instance, targets: list[int]) -> tuple[list[int], int] | None:
    inside = np.isin(inst.arc_t, targets)
    counts = np.bincount(inst.arc_p[inside], minlength=inst.n_participants)
    supply = int(np.minimum(counts, inst.capacity).sum())
    if int(inst.required[targets].sum()) > supply:
        return targets, supply
    return None


def _describe(
    inst: Instance,
    targets: list[int],
    supply: int,
    target_ids: Sequence[str],
    participant_ids: Sequence[str],
    participant_labels: Sequence[str],
    excluded_by: Mapping[str, np.ndarray],
) -> Shortage:
    inside = np.isin(inst.arc_t, targets)
    eligible = sorted(set(inst.arc_p[inside].tolist()), key=lambda p: participant_labels[p])
    others = np.ones(inst.n_participants, dtype=bool)
    others[eligible] = False
    counted = []
    for rule, mask in excluded_by.items():
        n = int((mask[:, targets].any(axis=1) & others).sum())
        if n:
            counted.append(f"{rule}: {n}")
    reason = "others excluded by " + ", ".join(counted) if counted else "too few participants"
    return Shortage(
        targets=tuple(target_ids[t] for t in targets),
        required=int(inst.required[targets].sum()),
        eligible_count=supply,
        eligible=tuple(participant_ids[p] for p in eligible),
        reason=reason,
    )


def _join(names: list[str], most: int = 12) -> str:
    """ "A, B and C"; past `most` names, "A, B, … and 40 more" (the details list them all)."""
    if len(names) > most:
        return ", ".join(names[:most]) + f", … and {len(names) - most} more"
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
