"""Validators on hand-made (edited) assignments: each severity, each parameter."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

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


def reference_capacity(problem: Problem, pairs: list[tuple[str, str]], tolerance: int) -> tuple:
    """capacity_check by its definition, pair by pair (strict mode, no partial fill)."""
    labels = {x.id: x.label for x in (*problem.participants, *problem.targets)}
    breaches, tolerated = [], []
    for (pid, tid), n in Counter(pairs).items():
        if n > 1:
            breaches.append(f"{labels[pid]} is on {labels[tid]} {n} times")
    per_target = Counter(tid for _, tid in pairs)
    for t in problem.targets:
        diff = per_target[t.id] - t.required_count
        if diff:
            text = f"{t.label} has {per_target[t.id]} of {t.required_count} required"
            (tolerated if abs(diff) <= tolerance else breaches).append(text)
    for pid, n in Counter(pid for pid, _ in pairs).items():
        if n > 2:  # the problem's MaxAssignments(2)
            breaches.append(f"{labels[pid]} has {n} assignments (max 2)")
    if breaches:
        return ("error", False, tuple(breaches + tolerated))
    if tolerated:
        return ("warning", True, tuple(tolerated))
    return ("info", True, (f"all {len(problem.targets)} targets filled",))


PEOPLE_IDS = ["ann", "bob", "cy", "dee"]
TARGET_IDS = ["kitchen", "van", "market"]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(PEOPLE_IDS), st.sampled_from(TARGET_IDS)), max_size=7),
    st.integers(0, 1),
)
@example(GOOD, 0)
@example([("ann", "van"), ("bob", "kitchen"), ("bob", "kitchen"), ("dee", "market")], 0)
@example([("ann", "van"), ("ann", "kitchen"), ("ann", "market"), ("bob", "kitchen")], 0)
def test_validators_on_index_arrays_agree_with_the_pairs_and_the_definition(
    pairs: list[tuple[str, str]], tolerance: int
) -> None:
    """`solve` hands the validators its index arrays (counts checked in numpy, no id
    looked up): every validator says what it says on the id pairs, and capacity_check
    what its pair-by-pair definition says."""
    p = problem()
    specs = [
        ValidatorSpec("capacity_check", {"tolerance": tolerance}),
        ValidatorSpec("availability_check"),
        ValidatorSpec("skill_matching"),
    ]
    person = {x: i for i, x in enumerate(PEOPLE_IDS)}
    target = {x: j for j, x in enumerate(TARGET_IDS)}
    at = (
        np.array([person[a] for a, _ in pairs], dtype=np.int64),
        np.array([target[b] for _, b in pairs], dtype=np.int64),
    )
    by_ids = validate_assignment(p, pairs, specs)
    assert validate_assignment(p, pairs, specs, indices=at) == by_ids
    capacity = by_ids[0]
    assert (capacity.severity, capacity.passed, capacity.messages) == reference_capacity(
        p, pairs, tolerance
    )


def test_unknown_ids_are_breaches_not_skipped() -> None:
    (r,) = validate_assignment(
        problem(), [*GOOD, ("zed", "van")], [ValidatorSpec("capacity_check")]
    )
    assert not r.passed and "unknown participant or target in pair (zed, van)" in r.messages
