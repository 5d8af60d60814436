"""My turns changes at each house's local midnight ("upcoming" moves on): the read cache
keeps an answer no longer than the first such midnight after the instant it was read."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from tests.factories import make_domain, make_member, make_participant, make_user
from vividshift.assignments.me import my_assignments_json, next_midnight
from vividshift.auth.deps import Principal
from vividshift.db import Connection


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("now", "zones", "midnight"),
    [
        ("2026-12-07T15:00", ["UTC"], "2026-12-08T00:00"),
        ("2026-12-07T22:30", ["Europe/Berlin"], "2026-12-07T23:00"),  # 23:30 there
        ("2026-12-07T23:30", ["Europe/Berlin"], "2026-12-08T23:00"),  # past it: the next
        ("2026-07-01T12:00", ["Europe/Berlin"], "2026-07-01T22:00"),  # summer time
        ("2026-12-07T15:00", ["UTC", "Europe/Berlin"], "2026-12-07T23:00"),  # the first
        ("2026-12-07T15:00", ["America/New_York", "UTC"], "2026-12-08T00:00"),
        ("2026-12-07T10:00", ["Asia/Tokyo", "Asia/Tokyo"], "2026-12-07T15:00"),
        # Chile springs forward at midnight: the day starts at 01:00, 04:00 UTC.
        ("2024-09-07T12:00", ["America/Santiago"], "2024-09-08T04:00"),
        # ... and falls back at midnight: 23:00-24:00 twice, the date changes once.
        ("2024-04-06T12:00", ["America/Santiago"], "2024-04-07T04:00"),
    ],
)
def test_the_next_midnight_of_any_zone(now: str, zones: list[str], midnight: str) -> None:
    assert next_midnight(utc(now), zones) == utc(midnight)


def test_no_house_no_midnight() -> None:
    assert next_midnight(utc("2026-12-07T15:00"), []) is None


def test_the_next_midnight_is_always_ahead_and_within_a_day() -> None:
    start = utc("2026-03-27T00:00")  # across Europe's and Chile's clock changes
    for hours in range(0, 24 * 40):
        now = start + timedelta(hours=hours, minutes=17)
        for zone in ("Europe/Berlin", "America/Santiago", "Pacific/Kiritimati", "UTC"):
            end = next_midnight(now, [zone])
            assert end is not None and now < end <= now + timedelta(hours=25)


async def test_my_turns_end_at_the_next_midnight_of_my_houses(db: Connection) -> None:
    user = await make_user(db, role="user")
    me = Principal(user["id"], user["username"], "user", uuid.uuid4())
    now = utc("2026-12-07T10:00")
    _, none = await my_assignments_json(db, me, now=now)
    assert none is None  # no house: only the TTL and changes bound it
    for zone in ("UTC", "Asia/Tokyo"):
        house = await make_domain(db, configuration={"timezone": zone})
        await make_participant(db, domain_id=house["id"], user_id=user["id"])
        await make_member(db, house["id"], user["id"])
    _, until = await my_assignments_json(db, me, now=now)
    assert until == utc("2026-12-07T15:00")  # midnight in Tokyo comes first
