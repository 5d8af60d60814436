"""Is a participant available during a window? (shared by solving and validation)

The schema's `availability` JSONB is free-form; the engine reads three shapes:
- `"available": false` — away altogether;
- `"unavailable": [{"start": iso, "end": iso}, ...]` (or `[start, end]` pairs) —
  absences; any overlap with the window makes the participant unavailable;
- weekday keys (`"monday": {"9:00": "available", "17:00": "unavailable"}`) — a day the
  window touches whose slots are all "unavailable" makes the participant unavailable.
Anything else (e.g. `"preferences"`) is ignored. With no window only the first rule
applies: without dates there is nothing to overlap.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from vividshift.engine.model import WEEKDAYS, Participant, RunWindow, parse_window


def is_available(participant: Participant, window: RunWindow | None) -> bool:
    return unavailability_reason(participant, window) is None


def unavailability_reason(participant: Participant, window: RunWindow | None) -> str | None:
    """None when available, else a short human reason."""
    av: Mapping[str, Any] = participant.availability
    if av.get("available") is False:
        return "marked unavailable"
    if window is None:
        return None
    for raw in av.get("unavailable") or ():
        absence = parse_window(raw)
        if absence.overlaps(window):
            return f"away {absence.start:%Y-%m-%d} – {absence.end:%Y-%m-%d}"
    for day in _days(window):
        slots = av.get(day)
        if isinstance(slots, Mapping) and slots and "available" not in slots.values():
            return f"unavailable on {day}"
    return None


def _days(window: RunWindow) -> list[str]:
    # A window of a week or more touches every weekday; avoid iterating long spans.
    last = window.end - timedelta(microseconds=1) if window.end > window.start else window.end
    first_day, last_day = window.start.date(), last.date()
    if (last_day - first_day).days >= 6:
        return list(WEEKDAYS)
    days, day = [], first_day
    while day <= last_day:
        days.append(WEEKDAYS[day.weekday()])
        day += timedelta(days=1)
    return days
