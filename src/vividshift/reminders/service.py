"""Queue "your turn starts soon" reminders.

Decisions:
- **When**: `reminder_hours` before the turn starts (its first window: the task's
  daily time, else the run's window, else local midnight of the run's day for an
  all-day turn, in the domain's zone). The person's own `reminder_hours` wins over the
  domain's `configuration.reminder_hours` (default 24); 0 turns reminders off.
- **Quiet hours** (the person's preferences, read in their zone: preferences, else
  profile, else the domain's): a reminder that falls due inside them waits and goes out
  when they end — if the turn has not started by then.
- **Once per place and holder**: the event's dedupe key is (detail, participant,
  start); a place that changes hands after its reminder is reminded to the new holder.
- Runs every 5 minutes on a worker (`remind_turns`); each reminder is one event written
  in its own transaction, so a crash mid-way loses none and repeats none.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from vividshift.assignments.export import place_windows
from vividshift.assignments.me import house_zone
from vividshift.db import Connection, transaction
from vividshift.notifications import events
from vividshift.reminders import queries
from vividshift.reminders.rows import UpcomingPlace

DEFAULT_HOURS = 24
MAX_HOURS = 336


def in_quiet_hours(moment: datetime, start: time | None, end: time | None, zone: str) -> bool:
    """Whether `moment` falls in the quiet hours [start, end) read in `zone` (they may
    wrap past midnight: 22:00–07:00)."""
    if start is None or end is None or start == end:
        return False
    local = moment.astimezone(ZoneInfo(zone)).time()
    if start < end:
        return start <= local < end
    return local >= start or local < end


def _hours(row: UpcomingPlace) -> int:
    if row.reminder_hours is not None:
        return int(row.reminder_hours)
    domain = row.domain_reminder_hours
    return int(domain) if isinstance(domain, int) and 0 <= domain <= MAX_HOURS else DEFAULT_HOURS


async def queue_reminders(conn: Connection, *, now: datetime | None = None) -> int:
    """Write the reminders due now; how many were written."""
    now = now or datetime.now(UTC)
    rows = await queries.upcoming_places(
        conn, (now - timedelta(days=1)).date(), (now + timedelta(hours=MAX_HOURS + 24)).date()
    )
    written = 0
    for row in rows:
        hours = _hours(row)
        if hours == 0:
            continue
        zone = house_zone(row.domain_timezone)
        start, _, all_day = place_windows(row.run(), row.target_window, zone)[0]
        if not (start - timedelta(hours=hours) <= now < start):
            continue
        person_zone = house_zone(row.person_timezone or zone)
        if in_quiet_hours(now, row.quiet_hours_start, row.quiet_hours_end, person_zone):
            continue
        async with transaction(conn):
            event = await events.turn_reminder(
                conn,
                row.assignment_id,
                row.place(),
                user_id=row.user_id,
                starts_at=start,
                all_day=all_day,
            )
        written += event is not None
    return written
