"""Result keys the predecessor's clients read, and the order of past runs."""

from __future__ import annotations

from datetime import UTC, date, datetime

from vividshift.engine import (
    History,
    Participant,
    PastRun,
    Problem,
    Target,
    ValidationResult,
    solve,
)


def test_validation_results_carry_the_predecessor_keys() -> None:
    failed = ValidationResult("capacity_check", "error", False, ("A has 0 of 1", "B has 3 of 2"))
    assert failed.to_dict() == {
        "validator": "capacity_check",
        "rule_name": "capacity_check",
        "severity": "error",
        "passed": False,
        "messages": ["A has 0 of 1", "B has 3 of 2"],
        "message": "A has 0 of 1; B has 3 of 2",
    }
    assert ValidationResult("skill_matching", "info", True).to_dict()["message"] == "ok"


def test_execution_time_is_whole_milliseconds_with_the_precise_value_next_to_it() -> None:
    meta = solve(Problem((Participant("x"),), (Target("t"),))).metadata()
    assert isinstance(meta["execution_time_ms"], int)
    assert isinstance(meta["execution_time_ms_precise"], float)
    assert abs(meta["execution_time_ms"] - meta["execution_time_ms_precise"]) <= 0.5


def test_a_run_created_later_the_same_day_is_more_recent() -> None:
    morning = PastRun("2026-10-17", (("x", "early"),), created_at="2026-10-17T08:00:00+00:00")
    evening = PastRun(date(2026, 10, 17), (("x", "late"),), created_at=datetime(2026, 10, 17, 20))
    before = PastRun("2026-10-16", (("x", "before"),), created_at=datetime(2026, 10, 17, 23))
    for runs in ([morning, evening, before], [evening, before, morning]):
        history = History.from_runs(runs)
        assert history.of("x") == (frozenset({"late"}), frozenset({"early"}), frozenset({"before"}))
    aware = PastRun(
        "2026-10-17", (("x", "aware"),), created_at=datetime(2026, 10, 17, 21, tzinfo=UTC)
    )
    assert History.from_runs([aware, evening]).of("x")[0] == frozenset({"aware"})
    # Without created_at the date alone orders them; full ties keep input order.
    plain = History.from_runs(
        [PastRun("2026-10-17", (("x", "a"),)), PastRun("2026-10-17", (("x", "b"),))]
    )
    assert plain.of("x") == (frozenset({"a"}), frozenset({"b"}))
