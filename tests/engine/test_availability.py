"""Time-slot availability in the house's zone: slots, daily windows, DST, defaults."""

from __future__ import annotations

from datetime import datetime

import pytest

from vividshift.engine import (
    Infeasible,
    Participant,
    Problem,
    RunWindow,
    Target,
    ValidatorSpec,
    solve,
    target_from_mapping,
    validate_assignment,
)
from vividshift.engine.availability import (
    calendar_of,
    schedule_of,
    target_windows,
    unavailability_reason,
)
from vividshift.engine.model import DailyWindow

# Saturday 2026-10-17, the run's whole (UTC) day.
SATURDAY = RunWindow(datetime(2026, 10, 17), datetime(2026, 10, 18))
AFTERNOON = {"start": "13:00", "end": "17:00", "days": ["saturday"]}
EVENING = {"start": "18:00", "end": "22:00", "days": ["saturday"]}


def shift(window: object, tid: str = "shift", name: str = "Shift") -> Target:
    return target_from_mapping({"id": tid, "name": name, "constraints": {"time_window": window}})


def reason(
    availability: dict,
    target: Target,
    window: RunWindow | None = SATURDAY,
    **problem: object,
) -> str | None:
    person = Participant("p", availability=availability)
    p = Problem((person,), (target,), window=window, **problem)  # type: ignore[arg-type]
    return unavailability_reason(schedule_of(person), target_windows(p, target), calendar_of(p))


def test_daily_windows_parse_from_the_target_constraints() -> None:
    assert shift(AFTERNOON).time_window == DailyWindow(13 * 60, 17 * 60, frozenset({5}))
    assert shift({"start": "18:00", "end": "24:00"}).time_window == DailyWindow(1080, 1440)
    night = shift({"start": "22:00", "end": "6:00"}).time_window
    assert isinstance(night, DailyWindow) and night.minutes == 8 * 60
    with pytest.raises(ValueError, match="weekday"):
        shift({"start": "13:00", "end": "17:00", "days": ["caturday"]})


def test_unavailable_slot_rules_out_a_shift_it_overlaps() -> None:
    away = {"saturday": {"13:00": "unavailable", "9:00": "available"}}
    assert reason(away, shift(AFTERNOON)) == "unavailable Saturday 13:00"
    # Half-open: 13:00 runs to 18:00, which does not touch an 18:00 shift.
    assert reason(away, shift(EVENING)) is None


def test_one_unavailable_slot_is_enough_even_with_available_slots_that_day() -> None:
    # Formerly only a day whose slots were all unavailable counted.
    busy = {"saturday": {"9:00": "available", "13:00": "unavailable", "18:00": "available"}}
    assert reason(busy, Target("day")) == "unavailable Saturday 13:00"


@pytest.mark.parametrize(
    ("slots", "window", "expected"),
    [
        ({"9:00": "unavailable"}, {"start": "12:00", "end": "13:00"}, "09:00"),  # 9–13
        ({"9:00": "unavailable"}, {"start": "13:00", "end": "14:00"}, None),
        ({"7:00": "unavailable"}, {"start": "8:30", "end": "9:30"}, "07:00"),  # 7–9
        ({"7:00": "unavailable"}, {"start": "9:00", "end": "10:00"}, None),
        ({"18:00": "unavailable"}, {"start": "23:00", "end": "24:00"}, "18:00"),  # 18–24
        # The day's own slot times are boundaries too: 9:00 now ends at 11:00.
        ({"9:00": "unavailable", "11:00": "available"}, {"start": "11:00", "end": "12:00"}, None),
        ({"10:00-11:30": "unavailable"}, {"start": "11:00", "end": "12:00"}, "10:00–11:30"),
        ({"10:00-11:30": "unavailable"}, {"start": "11:30", "end": "12:00"}, None),
        ({"13:00": "maybe"}, {"start": "13:00", "end": "14:00"}, None),  # unknown: ignored
    ],
)
def test_slot_boundaries(slots: dict, window: dict, expected: str | None) -> None:
    why = reason({"saturday": slots}, shift({**window, "days": ["saturday"]}))
    assert why == (None if expected is None else f"unavailable Saturday {expected}")


def test_preferred_slot_is_available_and_scores_preference_one() -> None:
    people = (
        Participant("ava", "Ava", availability={"saturday": {"18:00": "preferred"}}),
        Participant("ben", "Ben"),
    )
    problem = Problem(people, (shift(EVENING),), window=SATURDAY, strategy="optimal")
    result = solve(problem)
    assert result.by_target() == {"shift": ["ava"]}
    assert result.assignments[0].score.preference == 1.0
    # Explicit target preferences win over the slot.
    avoids = Participant(
        "ava",
        availability={"saturday": {"18:00": "preferred"}},
        preferences={"avoided_targets": ["shift"]},
    )
    result = solve(Problem((avoids,), (shift(EVENING),), window=SATURDAY))
    assert result.assignments[0].score.preference == 0.0


def test_house_zone_local_times() -> None:
    # 13:00–17:00 in New York on 2026-10-17 is 17:00–21:00 UTC.
    problem = Problem((), (shift(AFTERNOON),), window=SATURDAY, timezone="America/New_York")
    assert target_windows(problem, problem.targets[0]) == (
        RunWindow(datetime(2026, 10, 17, 17), datetime(2026, 10, 17, 21)),
    )
    away = {"saturday": {"13:00": "unavailable"}}
    zone = {"timezone": "America/New_York"}
    utc_afternoon = RunWindow(datetime(2026, 10, 17, 13), datetime(2026, 10, 17, 16))  # 9–12 NY
    assert reason(away, shift(AFTERNOON), **zone) == "unavailable Saturday 13:00"
    assert reason(away, Target("t", time_window=utc_afternoon), **zone) is None


