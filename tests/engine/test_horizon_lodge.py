"""A year of the lodge (26 turns of 14 days) planned at once, checked turn by turn by the
independent checker; a resident away six weeks; a resident leaving mid-year."""

from __future__ import annotations

import json
import tomllib
from collections import Counter
from datetime import datetime, timedelta

import pytest

from tests.engine.horizon_check import turn_problems
from tests.engine.test_lodge import LODGE, RUN
from vividshift.engine import (
    GroupExclusion,
    MaxAssignments,
    NoRepeat,
    Participant,
    Problem,
    RunWindow,
    Target,
    infer_groups,
)
from vividshift.engine.horizon import Horizon, HorizonResult, plan_horizon

pytestmark = pytest.mark.skipif(
    not (LODGE / f"history-{RUN}.json").exists(), reason=f"lodge data not found at {LODGE}"
)
START = datetime(2026, 1, 4, 23)  # Monday 2026-01-05 00:00 in Berlin, as naive UTC
TURNS = tuple(
    RunWindow(START + timedelta(days=14 * k), START + timedelta(days=14 * (k + 1)))
    for k in range(26)
)
EXCLUDED = {"Toilet B": {"A"}, "Toilet A": {"B"}}


def _lodge() -> tuple[dict[str, int], dict[str, list[str]], dict[str, str | None]]:
    chores = tomllib.loads((LODGE / "chores.toml").read_text())["work_assignments"]
    recent = json.loads((LODGE / f"history-{RUN}.json").read_text())["assignments"]
    snapshots = [
        json.loads(f.read_text())["assignments"] for f in sorted((LODGE / "history").glob("*.json"))
    ]
    return chores, recent, infer_groups(snapshots, {"Toilet A": "A", "Toilet B": "B"})


def _horizon(
    *, away: dict[str, tuple[datetime, datetime]] | None = None, cap: int = 1, **kwargs
) -> Horizon:
    chores, recent, groups = _lodge()
    away = away or {}
    people = tuple(
        Participant(
            name,
            name=name,
            group=groups[name],
            availability={"unavailable": [[a.isoformat(), b.isoformat()]]}
            if (span := away.get(name)) and (a := span[0]) and (b := span[1])
            else {},
        )
        for name in recent
    )
    rules = (
        NoRepeat(window=2, per_target={"Toilet B": 1}),
        GroupExclusion("A", frozenset({"Toilet B"})),
        GroupExclusion("B", frozenset({"Toilet A"})),
        MaxAssignments(cap),
    )
    problem = Problem(
        people,
        tuple(Target(c, name=c, required_count=n) for c, n in chores.items()),
        constraints=rules,
    )
    previous = tuple({p: frozenset(done[k : k + 1]) for p, done in recent.items()} for k in (0, 1))
    return Horizon(problem, kwargs.pop("turns", TURNS), previous=previous, **kwargs)


def _check(result: HorizonResult, horizon: Horizon, cap: int, away: dict | None = None) -> None:
    chores, _, groups = _lodge()
    people = {p.id for p in horizon.base.participants}
    for k, pairs in enumerate(result.turns):
        window = horizon.turns[k]
        problems = turn_problems(
            pairs,
            need=chores,
            skills={},
            required={},
            group=groups,
            excluded=EXCLUDED,
            away={p: [span] for p, span in (away or {}).items()},
            turn=(window.start, window.end),
            cap=cap,
        )
        assert not problems, (k, problems)
        assert {p for p, _ in pairs} <= people


