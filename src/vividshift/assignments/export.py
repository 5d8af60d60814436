"""Exports of one run: CSV (one row per detail) and iCalendar (one VEVENT per detail).

CSV: UTF-8, header row, ordered like GET /api/assignments/{id} (target, position).
Cells that a spreadsheet would run as a formula (starting with = + - @, tab or CR) get a
leading apostrophe.

iCalendar (RFC 5545, via the `icalendar` package): every run has a date, so every
detail becomes an event. Its time is the target's `constraints.time_window` when set,
else the run's window; a window of whole days (midnight to midnight, the default for a
run) becomes an all-day event. UID `<detail id>@vividshift`, so re-importing updates
rather than duplicates; a cancelled run's events have STATUS:CANCELLED.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, time, timedelta
from typing import Any

from icalendar import Calendar, Event

from vividshift import __version__
from vividshift.engine.model import RunWindow, parse_window

CSV_COLUMNS = (
    "assignment_id",
    "assignment_name",
    "assignment_date",
    "status",
    "target_id",
    "target_name",
    "position",
    "participant_id",
    "participant_name",
    "score",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return "" if value is None else value


def to_csv(run: dict[str, Any], details: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for d in details:
        score = (d.get("metadata") or {}).get("score")
        writer.writerow(
            [
                _cell(v)
                for v in (
                    str(run["id"]),
                    run["name"],
                    run["assignment_date"].isoformat(),
                    run["status"],
                    str(d["target_id"]),
                    d["target_name"],
                    d["position"],
                    str(d["participant_id"]),
                    d["participant_name"],
                    score,
                )
            ]
        )
    return out.getvalue()


def _window(raw: Any) -> RunWindow | None:
    if not raw:
        return None
    try:
        return parse_window(raw)
    except (ValueError, TypeError, KeyError):
        return None


def _whole_days(window: RunWindow) -> bool:
    return (
        window.start.time() == time() and window.end.time() == time() and window.end > window.start
    )


def to_ics(
    run: dict[str, Any], details: list[dict[str, Any]], target_windows: dict[str, Any]
) -> bytes:
    """`target_windows`: target id (text) → its constraints.time_window, if any."""
    config = run["configuration"] or {}
    default = _window(config.get("window"))
    if default is None:
        day = datetime.combine(run["assignment_date"], time())
        default = RunWindow(day, day + timedelta(days=1))
    cal = Calendar()
    cal.add("prodid", f"-//VividShift//{__version__}//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", run["name"] or f"Assignment {run['assignment_date'].isoformat()}")
    stamp = run["updated_at"].astimezone(UTC)
    for d in details:
        window = _window(target_windows.get(str(d["target_id"]))) or default
        event = Event()
        event.add("uid", f"{d['id']}@vividshift")
        event.add("dtstamp", stamp)
        if _whole_days(window):
            event.add("dtstart", window.start.date())
            event.add("dtend", window.end.date())
        else:
            event.add("dtstart", window.start.replace(tzinfo=UTC))
            event.add("dtend", window.end.replace(tzinfo=UTC))
        event.add("summary", f"{d['target_name']}: {d['participant_name']}")
        lines = [f"Assignment: {run['name'] or run['id']}", f"Position: {d['position']}"]
        event.add("description", "\n".join(lines))
        event.add("status", "CANCELLED" if run["status"] == "cancelled" else "CONFIRMED")
        event.add("categories", [d["target_name"]])
        cal.add_component(event)
    return cal.to_ical()
