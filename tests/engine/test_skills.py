"""Required skills are a hard rule in every strategy (share of skills >= threshold)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from vividshift.engine import (
    Infeasible,
    Participant,
    Problem,
    Target,
    ValidatorSpec,
    describe_strategies,
    solve,
    validate_assignment,
)
from vividshift.engine.eligibility import SKILL
from vividshift.engine.strategies import eligibility_for

STRATEGIES = ("balanced_rotation", "random_assignment", "skill_based", "optimal")


def first_aid(strategy: str, **params: object) -> Problem:
    people = (
        Participant("liam", "Liam", skills=frozenset({"first_aid"})),
        Participant("noah", "Noah"),
        Participant("emma", "Emma"),
    )
    targets = (
        Target("pool", "Pool", 1, required_skills=frozenset({"first_aid"})),
        Target("desk", "Desk", 2),
    )
    return Problem(people, targets, strategy=strategy, parameters=params)


@pytest.mark.parametrize("strategy", STRATEGIES)
@pytest.mark.parametrize("seed", range(4))
def test_every_strategy_uses_only_qualified_people(strategy: str, seed: int) -> None:
    result = solve(replace(first_aid(strategy), seed=seed))
    assert result.by_target()["pool"] == ["liam"]
    assert all(v.passed and v.severity != "error" for v in result.validation)


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_nobody_qualified_is_infeasible_naming_target_and_skill(strategy: str) -> None:
    people = (Participant("noah", "Noah"), Participant("emma", "Emma"))
    problem = Problem(
        people, (Target("pool", "Pool", 1, required_skills=frozenset({"first_aid"})),), strategy
    )
    with pytest.raises(Infeasible) as caught:
        solve(problem)
    assert "Pool needs 1, none can do it" in caught.value.message
    assert "Emma: lacks first_aid; Noah: lacks first_aid" in caught.value.message


def test_skill_based_default_has_no_fallback() -> None:
    # The only candidate lacks the skill: formerly a success with skill score 0.
    problem = Problem(
        (Participant("noah", "Noah"),),
        (Target("pool", "Pool", required_skills=frozenset({"first_aid"})),),
        strategy="skill_based",
    )
    with pytest.raises(Infeasible, match="Noah: lacks first_aid"):
        solve(problem)


@pytest.mark.parametrize("strategy", ["skill_based", "optimal"])
def test_threshold_is_the_share_of_required_skills(strategy: str) -> None:
    people = (
        Participant("half", skills=frozenset({"a"})),
        Participant("none", skills=frozenset({"z"})),
    )
    targets = (Target("t", required_skills=frozenset({"a", "b"})),)
    loose = Problem(people, targets, strategy=strategy, parameters={"skill_threshold": 0.5})
    assert solve(loose).by_target() == {"t": ["half"]}
    (check,) = validate_assignment(loose, [("half", "t")], [ValidatorSpec("skill_matching")])
    assert check.passed and check.severity == "info"  # the validator agrees with the solver
    strict = Problem(people, targets, strategy=strategy)  # default 1.0: all skills
    with pytest.raises(Infeasible, match="half: lacks b"):
        solve(strict)


def test_schemas_default_to_all_skills_and_say_what_the_threshold_is() -> None:
    described = {d["name"]: d["parameters"]["properties"] for d in describe_strategies()}
    for name in ("skill_based", "optimal"):
        threshold = described[name]["skill_threshold"]
        assert threshold["default"] == 1.0
        assert "share of required skills a person must have" in threshold["description"].lower()
    assert described["skill_based"]["fallback_strategy"]["default"] == "none"


def test_required_match_false_makes_skills_a_preference() -> None:
    soft = (ValidatorSpec("skill_matching", {"required_match": False}),)
    people = (Participant("noah", "Noah"), Participant("liam", skills=frozenset({"first_aid"})))
    targets = (Target("pool", "Pool", 2, required_skills=frozenset({"first_aid"})),)
    result = solve(Problem(people, targets, validators=soft))
    assert sorted(result.by_target()["pool"]) == ["liam", "noah"]
    (check,) = result.validation
    assert (check.severity, check.passed) == ("warning", True)
    # With one place the qualified person still wins on score (skill_based / optimal).
    one = (Target("pool", "Pool", 1, required_skills=frozenset({"first_aid"})),)
    assert solve(Problem(people, one, strategy="skill_based", validators=soft)).by_target() == {
        "pool": ["liam"]
    }


def test_unqualified_pairs_are_kept_under_the_skill_rule() -> None:
    eligibility = eligibility_for(first_aid("balanced_rotation"))
    assert eligibility.excluded_by[SKILL][:, 0].tolist() == [False, True, True]
    assert not eligibility.excluded_by[SKILL][:, 1].any()


def fallback_problem(fallback: str) -> Problem:
    people = (
        Participant("liam", "Liam", skills=frozenset({"first_aid"})),
        Participant("noah", "Noah"),
        Participant("emma", "Emma"),
    )
    targets = (
        Target("pool", "Pool", 2, required_skills=frozenset({"first_aid"})),
        Target("desk", "Desk", 1, required_skills=frozenset({"typing"})),
    )
    return Problem(
        people, targets, strategy="skill_based", parameters={"fallback_strategy": fallback}
    )


@pytest.mark.parametrize("fallback", ["balanced_rotation", "random_assignment"])
def test_fallback_drops_the_skill_rule_only_for_short_targets_and_says_so(fallback: str) -> None:
    result = solve(fallback_problem(fallback))
    assert result.fallbacks == ("pool", "desk")
    assert "liam" in result.by_target()["pool"]  # the qualified person still comes first
    assert result.metadata()["fallback"] == {"strategy": fallback, "targets": ["pool", "desk"]}
    assert any(n.startswith(f"fallback {fallback} for: Pool, Desk") for n in result.notes)
    skills = next(v for v in result.validation if v.validator == "skill_matching")
    assert (skills.severity, skills.passed) == ("warning", True)
    assert any("lacks first_aid for Pool (fallback" in m for m in skills.messages)


def test_no_fallback_metadata_without_fallback_targets() -> None:
    result = solve(first_aid("skill_based", fallback_strategy="balanced_rotation"))
    assert result.fallbacks == () and "fallback" not in result.metadata()


def test_fallback_none_names_the_target_and_missing_skill() -> None:
    with pytest.raises(Infeasible) as caught:
        solve(fallback_problem("none"))
    message = caught.value.message
    assert "Pool needs 2, 1 can do it (Liam); ruled out: Emma: lacks first_aid" in message
    assert "Desk needs 1, none can do it" in message and "lacks typing" in message
