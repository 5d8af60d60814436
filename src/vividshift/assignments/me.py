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
- The read is two indexed look-ups: the domains of the caller's linked participants
  that they may read (`participants.user_id`, a partial index), then their details
  (`assignment_details.participant_id`) joined to runs and tasks.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, Literal
from uuid import UUID
from zoneinfo import ZoneInfo

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
    now = now or datetime.now(UTC)
    domains = await queries.linked_domains(conn, principal.id, visibility(principal))
    zones = {d["id"]: house_zone(d["timezone"]) for d in domains}
    today: dict[UUID, date] = {
        domain_id: now.astimezone(ZoneInfo(zone)).date() for domain_id, zone in zones.items()
    }
    if not today:
        return MyPlacePage(items=[], total=0, limit=limit, offset=offset)
    rows, total = await queries.my_places(
        conn, principal.id, today, when=when, limit=limit, offset=offset
    )
    by_id = {d["id"]: d for d in domains}
    # One validation of the whole page (pydantic's core walks it), not one model per
    # place and per teammate built from Python.
    return _PAGE.validate_python(
        {
            "items": [_place(r, by_id[r["domain_id"]], zones[r["domain_id"]]) for r in rows],
            "total": total,
            "limit": limit,
            "offset": offset,
        }
    )


async def my_participant_ids(conn: Connection, principal: Principal) -> set[UUID]:
    """The participants that are the caller: those linked to their account."""
    return set(await queries.linked_participant_ids(conn, principal.id))


def _place(row: dict[str, Any], domain: dict[str, Any], zone: str) -> dict[str, Any]:
    """A place as MyPlace's fields (validated with the page)."""
    windows = export.place_windows(row, row["target_window"], zone)
    return {
        "detail_id": row["detail_id"],
        "assignment_id": row["assignment_id"],
        "assignment_name": row["assignment_name"],
        "assignment_date": row["assignment_date"],
        "status": row["status"],
        "domain": {
            "id": domain["id"],
            "name": domain["name"],
            "display_name": domain["display_name"],
        },
        "participant_id": row["participant_id"],
        "target_id": row["target_id"],
        "target_name": row["target_name"],
        "position": row["position"],
        "timezone": zone,
        "windows": [{"start": s, "end": e, "all_day": a} for s, e, a in windows],
        "others": row["others"] or [],
        "outcome": row["outcome"],
    }
