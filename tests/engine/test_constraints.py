"""Constraints: parsing, the CP-SAT side constraints, and the no-repeat relaxation."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from vividshift.engine import (
    CONSTRAINT_SCHEMAS,
    Constraint,
    GroupExclusion,
    History,
    Infeasible,
    MaxAssignments,
    NoRepeat,
    Participant,
    Problem,
    Quota,
    RunWindow,
    Separate,
    SolveResult,
    Target,
    TargetSetLimit,
    Together,
    parse_constraint,
    solve,
)


def test_parse_compatible_and_native_constraints() -> None:
    assert parse_constraint(
        {
            "name": "max_assignments_per_participant",
            "constraint_type": "limit",
            "parameters": {"max": 3},
        }
    ) == MaxAssignments(3)
    parsed = parse_constraint(
        {"name": "no_repeat", "parameters": {"window": 2, "per_target": {"Toilet B": 1}}}
    )
    assert parsed == NoRepeat(2, {"Toilet B": 1})
    assert parse_constraint(
        {"name": "group_exclusion", "parameters": {"group": "A", "targets": ["Toilet B"]}}
    ) == GroupExclusion("A", frozenset({"Toilet B"}))
    assert parse_constraint(
        {"name": "target_quota", "parameters": {"target": "t", "group": "A", "min": 1, "max": 2}}
    ) == Quota("t", 1, 2, group="A")
    assert set(CONSTRAINT_SCHEMAS) >= {
        "max_assignments_per_participant",
        "must_be_together",
        "must_not_be_together",
        "target_quota",
        "no_repeat",
    }
    with pytest.raises(ValueError, match="missing parameter"):
        parse_constraint({"name": "max_assignments_per_participant", "parameters": {}})
    with pytest.raises(ValueError, match="must be >= 1"):
        parse_constraint({"name": "max_assignments_per_participant", "parameters": {"max": 0}})
    with pytest.raises(ValueError, match="unknown constraint"):
        parse_constraint({"name": "vibes"})


def team(n: int = 6) -> tuple[Participant, ...]:
    return tuple(
        Participant(
            f"p{i}",
            group="A" if i < 3 else "B",
            skills=frozenset({"lead"}) if i in (0, 5) else frozenset(),
        )
        for i in range(n)
    )


def where(result: SolveResult) -> dict[str, str]:
    return {a.participant_id: a.target_id for a in result.assignments}


def solve_side(
    *constraints: Constraint, targets: tuple[Target, ...] | None = None, **kw: Any
) -> SolveResult:
    targets = targets or (Target("t0", required_count=3), Target("t1", required_count=3))
    return solve(Problem(team(), targets, constraints=tuple(constraints), **kw))


def test_separate_and_together_go_to_cp_sat_and_hold() -> None:
    result = solve_side(Separate(frozenset({"p0", "p1"})), Together(frozenset({"p3", "p4"})))
    assert (result.method, result.status, result.optimality_proven) == ("cp_sat", "optimal", True)
    got = where(result)
    assert got["p0"] != got["p1"] and got["p3"] == got["p4"]
    assert all(v.passed for v in result.validation)


def test_three_must_not_share_two_full_targets() -> None:
    # 6 people fill 2 targets of 3: three people cannot all be on different targets.
    with pytest.raises(Infeasible) as caught:
        solve_side(Separate(frozenset({"p0", "p1", "p2"})))
    assert caught.value.conflicts == ("p0, p1, p2 must not be together",)


def test_group_and_skill_quotas_hold() -> None:
    result = solve_side(Quota("t0", min=3, group="A"), Quota("t1", min=1, skill="lead"))
    assert where(result) == {"p0": "t0", "p1": "t0", "p2": "t0", "p3": "t1", "p4": "t1", "p5": "t1"}
    # p0 is in group A and leads, p5 is the only other lead: t1 cannot get 2 leads.
    with pytest.raises(Infeasible) as caught:
        solve_side(Quota("t0", min=3, group="A"), Quota("t1", min=2, skill="lead"))
    assert set(caught.value.conflicts) == {
        "t0: at least 3 with group A",
        "t1: at least 2 with skill lead",
    }


def test_quota_max_and_target_set_limit() -> None:
    targets = tuple(Target(f"t{j}", required_count=2) for j in range(3))
    result = solve_side(
        MaxAssignments(2),
        TargetSetLimit(frozenset({"t0", "t1"}), 1),
        Quota("t2", max=0, group="B"),
        targets=targets,
    )
    got: dict[str, list[str]] = {}
    for a in result.assignments:
        got.setdefault(a.participant_id, []).append(a.target_id)
    assert all(not {"t0", "t1"} <= set(ts) for ts in got.values())
    assert all(p in ("p0", "p1", "p2") for p, ts in got.items() if "t2" in ts)


def test_overlapping_target_windows_never_share_a_person() -> None:
    w = RunWindow(datetime(2025, 1, 1, 9), datetime(2025, 1, 1, 12))
    targets = (
        Target("a", required_count=2, time_window=w),
        Target("b", required_count=2, time_window=w),
    )
    people = (Participant("x"), Participant("y"), Participant("z"), Participant("v"))
    result = solve(
        Problem(
            people, targets, constraints=(MaxAssignments(2),), parameters={"balance_weight": 0.0}
        )
    )
    assert result.method == "cp_sat"
    assert len({a.participant_id for a in result.assignments}) == 4


def test_flow_method_refuses_side_constraints() -> None:
    with pytest.raises(ValueError, match="cp_sat"):
        solve(
            Problem(team(), (Target("t0"),), constraints=(Separate(frozenset({"p0", "p1"})),)),
            method="min_cost_flow",
        )


def test_no_repeat_relaxes_to_the_oldest_repeat_and_says_so() -> None:
    # Both must work; x did "a" last run, y did "a" two runs ago: y should repeat.
    people = (Participant("x"), Participant("y"))
    history = History.from_recent({"x": ["a", "b"], "y": ["b", "a"]})
    problem = Problem(
        people, (Target("a", "A", 2),), history=history, constraints=(NoRepeat(window=2),)
    )
    result = solve(problem)
    assert len(result.assignments) == 2 and result.status == "optimal"
    assert result.relaxations[0].startswith("no-repeat relaxed")
    assert sorted(result.relaxations[1:]) == [
        "x repeats A (done 1 run(s) ago)",
        "y repeats A (done 2 run(s) ago)",
    ]
    # One place: the older repeat (y) is the one made.
    problem = Problem(
        people, (Target("a", "A", 1),), history=history, constraints=(NoRepeat(window=2),)
    )
    assert where(solve(problem)) == {"y": "a"}


def test_no_repeat_relaxation_also_applies_with_side_constraints() -> None:
    people = (Participant("x"), Participant("y"), Participant("z"))
    history = History.from_recent({"x": ["a"], "y": ["a"]})
    problem = Problem(
        people,
        (Target("a", "A", 2), Target("b", "B", 1)),
        history=history,
        constraints=(NoRepeat(window=1), Separate(frozenset({"z", "y"}))),
    )
    result = solve(problem)
    # z and y cannot share "a", so one of x, y repeats "a" (both did it last run).
    assert result.method == "cp_sat" and result.relaxations
    got = where(result)
    assert got["z"] == "a" and sorted(got.values()) == ["a", "a", "b"]
    assert len(result.relaxations) == 2


def test_target_level_no_repeat_window_overrides_the_rule() -> None:
    people = (Participant("x"), Participant("y"))
    history = History.from_recent({"x": ["c", "a"], "y": ["b", "b"]})
    targets = (Target("a", no_repeat_window=1), Target("c"))
    # x did c last run and a two runs ago: only a's own window of 1 lets x work.
    result = solve(
        Problem(
            people,
            targets,
            history=history,
            constraints=(NoRepeat(window=2, relax_if_infeasible=False),),
        )
    )
    assert where(result) == {"x": "a", "y": "c"}
    assert not result.relaxations
    with_window_2 = (Target("a"), Target("c"))
    with pytest.raises(Infeasible):
        solve(
            Problem(
                people,
                with_window_2,
                history=history,
                constraints=(NoRepeat(window=2, relax_if_infeasible=False),),
            )
        )
