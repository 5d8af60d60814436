"""Each strategy's parameters change what it does; the registry describes them."""

from __future__ import annotations

import pytest

from vividshift.engine import (
    STRATEGIES,
    History,
    Infeasible,
    InvalidParameters,
    MaxAssignments,
    Participant,
    Problem,
    Target,
    describe_strategies,
    solve,
)


def chosen(problem: Problem) -> dict[str, str]:
    return {a.participant_id: a.target_id for a in solve(problem).assignments}


def test_registry_lists_compatible_names_with_parameter_schemas() -> None:
    described = {d["name"]: d for d in describe_strategies()}
    assert {"balanced_rotation", "random_assignment", "skill_based", "optimal"} <= set(described)
    props = described["balanced_rotation"]["parameters"]["properties"]
    assert {"rotation_weight", "balance_weight", "max_attempts"} <= set(props)
    assert props["rotation_weight"]["maximum"] == 1
    assert {"skill_threshold", "fallback_strategy"} <= set(
        described["skill_based"]["parameters"]["properties"]
    )
    assert {"seed", "ensure_capacity"} <= set(
        described["random_assignment"]["parameters"]["properties"]
    )
    assert set(STRATEGIES) == set(described)


@pytest.mark.parametrize(
    ("strategy", "params"),
    [
        ("balanced_rotation", {"rotation_weight": 1.5}),
        ("balanced_rotation", {"balance_weight": "high"}),
        ("balanced_rotation", {"max_attempts": 0}),
        ("skill_based", {"fallback_strategy": "magic"}),
        ("random_assignment", {"ensure_capacity": "yes"}),
        ("optimal", {"skill_weight": -0.1}),
    ],
)
def test_bad_parameters_are_rejected(strategy: str, params: dict) -> None:
    problem = Problem((Participant("x"),), (Target("t"),), strategy=strategy, parameters=params)
    with pytest.raises(InvalidParameters):
        solve(problem)


def test_unknown_strategy_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown strategy"):
        solve(Problem((Participant("x"),), (Target("t"),), strategy="telepathy"))


def rotation_problem(**params: float) -> Problem:
    # x did "a" two runs ago, y did "a" last run; both did nothing else recently.
    people = (Participant("x"), Participant("y"))
    history = History.from_recent({"x": ["b", "a"], "y": ["a", "b"]})
    return Problem(
        people,
        (Target("a"), Target("c")),
        parameters={**params, "history_window": 0},
        history=history,
    )


def test_balanced_rotation_sends_the_least_recent_doer() -> None:
    assert chosen(rotation_problem(rotation_weight=1.0))["x"] == "a"
    assert solve(rotation_problem(rotation_weight=1.0, max_attempts=3)).status == "optimal"


def test_balanced_rotation_balance_weight_prefers_the_least_loaded() -> None:
    # Two people, one place: y did more work over the history window.
    people = (Participant("x"), Participant("y"))
    history = History.from_recent({"x": [[], ["t"]], "y": [["u"], ["u", "t"]]})
    problem = Problem(
        people,
        (Target("t"),),
        history=history,
        parameters={"rotation_weight": 0.0, "balance_weight": 1.0},
    )
    assert chosen(problem) == {"x": "t"}
    history = History.from_recent({"x": [["u"], ["u", "t"]], "y": [[], ["t"]]})
    assert chosen(
        Problem(
            people,
            (Target("t"),),
            history=history,
            parameters={"rotation_weight": 0.0, "balance_weight": 1.0},
        )
    ) == {"y": "t"}


def test_balanced_rotation_history_window_is_a_hard_default() -> None:
    people = (Participant("x"), Participant("y"))
    history = History.from_recent({"x": ["a"], "y": ["c"]})
    problem = Problem(
        people,
        (Target("a"), Target("c")),
        history=history,
        parameters={"rotation_weight": 0.0, "balance_weight": 0.0},
    )
    assert chosen(problem) == {"x": "c", "y": "a"}


def skill_problem(**params: object) -> Problem:
    people = (
        Participant("pro", skills=frozenset({"cook"}), skill_levels={"cook": 0.9}),
        Participant("amateur", skills=frozenset({"cook"}), skill_levels={"cook": 0.3}),
        Participant("none"),
    )
    targets = (
        Target("kitchen", required_count=1, required_skills=frozenset({"cook"})),
        Target("garden", required_count=1, required_skills=frozenset({"dig"})),
    )
    return Problem(people, targets, strategy="skill_based", parameters=params)


