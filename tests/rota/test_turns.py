"""Turn boundaries are local clock times: DST in Berlin and Chicago, gaps, repeats, leap
days and month ends (pure: no database). Expected instants are written out by hand."""

from datetime import UTC, date, datetime, time

import pytest

from vividshift.rota.turns import Rota, Span, next_turns, turns_overlapping


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def weekly(zone: str, anchor: date, handoff: time) -> Rota:
    return Rota(zone=zone, every=Span(1, "week"), anchor=anchor, handoff=handoff)


def daily(zone: str, anchor: date, handoff: time) -> Rota:
    return Rota(zone=zone, every=Span(1, "day"), anchor=anchor, handoff=handoff)


def test_berlin_spring_week_lasts_167_hours():
    rota = weekly("Europe/Berlin", date(2026, 3, 2), time(9))  # Mondays 09:00
    first, second = next_turns(rota, utc(2026, 3, 23), 2)
    assert first.start == utc(2026, 3, 23, 8)  # 09:00 CET
    assert first.end == utc(2026, 3, 30, 7)  # 09:00 CEST
    assert first.hours == 167
    assert second.hours == 168
    assert first.local_start == datetime(2026, 3, 23, 9)
    assert first.local_end == datetime(2026, 3, 30, 9)


def test_berlin_autumn_week_lasts_169_hours():
    rota = weekly("Europe/Berlin", date(2026, 3, 2), time(9))
    (turn,) = next_turns(rota, utc(2026, 10, 19), 1)
    assert (turn.start, turn.end) == (utc(2026, 10, 19, 7), utc(2026, 10, 26, 8))
    assert turn.hours == 169


def test_chicago_daily_turns_last_23_and_25_hours():
    rota = daily("America/Chicago", date(2026, 1, 1), time(9))
    spring = next_turns(rota, utc(2026, 3, 7, 12), 1)[0]  # Sat 2026-03-07 09:00 CST
    assert spring.start == utc(2026, 3, 7, 15)
    assert spring.end == utc(2026, 3, 8, 14)  # Sunday 09:00 CDT
    assert spring.hours == 23
    autumn = next_turns(rota, utc(2026, 10, 31, 12), 1)[0]
    assert (autumn.start, autumn.end) == (utc(2026, 10, 31, 14), utc(2026, 11, 1, 15))
    assert autumn.hours == 25


def test_berlin_handoff_in_the_spring_gap_moves_to_the_next_valid_time():
    rota = daily("Europe/Berlin", date(2026, 3, 1), time(2, 30))
    before, gap, after = next_turns(rota, utc(2026, 3, 28), 3)
    assert before.start == utc(2026, 3, 28, 1, 30)  # 02:30 CET
    assert gap.local_start == datetime(2026, 3, 29, 2, 30)  # where it came from
    assert gap.start == utc(2026, 3, 29, 1)  # 03:00 CEST, not 03:30
    assert before.end == gap.start
    assert after.start == utc(2026, 3, 30, 0, 30)  # 02:30 CEST


def test_chicago_handoff_in_the_spring_gap_moves_to_three():
    rota = weekly("America/Chicago", date(2026, 3, 1), time(2, 30))  # Sundays
    (turn,) = next_turns(rota, utc(2026, 3, 8), 1)
    assert turn.start == utc(2026, 3, 8, 8)  # 03:00 CDT
    assert turn.local_start == datetime(2026, 3, 8, 2, 30)


def test_ambiguous_handoff_takes_the_first_occurrence():
    berlin = daily("Europe/Berlin", date(2026, 10, 1), time(2, 30))
    (turn,) = next_turns(berlin, utc(2026, 10, 25), 1)
    assert turn.start == utc(2026, 10, 25, 0, 30)  # 02:30 CEST, the first one
    assert turn.hours == 25
    chicago = daily("America/Chicago", date(2026, 10, 1), time(1, 30))
    (turn,) = next_turns(chicago, utc(2026, 11, 1), 1)
    assert turn.start == utc(2026, 11, 1, 6, 30)  # 01:30 CDT, the first one
    assert turn.hours == 25


