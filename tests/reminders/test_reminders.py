"""'Your turn starts soon': 24 h before by default, per person and per domain, never in
quiet hours, once per place and holder."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from tests.factories import (
    insert_row,
    make_assignment,
    make_detail,
    make_domain,
    make_participant,
    make_target,
    make_user,
)
from vividshift.db import Connection
from vividshift.reminders.service import in_quiet_hours, queue_reminders

BERLIN = ZoneInfo("Europe/Berlin")
DAY = date(2027, 3, 10)


async def _setup(db: Connection, **domain_config: Any) -> dict[str, Any]:
    domain = await make_domain(db, configuration={"timezone": "Europe/Berlin"} | domain_config)
    ana_user, ben_user = await make_user(db), await make_user(db)
    ana = await make_participant(db, name="Ana", domain_id=domain["id"], user_id=ana_user["id"])
    ben = await make_participant(db, name="Ben", domain_id=domain["id"], user_id=ben_user["id"])
    cy = await make_participant(db, name="Cy", domain_id=domain["id"])
    evening = await make_target(
        db,
        name="Evening",
        domain_id=domain["id"],
        constraints={"time_window": {"start": "18:00", "end": "19:00"}},
    )
    kitchen = await make_target(db, name="Kitchen", domain_id=domain["id"])
    run = await make_assignment(db, domain_id=domain["id"], assignment_date=DAY, name="Week 10")
    details = {
        "ana": await make_detail(
            db, assignment_id=run["id"], participant_id=ana["id"], target_id=evening["id"]
        ),
        "ben": await make_detail(
            db, assignment_id=run["id"], participant_id=ben["id"], target_id=kitchen["id"]
        ),
        "cy": await make_detail(
            db, assignment_id=run["id"], participant_id=cy["id"], target_id=kitchen["id"]
        ),
    }
    return {"domain": domain, "ana": ana_user, "ben": ben_user, "details": details}


async def _reminded(db: Connection) -> list[tuple[str, Any]]:
    cur = await db.execute(
        """SELECT e.payload->'place'->>'participant_name' AS who, d.user_id
             FROM notification_events e JOIN notification_deliveries d ON d.event_id = e.id
            WHERE e.event_type = 'turn.reminder.v1' ORDER BY who"""
    )
    return [(r["who"], r["user_id"]) for r in await cur.fetchall()]


def _berlin(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), BERLIN).astimezone(UTC)


async def test_reminded_a_day_before_each_turn_once(db: Connection):
    h = await _setup(db)
    evening = _berlin(DAY, 18)  # Ana's turn; Ben's Kitchen turn is all day (from 00:00)
    assert await queue_reminders(db, now=_berlin(DAY, 0) - timedelta(hours=25)) == 0
    # 23 h before midnight: Ben's all-day turn is due, Ana's evening one not yet.
    assert await queue_reminders(db, now=_berlin(DAY, 0) - timedelta(hours=23)) == 1
    assert await _reminded(db) == [("Ben", h["ben"]["id"])]
    assert await queue_reminders(db, now=evening - timedelta(hours=23)) == 1
    assert await queue_reminders(db, now=evening - timedelta(hours=22)) == 0  # once
    assert await _reminded(db) == [("Ana", h["ana"]["id"]), ("Ben", h["ben"]["id"])]
    cur = await db.execute(
        "SELECT payload FROM notification_events "
        "WHERE payload->'place'->>'participant_name' = 'Ana'"
    )
    payload = (await cur.fetchone())["payload"]  # type: ignore[index]
    assert datetime.fromisoformat(payload["starts_at"]) == evening
    assert payload["all_day"] is False
    # Nobody is reminded after the turn started; Cy has no account.
    assert await queue_reminders(db, now=evening + timedelta(minutes=1)) == 0


async def test_person_and_domain_lead_times_and_quiet_hours(db: Connection):
    h = await _setup(db, reminder_hours=48)
    evening = _berlin(DAY, 18)
    # Ana wants 2 hours' notice; Ben takes the domain's 48 h, but is quiet 22:00–08:00.
    await insert_row(
        db, "notification_preferences", {"user_id": h["ana"]["id"], "reminder_hours": 2}
    )
    await insert_row(
        db,
        "notification_preferences",
        {
            "user_id": h["ben"]["id"],
            "quiet_hours_start": time(22),
            "quiet_hours_end": time(8),
            "timezone": "Europe/Berlin",
        },
    )
    midnight = _berlin(DAY, 0)
    assert await queue_reminders(db, now=midnight - timedelta(hours=49)) == 0
    # 47 h before: 01:00 Berlin time, inside Ben's quiet hours → waits.
    assert await queue_reminders(db, now=midnight - timedelta(hours=47)) == 0
    assert await queue_reminders(db, now=_berlin(DAY - timedelta(days=2), 8, 5)) == 1
    assert await _reminded(db) == [("Ben", h["ben"]["id"])]
    assert await queue_reminders(db, now=evening - timedelta(hours=3)) == 0
    assert await queue_reminders(db, now=evening - timedelta(hours=2)) == 1
    assert [w for w, _ in await _reminded(db)] == ["Ana", "Ben"]


async def test_zero_hours_turns_reminders_off(db: Connection):
    await _setup(db, reminder_hours=0)
    assert await queue_reminders(db, now=_berlin(DAY, 0) - timedelta(hours=1)) == 0


def test_quiet_hours_wrap_past_midnight():
    at = datetime(2027, 1, 5, 22, 30, tzinfo=UTC)  # 23:30 in Berlin (winter)
    assert in_quiet_hours(at, time(22), time(7), "Europe/Berlin")
    assert not in_quiet_hours(at, time(8), time(22), "Europe/Berlin")
    assert not in_quiet_hours(at, None, None, "UTC")
