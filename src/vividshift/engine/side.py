"""Side constraints compiled to participant/target indices for CP-SAT.

Besides the explicit ones, a participant who may take several targets must not
take two whose own time windows overlap (`availability.target_windows`, so daily
windows count by their occurrences in the run): that becomes a set limit of 1 per
overlapping pair (only generated when max assignments > 1, since otherwise it
cannot happen).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from vividshift.engine.availability import overlap, target_windows
from vividshift.engine.constraints import Constraint, Quota, Separate, TargetSetLimit, Together
from vividshift.engine.model import Problem

SideKind = Literal["separate", "together", "quota", "set_limit"]


@dataclass(frozen=True)
class SideRule:
    label: str  # how the rule is named in explanations
    kind: SideKind
    people: tuple[int, ...] = ()
    targets: tuple[int, ...] = ()
    low: int = 0
    high: int | None = None


_SIDE = (Separate, Together, Quota, TargetSetLimit)


def compile_side_rules(problem: Problem, capacity: int) -> list[SideRule]:
    """The problem's side constraints (and, with several places per person, the
    overlapping targets) as rules on indices; none is looked up without any."""
    side = [c for c in problem.constraints if isinstance(c, _SIDE)]
    t_label = [t.label for t in problem.targets]
    rules = _explicit_rules(problem, side, t_label) if side else []
    if capacity > 1:
        rules.extend(_overlap_rules(problem, t_label))
    return rules


def _explicit_rules(
    problem: Problem, side: Sequence[Constraint], t_label: list[str]
) -> list[SideRule]:
    """The side constraints, in their order, as rules on indices."""
    p_index = {p.id: i for i, p in enumerate(problem.participants)}
    t_index = {t.id: j for j, t in enumerate(problem.targets)}
    p_label = [p.label for p in problem.participants]
    rules: list[SideRule] = []
    for c in side:
        if isinstance(c, Separate | Together):
            people = tuple(sorted(p_index[x] for x in c.participants if x in p_index))
            names = ", ".join(p_label[i] for i in people)
            if len(people) > 1:
                kind: SideKind = "separate" if isinstance(c, Separate) else "together"
                word = "must not be together" if kind == "separate" else "must be together"
                rules.append(SideRule(f"{names} {word}", kind, people=people))
        elif isinstance(c, Quota):
            if c.target not in t_index:
                continue
            people = tuple(
                i
                for i, p in enumerate(problem.participants)
                if (c.group is None or p.group == c.group)
                and (c.skill is None or c.skill in p.skills)
            )
            what = (
                " and ".join(
                    x for x in (c.group and f"group {c.group}", c.skill and f"skill {c.skill}") if x
                )
                or "anyone"
            )
            bound = f"{c.min}–{c.max}" if c.max is not None else f"at least {c.min}"
            label = f"{t_label[t_index[c.target]]}: {bound} with {what}"
            rules.append(
                SideRule(label, "quota", people, (t_index[c.target],), low=c.min, high=c.max)
            )
        elif isinstance(c, TargetSetLimit):
            targets = tuple(sorted(t_index[x] for x in c.targets if x in t_index))
            names = ", ".join(t_label[j] for j in targets)
            rules.append(
                SideRule(
                    f"at most {c.max} of {names} each", "set_limit", targets=targets, high=c.max
                )
            )
    return rules


def _overlap_rules(problem: Problem, t_label: list[str]) -> list[SideRule]:
    timed = [
        (j, target_windows(problem, t))
        for j, t in enumerate(problem.targets)
        if t.time_window is not None
    ]
    rules = []
    for a, (ja, wa) in enumerate(timed):
        for jb, wb in timed[a + 1 :]:
            if overlap(wa, wb):
                label = f"{t_label[ja]} and {t_label[jb]} overlap in time"
                rules.append(SideRule(label, "set_limit", targets=(ja, jb), high=1))
    return rules
