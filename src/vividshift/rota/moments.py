"""Reading `from`/`to`/`start`/`end` values: a local date, a local wall time or an instant."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from vividshift.rota.turns import resolve_local


def instant(value: date | datetime, zone: ZoneInfo) -> datetime:
    """A date is its local midnight; a naive datetime is a local wall time; an aware one is
    that instant. Always an aware UTC datetime."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return resolve_local(value, zone)
        return value.astimezone(UTC)
    return resolve_local(datetime.combine(value, time()), zone)
