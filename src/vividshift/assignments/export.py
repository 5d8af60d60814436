"""Exports of one run: CSV (one row per detail) and iCalendar (one VEVENT per detail).

CSV: UTF-8, header row, ordered like GET /api/assignments/{id} (target, position).
Cells that a spreadsheet would run as a formula (starting with = + - @, tab or CR) get a
leading apostrophe (`vividshift.csv_writer`, shared with `vividshift export`).

iCalendar (RFC 5545, via the `icalendar` package): every run has a date, so every
detail becomes an event. Its time is the target's `constraints.time_window` when set
(a daily window: its occurrences in the run's window, as the engine resolves them),
else the run's window; a window of whole days in the house's zone (midnight to
midnight, the default for a run) becomes an all-day event. UID `<detail id>@vividshift`,
so re-importing updates rather than duplicates; a cancelled run's events have
STATUS:CANCELLED.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from vividshift import __version__
from vividshift.assignments.rows import AssignmentRow, RunDetail
from vividshift.csv_writer import CsvWriter
from vividshift.engine import Problem, Target
from vividshift.engine import target_windows as engine_windows
from vividshift.engine.model import RunWindow, parse_target_window, parse_window
from vividshift.stored_json import stored_object

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


def to_csv(run: AssignmentRow, details: list[RunDetail]) -> str:
    out = io.StringIO()
    writer = CsvWriter(out)
    writer.writerow(CSV_COLUMNS)
    for d in details:
        score = stored_object(d.metadata).get("score")
        writer.writerow(
            (
                str(run.id),
                run.name,
                run.assignment_date.isoformat(),
                run.status,
                str(d.target_id),
                d.target_name,
                d.position,
                str(d.participant_id),
                d.participant_name,
                score,
            )
        )
    return out.getvalue()


def _window(raw: Any) -> RunWindow | None:
    if not raw:
        return None
    try:
        return parse_window(raw)
    except (ValueError, TypeError, KeyError):
        return None


def _target(target_id: str, raw: Any) -> Target:
    """The target as the engine reads its window (an unreadable one: the run's)."""
    try:
        return Target(target_id, time_window=parse_target_window(raw) if raw else None)
    except (ValueError, TypeError, KeyError):
        return Target(target_id)


def _whole_days(window: RunWindow, zone: ZoneInfo) -> bool:
    start, end = _local(window.start, zone), _local(window.end, zone)
    return start.time() == time() and end.time() == time() and end > start


def _local(moment: datetime, zone: ZoneInfo) -> datetime:
    return moment.replace(tzinfo=UTC).astimezone(zone)


def to_ics(
    run: AssignmentRow,
    details: list[RunDetail],
    target_windows: dict[str, Any],
    timezone: str = "UTC",
) -> bytes:
    """`target_windows`: target id (text) → its constraints.time_window, if any;
    `timezone`: the house's zone, in which daily windows and whole days are read. A
    target that occurs several times in the run's window (a daily shift over a week)
    gives one event per occurrence; the first keeps the detail's UID."""
    zone = ZoneInfo(timezone)
    default = run_default_window(run, zone)
    problem = Problem(participants=(), targets=(), window=default, timezone=timezone)
    cal = Calendar()
    cal.add("prodid", f"-//VividShift//{__version__}//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", run.name or f"Assignment {run.assignment_date.isoformat()}")
    stamp = run.updated_at.astimezone(UTC)
    for d in details:
        target = _target(str(d.target_id), target_windows.get(str(d.target_id)))
        windows = engine_windows(problem, target) or (default,)
        for k, window in enumerate(windows):
            event = Event()
            event.add("uid", f"{d.id}@vividshift" if k == 0 else f"{d.id}.{k}@vividshift")
            event.add("dtstamp", stamp)
            if _whole_days(window, zone):
                event.add("dtstart", _local(window.start, zone).date())
                event.add("dtend", _local(window.end, zone).date())
            else:
                event.add("dtstart", window.start.replace(tzinfo=UTC))
                event.add("dtend", window.end.replace(tzinfo=UTC))
            event.add("summary", f"{d.target_name}: {d.participant_name}")
            lines = [f"Assignment: {run.name or run.id}", f"Position: {d.position}"]
            event.add("description", "\n".join(lines))
            event.add("status", "CANCELLED" if run.status == "cancelled" else "CONFIRMED")
            event.add("categories", [d.target_name])
            cal.add_component(event)
    return cal.to_ical()


def run_default_window(run: AssignmentRow | Mapping[str, Any], zone: ZoneInfo) -> RunWindow:
    """The run's stored window, else its whole day in the house's zone (naive UTC)."""
    # A run row, or a place of the caller's own list (which carries the run's columns).
    if isinstance(run, AssignmentRow):
        configuration, day = run.configuration, run.assignment_date
    else:
        configuration, day = run.get("configuration"), run["assignment_date"]
    default = _window(stored_object(configuration).get("window"))
    if default is None:
        first = datetime.combine(day, time(), zone)
        after = datetime.combine(day + timedelta(days=1), time(), zone)
        default = RunWindow(_naive(first), _naive(after))
    return default


def place_windows(
    run: AssignmentRow | Mapping[str, Any], target_window: Any, timezone: str
) -> list[tuple[datetime, datetime, bool]]:
    """When a place of `run` on a target with `target_window` (its
    constraints.time_window) happens, as .ics events read it: (start, end, all_day)
    per occurrence, aware, in the house's zone."""
    zone = ZoneInfo(timezone)
    default = run_default_window(run, zone)
    if not target_window:  # the run's window itself: no need for the engine
        return [
            (_local(default.start, zone), _local(default.end, zone), _whole_days(default, zone))
        ]
    problem = Problem(participants=(), targets=(), window=default, timezone=timezone)
    windows = engine_windows(problem, _target("t", target_window)) or (default,)
    return [(_local(w.start, zone), _local(w.end, zone), _whole_days(w, zone)) for w in windows]


def _naive(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None)