@pytest.mark.parametrize(
    ("sunday", "utc_hour"),
    [("2026-10-25", 12), ("2026-03-29", 11)],  # clocks go back / forward that night
)
def test_a_13_00_slot_is_13_00_local_on_dst_sundays(sunday: str, utc_hour: int) -> None:
    day = datetime.fromisoformat(sunday)
    run = RunWindow(day, day.replace(day=day.day + 1))
    berlin = {"timezone": "Europe/Berlin"}
    one_pm = {"start": "13:00", "end": "14:00", "days": ["sunday"]}
    problem = Problem((), (shift(one_pm),), window=run, **berlin)  # type: ignore[arg-type]
    start = day.replace(hour=utc_hour)
    assert target_windows(problem, problem.targets[0]) == (
        RunWindow(start, start.replace(hour=utc_hour + 1)),
    )
    away = {"sunday": {"13:00": "unavailable"}}
    assert reason(away, shift(one_pm), run, **berlin) == "unavailable Sunday 13:00"
    hour_before = RunWindow(start.replace(hour=utc_hour - 1), start)  # 12:00–13:00 local
    assert reason(away, Target("t", time_window=hour_before), run, **berlin) is None


def test_days_without_slots_follow_the_house_default() -> None:
    saturday_only = {"saturday": {"9:00": "available"}}
    monday = RunWindow(datetime(2026, 10, 19, 9), datetime(2026, 10, 19, 12))
    target = Target("t", time_window=monday)
    assert reason(saturday_only, target) is None
    assert reason(saturday_only, target, availability_default="unavailable") == (
        "no availability listed for Monday (the house's default is unavailable)"
    )
    assert reason(saturday_only, shift(AFTERNOON), availability_default="unavailable") is None


def test_absences_and_away_read_like_a_person_wrote_them() -> None:
    away = {"unavailable": [{"start": "2026-10-15", "end": "2026-10-19"}]}
    assert reason(away, shift(AFTERNOON)) == "away 2026-10-15 – 2026-10-19"
    assert reason({"available": False}, shift(AFTERNOON)) == "marked unavailable"
    # A daily window without a run window has no date: only `available: false` applies.
    assert reason(away, shift(AFTERNOON), window=None) is None
    assert reason({"available": False}, shift(AFTERNOON), window=None) == "marked unavailable"


def test_daily_window_occurrences_inside_the_run_else_the_next_one() -> None:
    week = RunWindow(datetime(2026, 10, 12), datetime(2026, 10, 19))  # Monday to Monday
    problem = Problem((), (shift({"start": "9:00", "end": "10:00"}),), window=week)
    assert len(target_windows(problem, problem.targets[0])) == 7
    midnight = Problem((), (shift({"start": "0:00", "end": "1:00"}),), window=week)
    assert len(target_windows(midnight, midnight.targets[0])) == 7  # not the one at the end
    friday = RunWindow(datetime(2026, 10, 16), datetime(2026, 10, 17))
    problem = Problem((), (shift(AFTERNOON),), window=friday)
    assert target_windows(problem, problem.targets[0]) == (
        RunWindow(datetime(2026, 10, 17, 13), datetime(2026, 10, 17, 17)),
    )


def test_unknown_time_zone_and_default_are_rejected() -> None:
    with pytest.raises(ValueError, match="time zone"):
        Problem((), (), timezone="Mars/Olympus_Mons")
    with pytest.raises(ValueError, match="availability_default"):
        Problem((), (), availability_default="maybe")


def test_solver_and_validator_give_the_same_answer_and_reason() -> None:
    people = (
        Participant("emma", "Emma", availability={"saturday": {"13:00": "unavailable"}}),
        Participant("liam", "Liam"),
    )
    problem = Problem(people, (shift(AFTERNOON, name="Saturday afternoon"),), window=SATURDAY)
    assert solve(problem).by_target() == {"shift": ["liam"]}
    (check,) = validate_assignment(
        problem, [("emma", "shift")], [ValidatorSpec("availability_check")]
    )
    assert (check.severity, check.passed) == ("error", False)
    assert check.messages == ("Emma on Saturday afternoon: unavailable Saturday 13:00",)
    with pytest.raises(Infeasible, match="ruled out: Emma: unavailable Saturday 13:00"):
        solve(Problem(people[:1], problem.targets, window=SATURDAY))


def test_daily_windows_that_overlap_are_a_conflict() -> None:
    targets = (shift(AFTERNOON, "a", "A"), shift({**AFTERNOON, "start": "16:00"}, "b", "B"))
    targets += (shift(EVENING, "c", "C"),)
    problem = Problem((Participant("x"),), targets, window=SATURDAY)
    spec = [ValidatorSpec("availability_check")]
    (check,) = validate_assignment(problem, [("x", "a"), ("x", "b")], spec)
    assert (check.severity, check.passed) == ("warning", False) and "overlap" in check.messages[0]
    (check,) = validate_assignment(problem, [("x", "a"), ("x", "c")], spec)
    assert check.passed
