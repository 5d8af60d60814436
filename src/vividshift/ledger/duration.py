"""Effort weighted by turn length (`configuration.fair_share.weight_by_duration`).

When a domain sets it, a place is worth its target's effort × the place's length in
**hours**: the target's own time window (a daily window: its clock span, e.g. 22:00–06:00
is 8 h; an absolute one: its span), else the run's window (a generated run's is its day,
24 h, unless the request gave one), else 24 h (a run is dated by its day). The ledger,
the fairness view and generation's objective all count effort this way.
"""

from __future__ import annotations

from typing import Any

from vividshift.domains.rows import DomainRow, configuration_of
from vividshift.engine import DailyWindow, InvalidProblem, RunWindow, parse_target_window
from vividshift.engine.model import parse_window

DAY_HOURS = 24.0


def weighs_by_duration(domain: DomainRow | None) -> bool:
    """The domain's setting (off unless set to true)."""
    settings = configuration_of(domain).get("fair_share") or {}
    return settings.get("weight_by_duration") is True


def hours_of(window: RunWindow | DailyWindow | None, run_window: RunWindow | None) -> float:
    """A place's length in hours (see the module docstring); never 0."""
    for candidate in (window, run_window):
        if isinstance(candidate, DailyWindow):
            hours = candidate.minutes / 60
        elif isinstance(candidate, RunWindow):
            hours = (candidate.end - candidate.start).total_seconds() / 3600
        else:
            continue
        if hours > 0:
            return hours
    return DAY_HOURS


def stored_hours(time_window: Any, run_window: Any) -> float:
    """`hours_of` from stored JSON (a target's `constraints.time_window`, a run's
    `configuration.window`); one that no longer parses counts as absent."""
    return hours_of(_parsed(time_window, parse_target_window), _parsed(run_window, parse_window))


def _parsed(raw: Any, parse: Any) -> Any:
    if raw is None:
        return None
    try:
        return parse(raw)
    except (InvalidProblem, TypeError, ValueError):
        return None
