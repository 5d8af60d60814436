"""Infeasibility explanations name the right targets, counts, people and rules."""

from __future__ import annotations

from datetime import datetime

import pytest

from vividshift.engine import (
    GroupExclusion,
    History,
    Infeasible,
    NoRepeat,
    Participant,
    Problem,
    RunWindow,
    Separate,
    Target,
    Together,
    solve,
    target_from_mapping,
)


def toilets_problem() -> Problem:
    # 8 people; Toilet A + Toilet B need 6, but the group rule leaves only 4 for them.
    groups = {"ann": "A", "bob": "A", "cy": "B", "dee": "B"}
    people = tuple(
        Participant(pid, group=groups.get(pid, "C"))
        for pid in ("ann", "bob", "cy", "dee", "eve", "fay", "gus", "hal")
    )
    targets = (
        Target("ta", "Toilet A", required_count=3),
        Target("tb", "Toilet B", required_count=3),
        Target("parlor", "Parlor", required_count=2),
    )
    rules = (
        GroupExclusion("C", frozenset({"ta", "tb"})),
        GroupExclusion("A", frozenset({"tb"})),
        GroupExclusion("B", frozenset({"ta"})),
    )
    return Problem(people, targets, constraints=rules)


def test_hall_shortage_names_each_short_target_and_its_candidates() -> None:
    with pytest.raises(Infeasible) as caught:
        solve(toilets_problem())
    exc = caught.value
    found = {s.targets: s for s in exc.shortages}
    assert set(found) == {("ta",), ("tb",)}
    assert found[("ta",)].required == 3
    assert found[("ta",)].eligible_count == 2
    assert found[("ta",)].eligible == ("ann", "bob")
    assert found[("tb",)].eligible == ("cy", "dee")
    # The people ruled out are named with their reason, not counted per rule.
    assert found[("ta",)].ruled_out_count == 6
    assert found[("ta",)].reason.startswith("ruled out: cy: in group B; dee: in group B; eve")
    assert "Toilet A needs 3, 2 can do it (ann and bob); ruled out: cy: in group B" in exc.message
    shortage = exc.to_dict()["shortages"][0]
    assert shortage["required"] == 3
    assert shortage["ruled_out"][0] == {"participant": "cy", "reason": "in group B"}


def test_shared_candidates_are_reported_as_one_group_of_targets() -> None:
    # Toilet A and B share their 4 candidates and need 6 together; Parlor is fine.
    people = tuple(Participant(f"p{i}", group="in" if i < 4 else "out") for i in range(8))
    targets = (Target("ta", "Toilet A", 3), Target("tb", "Toilet B", 3), Target("pa", "Parlor", 2))
    problem = Problem(
        people, targets, constraints=(GroupExclusion("out", frozenset({"ta", "tb"})),)
    )
    with pytest.raises(Infeasible) as caught:
        solve(problem)
    (shortage,) = caught.value.shortages
    assert shortage.targets == ("ta", "tb")
    assert (shortage.required, shortage.eligible_count) == (6, 4)
    assert "Toilet A and Toilet B need 6, 4 can do them" in caught.value.message


def test_no_repeat_is_named_when_it_is_the_cause_and_cannot_be_relaxed() -> None:
    people = (Participant("x"), Participant("y"))
    problem = Problem(
        people,
        (Target("bin", "Bin", 2),),
        constraints=(NoRepeat(window=1, relax_if_infeasible=False),),
        history=History.from_recent({"x": ["bin"]}),
    )
    with pytest.raises(Infeasible) as caught:
        solve(problem)
    (shortage,) = caught.value.shortages
    assert shortage.eligible == ("y",)
    assert shortage.reason == "ruled out: x: did Bin last run"


def test_relaxed_no_repeat_is_not_blamed() -> None:
    problem = Problem(
        (Participant("x"),), (Target("bin", "Bin", 2),), history=History.from_recent({"x": ["bin"]})
    )
    with pytest.raises(Infeasible) as caught:
        solve(problem)
    assert caught.value.shortages[0].reason == "too few participants"


def test_conflicting_side_constraints_are_named() -> None:
    people = tuple(Participant(p) for p in ("a", "b", "c"))
    problem = Problem(
        people,
        (Target("t", "Team", 2), Target("u", "Other", 1)),
        constraints=(Together(frozenset({"a", "b"})), Separate(frozenset({"a", "b"}))),
    )
    with pytest.raises(Infeasible) as caught:
        solve(problem)
    assert caught.value.shortages == ()
    assert set(caught.value.conflicts) == {"a, b must be together", "a, b must not be together"}
    assert "cannot all hold" in caught.value.message


def test_a_long_shortage_message_names_the_first_targets_and_counts_the_rest() -> None:
    targets = tuple(Target(id=f"t{i}", name=f"Task {i}", required_count=1) for i in range(40))
    problem = Problem(participants=(Participant(id="p1", name="Ann"),), targets=targets)
    with pytest.raises(Infeasible) as caught:
        solve(problem)
    message = str(caught.value)
    assert "Task 0, Task 1" in message and "… and 28 more" in message
    assert "Task 39" not in message
    assert len(caught.value.to_dict()["shortages"][0]["targets"]) == 40


def test_the_people_ruled_out_are_named_with_their_reason() -> None:
    saturday = RunWindow(datetime(2026, 10, 17), datetime(2026, 10, 18))
    people = (
        Participant(
            "e",
            "Emma",
            skills=frozenset({"first_aid"}),
            availability={"saturday": {"13:00": "unavailable"}},
        ),
        Participant("n", "Noah"),
        Participant("l", "Liam", skills=frozenset({"first_aid"})),
    )
    afternoon = {"start": "13:00", "end": "17:00", "days": ["saturday"]}
    target = target_from_mapping(
        {
            "id": "sat",
            "name": "Saturday afternoon",
            "required_count": 2,
            "required_skills": ["first_aid"],
            "constraints": {"time_window": afternoon},
        }
    )
    with pytest.raises(Infeasible) as caught:
        solve(Problem(people, (target,), window=saturday))
    assert caught.value.message == (
        "No valid assignment: Saturday afternoon needs 2, 1 can do it (Liam); "
        "ruled out: Emma: unavailable Saturday 13:00; Noah: lacks first_aid."
    )
    (shortage,) = caught.value.to_dict()["shortages"]
    assert shortage["ruled_out"] == [
        {"participant": "e", "reason": "unavailable Saturday 13:00"},
        {"participant": "n", "reason": "lacks first_aid"},
    ]
    assert shortage["ruled_out_count"] == 2


def test_a_long_list_of_people_ruled_out_is_capped() -> None:
    people = tuple(Participant(f"p{i:02}", f"Person {i:02}") for i in range(30))
    target = Target("t", "Pool", required_count=1, required_skills=frozenset({"swim"}))
    with pytest.raises(Infeasible) as caught:
        solve(Problem(people, (target,)))
    message = caught.value.message
    assert "Person 11: lacks swim; and 18 more" in message and "Person 12" not in message
    (shortage,) = caught.value.shortages
    assert shortage.ruled_out_count == 30 and len(shortage.ruled_out) == 30
