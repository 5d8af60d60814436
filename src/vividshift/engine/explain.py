"""Why no valid assignment exists, in the domain's words.

When the maximum flow falls short, a minimum cut certifies it. We take the cut on
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
    if not x:
        return []
    groups = _components(inst, x)
    found = [s for g in groups if (s := _shortage(inst, g)) is not None]
    if not found:  # only possible with capacity > 1: the union is short, no part alone
        found = [s for s in [_shortage(inst, sorted(x))] if s is not None]
    return [
        _describe(
            inst,
            targets,
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
    reasons: PairReasons,
) -> Shortage:
    inside = np.isin(inst.arc_t, targets)
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