def test_skill_based_threshold_and_fallback() -> None:
    # The threshold is the share of required skills a person has (not their level): both
    # cooks qualify for the kitchen whatever the threshold; nobody digs.
    result = solve(skill_problem(skill_threshold=0.5, fallback_strategy="balanced_rotation"))
    assign = {a.target_id: a.participant_id for a in result.assignments}
    assert assign["kitchen"] == "pro"
    assert any("fallback balanced_rotation for: garden" in n for n in result.notes)
    assert result.fallbacks == ("garden",)
    result = solve(skill_problem(skill_threshold=0.95, fallback_strategy="balanced_rotation"))
    assert {a.target_id: a.participant_id for a in result.assignments}["kitchen"] == "pro"
    assert result.fallbacks == ("garden",) and "kitchen" not in result.notes[0]


def test_skill_based_without_fallback_can_be_infeasible() -> None:
    with pytest.raises(Infeasible) as caught:
        solve(skill_problem(skill_threshold=0.5, fallback_strategy="none"))
    (shortage,) = caught.value.shortages
    assert shortage.targets == ("garden",) and "lacks dig" in shortage.reason


def test_skill_based_random_fallback_is_valid() -> None:
    result = solve(skill_problem(skill_threshold=0.5, fallback_strategy="random_assignment"))
    assert len(result.assignments) == 2 and "random_assignment" in result.notes[0]
    assert result.metadata()["fallback"] == {
        "strategy": "random_assignment",
        "targets": ["garden"],
    }


def random_problem(**params: object) -> Problem:
    people = tuple(Participant(f"p{i}") for i in range(12))
    targets = tuple(Target(f"t{j}", required_count=3) for j in range(3))
    return Problem(people, targets, strategy="random_assignment", parameters=params, seed=5)


def test_random_assignment_is_reproducible_and_varies_with_seed() -> None:
    assert chosen(random_problem(seed=1)) == chosen(random_problem(seed=1))
    variants = {frozenset(chosen(random_problem(seed=s)).items()) for s in range(8)}
    assert len(variants) >= 6
    for v in variants:
        assert len(v) == 9


def test_random_assignment_ensure_capacity_false_returns_largest_partial() -> None:
    people = (Participant("x"), Participant("y"))
    problem = Problem(
        people,
        (Target("t", required_count=3),),
        strategy="random_assignment",
        parameters={"ensure_capacity": False},
    )
    result = solve(problem)
    assert result.status == "infeasible" and len(result.assignments) == 2
    assert result.shortages[0].required == 3
    # The caller asked for a partial fill: a warning, not an error.
    capacity = next(v for v in result.validation if v.validator == "capacity_check")
    assert capacity.passed and capacity.severity == "warning"
    with pytest.raises(Infeasible):
        solve(Problem(people, (Target("t", required_count=3),), strategy="random_assignment"))


def test_optimal_weighs_preferences() -> None:
    people = (
        Participant("x", preferences={"preferred_targets": ["a"]}),
        Participant("y", preferences={"avoided_targets": ["a"]}),
    )
    targets = (Target("a"), Target("b"))
    params = {"preference_weight": 1.0, "rotation_weight": 0.0, "skill_weight": 0.0}
    assert chosen(Problem(people, targets, strategy="optimal", parameters=params)) == {
        "x": "a",
        "y": "b",
    }


def test_optimal_skill_threshold_is_hard() -> None:
    people = (Participant("x", skills=frozenset({"s"})), Participant("y"))
    targets = (Target("a", required_skills=frozenset({"s"})),)
    problem = Problem(
        people,
        targets,
        strategy="optimal",
        parameters={"skill_threshold": 1.0, "skill_weight": 0.0},
        constraints=(MaxAssignments(1),),
    )
    assert chosen(problem) == {"x": "a"}


def test_scores_and_confidence_are_in_unit_range() -> None:
    result = solve(skill_problem(skill_threshold=0.5, fallback_strategy="balanced_rotation"))
    for a in result.assignments:
        s = a.score
        assert all(0.0 <= v <= 1.0 for v in (s.rotation, s.balance, s.skill, s.preference))
        assert 0.0 <= a.confidence <= 1.0
    kitchen = next(a for a in result.assignments if a.target_id == "kitchen")
    assert kitchen.score.skill == pytest.approx(0.9)
