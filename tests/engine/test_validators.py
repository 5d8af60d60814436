"""Validators on hand-made (edited) assignments: each severity, each parameter."""

from __future__ import annotations

from datetime import datetime

import pytest

from vividshift.engine import (
    InvalidParameters,
    MaxAssignments,
    Participant,
    Problem,
    RunWindow,
    Target,
    ValidationResult,
    ValidatorSpec,
    describe_validators,
    validate_assignment,
)
from vividshift.engine.strategies import eligibility_for

WEEK = RunWindow(datetime(2025, 10, 13), datetime(2025, 10, 20))  # Monday to Monday


def problem() -> Problem:
    people = (
        Participant("ann", skills=frozenset({"cook", "drive"})),
        Participant(
            "bob",
            skills=frozenset({"cook"}),
            availability={"unavailable": [["2025-10-14T08:00", "2025-10-14T18:00"]]},
        ),
        Participant("cy", availability={"tuesday": {"9:00": "unavailable"}}),
        Participant("dee"),
    )
    targets = (
        Target("kitchen", "Kitchen", 2, required_skills=frozenset({"cook"})),
        Target(
            "van",
            "Van",
            1,
            required_skills=frozenset({"drive", "cook"}),
            time_window=RunWindow(datetime(2025, 10, 18, 9), datetime(2025, 10, 18, 12)),
        ),
        Target(
            "market",
            "Market",
            1,
            time_window=RunWindow(datetime(2025, 10, 18, 10), datetime(2025, 10, 18, 11)),
        ),
    )
    return Problem(people, targets, window=WEEK, constraints=(MaxAssignments(2),))


def run(name: str, pairs: list[tuple[str, str]], **params: object) -> ValidationResult:
    (result,) = validate_assignment(problem(), pairs, [ValidatorSpec(name, params)])
    assert result.validator == name
    return result


GOOD = [("ann", "van"), ("ann", "kitchen"), ("dee", "market"), ("bob", "kitchen")]


def test_registry_describes_each_validator_with_parameters() -> None:
    described = {d["name"]: d["parameters"]["properties"] for d in describe_validators()}
    assert set(described["capacity_check"]) == {"strict_mode", "tolerance"}
    assert set(described["availability_check"]) == {"check_conflicts", "time_window"}
    assert set(described["skill_matching"]) == {"required_match", "report_missing"}


def test_capacity_check_severities() -> None:
    ok = [("ann", "van"), ("ann", "kitchen"), ("bob", "kitchen"), ("dee", "market")]
    assert (run("capacity_check", ok).severity, run("capacity_check", ok).passed) == ("info", True)
    short = ok[:-1]  # market empty
    r = run("capacity_check", short)
    assert (r.severity, r.passed) == ("error", False)
    assert "Market has 0 of 1 required" in r.messages
    r = run("capacity_check", short, strict_mode=False)
    assert (r.severity, r.passed) == ("warning", False)
    r = run("capacity_check", short, tolerance=1)
    assert (r.severity, r.passed) == ("warning", True)
    over = [*ok, ("ann", "market")]  # ann on 3, max 2; market over by 1
    r = run("capacity_check", over, tolerance=1)
    assert not r.passed and any("ann has 3 assignments (max 2)" in m for m in r.messages)
    r = run("capacity_check", [*ok, ("bob", "kitchen")])
    assert not r.passed and any("2 times" in m for m in r.messages)
    with pytest.raises(InvalidParameters):
        run("capacity_check", ok, tolerance=-1)


def test_availability_check_severities() -> None:
    r = run("availability_check", [("dee", "market"), ("ann", "kitchen")])
    assert (r.severity, r.passed) == ("info", True)
    r = run("availability_check", [("bob", "kitchen")])  # away on Tuesday
    assert (r.severity, r.passed) == ("error", False) and "away" in r.messages[0]
    r = run("availability_check", [("cy", "kitchen")])  # unavailable Tuesday 09:00–13:00
    assert (r.severity, r.passed) == ("error", False)
    assert r.messages == ("cy on Kitchen: unavailable Tuesday 09:00",)
    # Bob is only away on Tuesday: the Saturday van is fine for him.
    assert run("availability_check", [("bob", "van")]).passed
    r = run("availability_check", [("ann", "van"), ("ann", "market")])  # overlapping windows
    assert (r.severity, r.passed) == ("warning", False) and "overlap" in r.messages[0]
    r = run("availability_check", [("ann", "van"), ("ann", "market")], check_conflicts=False)
    assert (r.severity, r.passed) == ("info", True)
    r = run(
        "availability_check",
        [("bob", "van")],
        time_window={"start": "2025-10-14T00:00", "end": "2025-10-15T00:00"},
    )
    assert (r.severity, r.passed) == ("error", False)


def test_skill_matching_severities() -> None:
    r = run("skill_matching", GOOD)
    assert (r.severity, r.passed) == ("info", True)
    bad = [("bob", "van"), ("dee", "kitchen")]
    r = run("skill_matching", bad)
    assert (r.severity, r.passed) == ("error", False)
    assert r.messages == ("bob lacks drive for Van", "dee lacks cook for Kitchen")
    r = run("skill_matching", bad, required_match=False)
    assert (r.severity, r.passed) == ("warning", True)
    r = run("skill_matching", bad, report_missing=False)
    assert r.messages == ("2 assignments lack required skills",)


def test_results_serialise_for_metadata() -> None:
    (r,) = validate_assignment(problem(), GOOD, [ValidatorSpec("skill_matching")])
    assert r.to_dict() == {
        "validator": "skill_matching",
        "rule_name": "skill_matching",
        "severity": "info",
        "passed": True,
        "messages": ["all required skills covered"],
        "message": "all required skills covered",
    }


def test_unknown_validator_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown validator"):
        validate_assignment(problem(), GOOD, [ValidatorSpec("vibes_check")])


def test_a_partial_fill_asked_for_is_a_capacity_warning() -> None:
    people = (Participant("x"),)
    targets = (Target("t", "T", required_count=2),)
    pairs = [("x", "t")]
    spec = [ValidatorSpec("capacity_check")]
    partial = Problem(
        people, targets, strategy="random_assignment", parameters={"ensure_capacity": False}
    )
    (r,) = validate_assignment(partial, pairs, spec)
    assert (r.severity, r.passed) == ("warning", True)
    (r,) = validate_assignment(Problem(people, targets, strategy="random_assignment"), pairs, spec)
    assert (r.severity, r.passed) == ("error", False)


def test_solve_hands_its_eligibility_to_the_validators() -> None:
    p = problem()
    given = eligibility_for(p)
    assert validate_assignment(p, GOOD, eligibility=given) == validate_assignment(p, GOOD)
