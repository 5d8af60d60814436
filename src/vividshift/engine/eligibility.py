"""Which (participant, target) pairs the hard rules allow, and why the others are not.

The reasons are kept per rule so an infeasibility can be explained in the domain's
words ("excluded by the group rule: 8") rather than as a graph fact.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vividshift.engine.availability import is_available
from vividshift.engine.constraints import GroupExclusion, MaxAssignments, NoRepeat
from vividshift.engine.model import Problem, RunWindow

GROUP_RULE = "group rule"
UNAVAILABLE = "unavailable"
NO_REPEAT = "no-repeat"
SKILL_THRESHOLD = "skill threshold"


@dataclass(frozen=True)
class Eligibility:
    allowed: np.ndarray  # bool P × T: every hard rule except no-repeat
    repeat_weight: np.ndarray  # int32 P × T: 0 = not a recent repeat, else window - i
    excluded_by: dict[str, np.ndarray]  # rule → bool P × T of the pairs it forbids
    no_repeat: NoRepeat | None  # the effective rule (None: no history rule at all)


def capacity_of(problem: Problem) -> int:
    """Max assignments per participant: the tightest `MaxAssignments`, default 1."""
    limits = [c.max for c in problem.constraints if isinstance(c, MaxAssignments)]
    return min(limits) if limits else 1


def compute_eligibility(problem: Problem, default_window: int) -> Eligibility:
    """`default_window` is the strategy's no-repeat window when no rule is given."""
    participants, targets = problem.participants, problem.targets
    shape = (len(participants), len(targets))
    t_index = {t.id: j for j, t in enumerate(targets)}

    groups = np.array([p.group or "" for p in participants], dtype=object)
    group_block = np.zeros(shape, dtype=bool)
    for exclusion in [c for c in problem.constraints if isinstance(c, GroupExclusion)]:
        for tid in exclusion.targets:
            if tid in t_index:
                group_block[groups == exclusion.group, t_index[tid]] = True
    for j, t in enumerate(targets):
        for g in t.excluded_groups:
            group_block[groups == g, j] = True

    away = np.zeros(shape, dtype=bool)
    windows: dict[RunWindow | None, list[int]] = {}
    for j, t in enumerate(targets):
        windows.setdefault(t.time_window or problem.window, []).append(j)
    for window, cols in windows.items():
        absent = np.array([not is_available(p, window) for p in participants], dtype=bool)
        away[np.ix_(absent, np.array(cols, dtype=np.int64))] = True

    rule = _effective_no_repeat(problem, default_window)
    repeat = np.zeros(shape, dtype=np.int32)
    if rule is not None:
        limit = np.array([_window_of(rule, t.id, t.no_repeat_window) for t in targets])
        for i, p in enumerate(participants):
            runs = problem.history.of(p.id)
            for k in range(min(len(runs), int(limit.max(initial=0))) - 1, -1, -1):
                for tid in runs[k]:
                    col = t_index.get(tid)
                    if col is not None and k < limit[col]:
                        repeat[i, col] = limit[col] - k

    return Eligibility(
        allowed=~(group_block | away),
        repeat_weight=repeat,
        excluded_by={GROUP_RULE: group_block, UNAVAILABLE: away, NO_REPEAT: repeat > 0},
        no_repeat=rule,
    )


def _effective_no_repeat(problem: Problem, default_window: int) -> NoRepeat | None:
    rules = [c for c in problem.constraints if isinstance(c, NoRepeat)]
    if rules:
        return rules[-1]
    if default_window > 0 or any(t.no_repeat_window for t in problem.targets):
        return NoRepeat(window=default_window)
    return None


def _window_of(rule: NoRepeat, target_id: str, target_window: int | None) -> int:
    # Most specific first: the constraint's per-target entry, the target's own rule,
    # then the constraint's general window.
    if target_id in rule.per_target:
        return rule.per_target[target_id]
    if target_window is not None:
        return target_window
    return rule.window
