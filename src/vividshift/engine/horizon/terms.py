"""The parts of the horizon model besides places and capacity: people kept apart,
repeats (hard clauses or counted indicators), crowding, variety, and changes against a
published plan; and counting repeats of a finished plan."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from ortools.sat.python import cp_model

from vividshift.engine.constraints import NoRepeat, Separate
from vividshift.engine.horizon.fair import variety_caps
from vividshift.engine.horizon.model import Horizon
from vividshift.engine.model import Problem


def keep_apart(
    model: cp_model.CpModel, base: Problem, x: dict, people: list[str], K: int, T: int
) -> None:
    p_index = {p: i for i, p in enumerate(people)}
    for rule in base.constraints:
        if isinstance(rule, Separate):
            members = [p_index[p] for p in rule.participants if p in p_index]
            for k in range(K):
                for j in range(T):
                    vars_ = [x[k, i, j] for i in members if (k, i, j) in x]
                    if len(vars_) > 1:
                        model.add(sum(vars_) <= 1)


def repeat_windows(base: Problem) -> list[int]:
    """Turns apart within which the same target counts as a repeat (1 = consecutive)."""
    rules = [c for c in base.constraints if isinstance(c, NoRepeat)]
    rule = rules[-1] if rules else None
    out = []
    for t in base.targets:
        if rule is not None and t.id in rule.per_target:
            out.append(max(1, rule.per_target[t.id]))
        elif t.no_repeat_window:
            out.append(max(1, t.no_repeat_window))
        elif rule is not None:
            out.append(max(1, rule.window))
        else:
            out.append(1)
    return out


def repeat_terms(
    model: cp_model.CpModel,
    horizon: Horizon,
    x: dict,
    people: list[str],
    targets: Sequence[Any],
    *,
    hard: bool,
) -> list[Any]:
    """The repeat indicators (soft), or none with every repeat forbidden (hard)."""
    windows = repeat_windows(horizon.base)
    terms: list[Any] = []
    for (k, i, j), var in x.items():
        for before in horizon.previous[: max(0, windows[j] - k)]:
            if targets[j].id in before.get(people[i], ()):
                if hard:
                    model.add(var == 0)
                else:
                    terms.append(var)
        for gap in range(1, windows[j] + 1):
            other = x.get((k + gap, i, j))
            if other is None:
                continue
            if hard:
                model.add_at_most_one(var, other)
            else:
                both = model.new_bool_var("")
                model.add(var + other <= 1 + both)
                terms.append(both)
    return terms


def count_repeats(horizon: Horizon, turns: Sequence[Sequence[tuple[str, str]]]) -> int:
    """Same person on the same target within the target's no-repeat window, counted
    pair by pair (also against the turns before the horizon)."""
    windows = dict(
        zip((t.id for t in horizon.base.targets), repeat_windows(horizon.base), strict=True)
    )
    history = [
        {(p, t) for p, ts in before.items() for t in ts} for before in reversed(horizon.previous)
    ] + [set(turn) for turn in turns]
    offset = len(horizon.previous)
    count = 0
    for k in range(offset, len(history)):
        for pid, tid in history[k]:
            count += sum(
                1
                for gap in range(1, windows[tid] + 1)
                if k - gap >= 0 and (pid, tid) in history[k - gap]
            )
    return count


def crowding(
    model: cp_model.CpModel,
    by_person_turn: Mapping[tuple[int, int], list[Any]],
    present: np.ndarray,
    places: int,
    cap: int,
    *,
    hard: bool,
) -> list[Any]:
    """Places a person takes in one turn beyond the turn's places over the people present
    (rounded up): a second place only when there are more places than people."""
    if cap <= 1:
        return []
    excess = []
    for (k, _i), vars_ in by_person_turn.items():
        even = math.ceil(places / max(1, int(present[k].sum())))
        if len(vars_) > even and hard:
            model.add(sum(vars_) <= even)
        elif len(vars_) > even:
            over = model.new_int_var(0, cap, "")
            model.add(over >= cp_model.LinearExpr.sum(vars_) - even)
            excess.append(over)
    return excess


def variety(
    model: cp_model.CpModel, x: dict, present: np.ndarray, allowed: np.ndarray, need: Sequence[int]
) -> list[Any]:
    """Places of a target above the person's fair part of it, rounded up: each turn's
    places of the target divided among the people present who may do it."""
    if allowed.shape[2] < 2:
        return []
    fair = variety_caps(present, allowed, need)
    per: dict[tuple[int, int], list[Any]] = {}
    for (_k, i, j), var in x.items():
        per.setdefault((i, j), []).append(var)
    excess = []
    for (i, j), vars_ in per.items():
        if len(vars_) > fair[i, j]:
            over = model.new_int_var(0, len(vars_), "")
            model.add(over >= cp_model.LinearExpr.sum(vars_) - int(fair[i, j]))
            excess.append(over)
    return excess


def changes(horizon: Horizon, x: dict, people: list[str], targets: Sequence[Any]) -> Any:
    """Published places whose person leaves (not kept in the new plan)."""
    assert horizon.published is not None
    p_index = {p: i for i, p in enumerate(people)}
    t_index = {t.id: j for j, t in enumerate(targets)}
    leaves: list[Any] = []
    constant = 0
    for k, pairs in enumerate(horizon.published):
        for pid, tid in pairs:
            var = x.get((k, p_index.get(pid, -1), t_index.get(tid, -1)))
            if var is None:
                constant += 1  # that person may no longer do it (or is gone): must leave
            else:
                leaves.append(1 - var)
    return sum(leaves) + constant