def _table(result: HorizonResult, chores: dict[str, int]) -> str:
    counts = Counter(pair for turn in result.turns for pair in turn)
    people = sorted({p for turn in result.turns for p, _ in turn})
    lines = ["person     " + " ".join(f"{c[:9]:>9}" for c in chores) + "   total"]
    for p in people:
        row = [counts[p, c] for c in chores]
        lines.append(f"{p:10} " + " ".join(f"{n:>9}" for n in row) + f"   {sum(row):>5}")
    spread = [
        max(counts[p, c] for p in people if not (EXCLUDED.get(c, set()) & {_lodge()[2][p]}))
        - min(counts[p, c] for p in people if not (EXCLUDED.get(c, set()) & {_lodge()[2][p]}))
        for c in chores
    ]
    lines.append("spread     " + " ".join(f"{n:>9}" for n in spread))
    return "\n".join(lines)


def test_a_year_of_the_lodge_planned_at_once():
    chores, recent, _ = _lodge()
    horizon = _horizon()
    result = plan_horizon(horizon, time_limit_s=30, workers=2)
    print(f"\n{result.status} in {result.wall_s} s, {result.variables} variables\n")
    print(_table(result, chores))
    assert result.status == "optimal" and result.repeats == 0
    _check(result, horizon, cap=1)
    # Nobody repeats a chore within the house's window (two turns; Toilet B: one).
    for k in range(1, 26):
        for p, chore in result.turns[k]:
            window = 1 if chore == "Toilet B" else 2
            earlier = {
                c for turn in result.turns[max(0, k - window) : k] for q, c in turn if q == p
            }
            assert chore not in earlier
    assert set(result.count.values()) == {26}


def test_a_resident_away_six_weeks_does_proportionally_fewer_turns():
    """Away for three whole turns (six weeks): 23 places in the year, as her presence
    says, not 26 with a backlog made up after her return (with 17 present for 18 places,
    someone does two places in those turns: the house allows two)."""
    chores, _, _ = _lodge()
    away = {"Vitalis": (TURNS[10].start, TURNS[13].start)}
    horizon = _horizon(away=away, cap=2)
    result = plan_horizon(horizon, time_limit_s=30, workers=2)
    _check(result, horizon, cap=2, away=away)
    assert result.present_turns["Vitalis"] == 23
    assert result.count["Vitalis"] == 23
    after_return = [sum(1 for p, _ in result.turns[k] if p == "Vitalis") for k in range(13, 26)]
    assert max(after_return) == 1  # no catching up
    others = [n for p, n in result.count.items() if p != "Vitalis"]
    assert sum(others) == 18 * 26 - 23 and max(others) - min(others) <= 1


def test_replan_after_a_resident_leaves_mid_year():
    """Planned for the year, published; Usher leaves after turn 13. Re-planning turns
    14–26 changes only his places (the proven minimum: everyone else may stay, someone
    takes a second place) and keeps the pinned ones."""
    chores, _, _ = _lodge()
    horizon = _horizon(cap=2)
    plan = plan_horizon(horizon, time_limit_s=30, workers=2)
    published = tuple(frozenset(turn) for turn in plan.turns)
    rest = _horizon(cap=2, turns=TURNS[13:])
    stayers = tuple(p for p in rest.base.participants if p.id != "Usher")
    pins = tuple(
        frozenset(p for p in published[k] if p[1] == "Parlor" and p[0] != "Usher")
        for k in range(13, 26)
    )
    previous = tuple(
        {p: frozenset(c for q, c in plan.turns[k] if q == p) for p, _ in plan.turns[k]}
        for k in (12, 11)
    )
    replan = plan_horizon(
        Horizon(
            Problem(stayers, rest.base.targets, constraints=rest.base.constraints),
            TURNS[13:],
            previous=previous,
            published=published[13:],
            pinned=pins,
        ),
        time_limit_s=30,
        workers=2,
    )
    leaving = sum(1 for k in range(13, 26) for p, _ in published[k] if p == "Usher")
    assert leaving >= 12
    assert replan.changes == leaving and replan.changes_proven
    for k, pairs in enumerate(replan.turns):
        gone = published[13 + k] - set(pairs)
        assert {p for p, _ in gone} == {"Usher"}
        assert pins[k] <= set(pairs)
        assert "Usher" not in {p for p, _ in pairs}