def test_daily_turns_over_a_leap_day():
    rota = daily("Europe/Berlin", date(2028, 1, 1), time(9))
    turns = next_turns(rota, utc(2028, 2, 28), 3)
    assert [t.local_start.date() for t in turns] == [
        date(2028, 2, 28),
        date(2028, 2, 29),
        date(2028, 3, 1),
    ]
    yearly = Rota(zone="UTC", every=Span(12, "month"), anchor=date(2028, 2, 29), handoff=time(9))
    starts = [t.local_start.date() for t in next_turns(yearly, utc(2028, 1, 1), 5)]
    assert starts == [
        date(2028, 2, 29),
        date(2029, 2, 28),
        date(2030, 2, 28),
        date(2031, 2, 28),
        date(2032, 2, 29),
    ]


def test_month_cadence_on_the_31st_comes_back_to_the_31st():
    rota = Rota(
        zone="America/Chicago", every=Span(1, "month"), anchor=date(2026, 1, 31), handoff=time(9)
    )
    turns = next_turns(rota, utc(2026, 1, 1), 5)
    assert [t.local_start.date() for t in turns] == [
        date(2026, 1, 31),
        date(2026, 2, 28),
        date(2026, 3, 31),
        date(2026, 4, 30),
        date(2026, 5, 31),
    ]
    assert all(t.end == n.start for t, n in zip(turns, turns[1:], strict=False))
    # March 2026 in Chicago loses an hour: Feb 28 → Mar 31 is 31 days less one hour.
    assert turns[1].hours == 31 * 24 - 1


def test_fourteen_day_turns_with_a_shorter_turn_length():
    rota = Rota(
        zone="Europe/Berlin",
        every=Span(14, "day"),
        anchor=date(2026, 1, 5),
        handoff=time(9),
        turn_length=Span(4, "hour"),
    )
    turns = next_turns(rota, utc(2026, 1, 1), 3)
    assert [t.local_start.date() for t in turns] == [
        date(2026, 1, 5),
        date(2026, 1, 19),
        date(2026, 2, 2),
    ]
    assert all(t.hours == 4 for t in turns)


def test_cron_shifts_are_local_saturdays_across_the_change():
    rota = Rota(zone="Europe/Berlin", cron="0 13 * * 6", turn_length=Span(4, "hour"))
    turns = next_turns(rota, utc(2026, 3, 21), 2)
    assert [(t.start, t.end) for t in turns] == [
        (utc(2026, 3, 21, 12), utc(2026, 3, 21, 16)),  # CET
        (utc(2026, 3, 28, 12), utc(2026, 3, 28, 16)),  # still CET (change on Sunday)
    ]
    (april,) = next_turns(rota, utc(2026, 4, 1), 1)
    assert april.start == utc(2026, 4, 4, 11)  # 13:00 CEST


def test_cron_in_the_gap_follows_the_same_rule():
    rota = Rota(zone="Europe/Berlin", cron="30 2 * * *", turn_length=Span(1, "hour"))
    turns = next_turns(rota, utc(2026, 3, 28, 2), 2)
    assert [t.start for t in turns] == [utc(2026, 3, 29, 1), utc(2026, 3, 30, 0, 30)]


def test_overlapping_lists_the_running_turn_too():
    rota = weekly("Europe/Berlin", date(2026, 3, 2), time(9))
    turns = turns_overlapping(rota, utc(2026, 3, 25), utc(2026, 4, 6, 7))
    assert [t.local_start.date() for t in turns] == [date(2026, 3, 23), date(2026, 3, 30)]
    assert [t.index for t in turns] == [3, 4]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"every": None},
        {"anchor": None},
        {"cron": "0 9 * * 1"},
    ],
)
def test_a_rota_needs_one_way_to_start_turns(kwargs):
    base = {"zone": "UTC", "every": Span(1, "week"), "anchor": date(2026, 1, 5)}
    with pytest.raises(ValueError):
        Rota(**(base | kwargs))
