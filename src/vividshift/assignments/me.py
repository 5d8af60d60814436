"""The caller's own places ("My turns"): every detail held by a participant linked to
their account (`participants.user_id`), across the domains they see.

Decisions:
- **"Me" is the link**, never an email match: a participant whose `user_id` is the
  caller's account. A domain holds at most one such participant per account.
- **Only domains the caller sees** (member, `default`/`work-groups`, or admin): a
  participant linked to them in a domain they are no longer in shows nothing of it.
- **Upcoming** are places of active runs dated today or later in the house's zone,
  soonest first; **past** are places of runs (active or completed) dated before
  today, latest first; **all** is both, latest first. Cancelled runs never show.
- **Time window**: the target's `constraints.time_window` resolved in the run (one per
  occurrence), else the run's window, else its whole day — read in the house's zone,
  as the .ics export does.
- **Encoded once**: the API writes the page with orjson from plain values, in
  MyPlacePage's field order and formats (no pydantic model built and dumped again);
  the web page validates the same values into MyPlacePage.
- The read is two indexed look-ups: the domains of the caller's linked participants
  that they may read (`participants.user_id`, a partial index), then their details
  (`assignment_details.participant_id`) joined to runs and tasks.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any, Literal
from uuid import UUID
from zoneinfo import ZoneInfo

import orjson
from pydantic import TypeAdapter

from vividshift.assignments import export, queries
from vividshift.assignments.schemas import MyPlacePage
from vividshift.auth.deps import Principal
from vividshift.db import Connection
from vividshift.domains.access import visibility

When = Literal["upcoming", "past", "all"]
_PAGE = TypeAdapter(MyPlacePage)


def house_zone(name: Any) -> str:
    """The house's IANA zone; UTC when unset or no longer valid (a read never fails on
    a stored zone)."""
    if not isinstance(name, str) or not name:
        return "UTC"
    try:
        ZoneInfo(name)
    except (ValueError, KeyError):
        return "UTC"
    return name


async def my_assignments(
    conn: Connection,
    principal: Principal,
    *,
    when: When = "upcoming",
    limit: int = 50,
    offset: int = 0,
    now: datetime | None = None,
) -> MyPlacePage:
    """The caller's places across their domains (see the module's decisions)."""
    page, _ = await _page(
        conn, principal, when=when, limit=limit, offset=offset, now=now or datetime.now(UTC)
    )
    return _PAGE.validate_python(page)


async def my_assignments_json(
    conn: Connection,
    principal: Principal,
    *,
    when: When = "upcoming",
    limit: int = 50,
    offset: int = 0,
    now: datetime | None = None,
) -> tuple[bytes, datetime | None]:
    """`my_assignments` as MyPlacePage's JSON, encoded once (no pydantic object built:
    the API answers with these bytes), and the instant it stops being true whatever is
    written: the next local midnight of its houses (None: it has none)."""
    now = now or datetime.now(UTC)
    page, zones = await _page(conn, principal, when=when, limit=limit, offset=offset, now=now)
    # OPT_UTC_Z: a zero offset reads "Z", as pydantic writes it (byte-compatible).
    return orjson.dumps(page, option=orjson.OPT_UTC_Z), next_midnight(now, zones)


def next_midnight(now: datetime, zones: Iterable[str]) -> datetime | None:
    """The first local midnight after `now` in any of `zones` (where "today", and so
    upcoming and past, changes); None without a zone. Pure, for tests."""
    ends = []
    for name in set(zones):
        zone = ZoneInfo(name)
        tomorrow = now.astimezone(zone).date() + timedelta(days=1)
        # fold=0: a midnight the clocks pass twice counts at its first occurrence; one
        # they skip reads as the instant the date changes.
        ends.append(datetime.combine(tomorrow, time(0), tzinfo=zone).astimezone(UTC))
    return min(ends, default=None)


async def _page(
    conn: Connection, principal: Principal, *, when: When, limit: int, offset: int, now: datetime
) -> tuple[dict[str, Any], list[str]]:
    """MyPlacePage's fields as plain values (UUIDs, dates, aware datetimes), and the
    zones of the houses whose "today" (at `now`) chose them."""
    domains = await queries.linked_domains(conn, principal.id, visibility(principal))
    zones = {d["id"]: house_zone(d["timezone"]) for d in domains}
    today: dict[UUID, date] = {
        domain_id: now.astimezone(ZoneInfo(zone)).date() for domain_id, zone in zones.items()
    }
    if not today:
        return {"items": [], "total": 0, "limit": limit, "offset": offset}, []
    rows, total = await queries.my_places(
        conn, principal.id, today, when=when, limit=limit, offset=offset
    )
    refs = {
        d["id"]: {"id": d["id"], "name": d["name"], "display_name": d["display_name"]}
        for d in domains
    }
    page = {
        "items": [_place(r, refs[r["domain_id"]], zones[r["domain_id"]]) for r in rows],
        "total": total,
        "limit": limit,
        "offset": offset,
    }
    return page, list(zones.values())


async def my_participant_ids(conn: Connection, principal: Principal) -> set[UUID]:
    """The participants that are the caller: those linked to their account."""
    return set(await queries.linked_participant_ids(conn, principal.id))


@lru_cache(maxsize=4096)
def _windows(
    day: date, run_window: str | None, target_window: str | None, zone: str
) -> tuple[tuple[datetime, datetime, bool], ...]:
    """A place's windows: a pure function of these (JSON texts as stored), so computed
    once per distinct run day, windows and zone, not once per place and request."""
    run = {
        "assignment_date": day,
        "configuration": {"window": orjson.loads(run_window)} if run_window else {},
    }
    target = orjson.loads(target_window) if target_window else None
    return tuple(export.place_windows(run, target, zone))


def _place(row: dict[str, Any], domain: dict[str, Any], zone: str) -> dict[str, Any]:
    """A place as MyPlace's fields, in its order (the JSON is written from this dict)."""
    windows = _windows(row["assignment_date"], row["run_window"], row["target_window"], zone)
    return {
        "detail_id": row["detail_id"],
        "assignment_id": row["assignment_id"],
        "assignment_name": row["assignment_name"],
        "assignment_date": row["assignment_date"],
        "status": row["status"],
        "domain": domain,
        "participant_id": row["participant_id"],
        "target_id": row["target_id"],
        "target_name": row["target_name"],
        "position": row["position"],
        "timezone": zone,
        "windows": [{"start": s, "end": e, "all_day": a} for s, e, a in windows],
        "others": [
            {"participant_id": pid, "name": name, "position": position}
            for pid, name, position in orjson.loads(row["others"] or "[]")
        ],
        "outcome": row["outcome"],
    }
