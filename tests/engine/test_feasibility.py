"""Never fail where a valid assignment exists; when none does, the explanation is a proof.

Eligibility is recomputed here from the rules (group exclusion, no-repeat window,
availability), independently of the engine, and CP-SAT decides feasibility.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model

from vividshift.engine import (
    GroupExclusion,
    History,
    Infeasible,
    MaxAssignments,
    NoRepeat,
    Participant,
    Problem,
    RunWindow,
    Target,
    solve,
)

WINDOW = RunWindow(datetime(2025, 10, 13), datetime(2025, 10, 20))
AWAY = {"unavailable": [{"start": "2025-10-14T00:00", "end": "2025-10-15T00:00"}]}


@st.composite
def problems(draw: st.DrawFn) -> Problem:
    tids = [f"t{j}" for j in range(draw(st.integers(1, 5)))]
    targets = tuple(Target(t, required_count=draw(st.integers(0, 3))) for t in tids)
    people, recent = [], {}
    for i in range(draw(st.integers(0, 9))):
        away = draw(st.integers(0, 9)) == 0
        people.append(
            Participant(
                f"p{i}",
                group=draw(st.sampled_from([None, "A", "B"])),
                availability=AWAY if away else {},
            )
        )
        recent[f"p{i}"] = draw(st.lists(st.sampled_from(tids), max_size=2))
    no_repeat = NoRepeat(
        window=draw(st.integers(0, 2)),
        per_target={tids[0]: draw(st.integers(0, 2))},
        relax_if_infeasible=False,
    )
    exclusion = GroupExclusion("A", frozenset(draw(st.lists(st.sampled_from(tids)))))
    cap = draw(st.integers(1, 2))
    return Problem(
        tuple(people),
        targets,
        constraints=(no_repeat, exclusion, MaxAssignments(cap)),
        history=History.from_recent(recent),
        window=WINDOW,
        seed=draw(st.integers(0, 1000)),
    )


def eligible(problem: Problem, p: Participant, t: Target) -> bool:
    rule = next(c for c in problem.constraints if isinstance(c, NoRepeat))
    excl = next(c for c in problem.constraints if isinstance(c, GroupExclusion))
    window = rule.per_target.get(t.id, rule.window)
    recent = problem.history.of(p.id)[:window]
    return (
        not (p.group == excl.group and t.id in excl.targets)
        and not any(t.id in run for run in recent)
        and not p.availability
    )


def capacity(problem: Problem) -> int:
    return next(c.max for c in problem.constraints if isinstance(c, MaxAssignments))


def feasible(problem: Problem) -> bool:
    model = cp_model.CpModel()
    x = {
        (p.id, t.id): model.new_bool_var("")
        for p in problem.participants
        for t in problem.targets
        if eligible(problem, p, t)
    }
    for t in problem.targets:
        model.add(sum(v for (_, tid), v in x.items() if tid == t.id) == t.required_count)
    for p in problem.participants:
        model.add(sum(v for (pid, _), v in x.items() if pid == p.id) <= capacity(problem))
    return cp_model.CpSolver().solve(model) == cp_model.OPTIMAL


@settings(
    max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(problems())
def test_solves_exactly_when_feasible_and_proves_otherwise(problem: Problem) -> None:
    people = {p.id: p for p in problem.participants}
    targets = {t.id: t for t in problem.targets}
    if feasible(problem):
        event("feasible")
        result = solve(problem)
        placed = [(a.participant_id, a.target_id) for a in result.assignments]
        assert len(set(placed)) == len(placed)
        for t in problem.targets:
            assert sum(tid == t.id for _, tid in placed) == t.required_count
        for p in problem.participants:
            assert sum(pid == p.id for pid, _ in placed) <= capacity(problem)
        assert all(eligible(problem, people[p], targets[t]) for p, t in placed)
        assert all(v.passed for v in result.validation)
        return
    event("infeasible")
    try:
        solve(problem)
    except Infeasible as exc:
        assert exc.shortages and exc.message.startswith("No valid assignment")
        for s in exc.shortages:
            # Each shortage is a Hall violation, checkable by hand.
            assert s.required == sum(targets[t].required_count for t in s.targets)
            expected = {
                p.id
                for p in problem.participants
                if any(eligible(problem, p, targets[t]) for t in s.targets)
            }
            assert set(s.eligible) == expected
            places = sum(
                min(
                    capacity(problem),
                    sum(eligible(problem, people[p], targets[t]) for t in s.targets),
                )
                for p in expected
            )
            assert s.eligible_count == places < s.required
        return
    raise AssertionError("solve returned although no valid assignment exists")


def test_more_places_than_people_is_proven_by_counting() -> None:
    """11 places × 30 targets for 300 people at most 1 each: the count is the proof,
    and the shortage says so, naming the people able to take a place."""
    people = tuple(Participant(f"p{i}") for i in range(300))
    away = Participant("away", availability={"available": False})
    targets = tuple(Target(f"t{j}", required_count=11) for j in range(30))
    with pytest.raises(Infeasible) as caught:
        solve(Problem((*people, away), targets))
    [shortage] = caught.value.shortages
    assert (shortage.required, shortage.eligible_count) == (330, 300)
    assert shortage.reason == "too few participants"
    assert set(shortage.eligible) == {p.id for p in people}
