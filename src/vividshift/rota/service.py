"""Turns of a domain's rota, listed for a range."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from vividshift.assignments.rules import house_of
from vividshift.auth.deps import Principal
from vividshift.db import Connection
from vividshift.domains import queries as domain_queries
from vividshift.domains.access import DomainRole, domain_access
from vividshift.domains.rows import DomainRow
from vividshift.errors import ValidationFailed
from vividshift.rota.config import rota_of
from vividshift.rota.moments import instant
from vividshift.rota.schemas import TurnList, TurnRead
from vividshift.rota.turns import Turn, turns_overlapping

DEFAULT_RANGE = timedelta(days=31)
MAX_LISTED_TURNS = 1000


async def domain_row(
    conn: Connection, principal: Principal | None, domain_id: UUID, needed: DomainRole
) -> DomainRow:
    """The domain, where the caller has at least `needed` (404 unseen, 403 below)."""
    (await domain_access(conn, principal, domain_id)).require(needed)
    row = await domain_queries.get_domain(conn, domain_id)
    assert row is not None
    return row


def turn_read(turn: Turn, zone: str) -> TurnRead:
    return TurnRead(
        index=turn.index,
        start=turn.start,
        end=turn.end,
        local_start=turn.local_start,
        local_end=turn.local_end,
        timezone=zone,
        hours=round(turn.hours, 4),
    )


async def list_turns(
    conn: Connection,
    principal: Principal,
    domain_id: UUID,
    start: date | datetime | None,
    end: date | datetime | None,
) -> TurnList:
    """The turns of the domain's rota overlapping [from, to) (default: the next 31 days);
    none when it has no rota."""
    async with conn.transaction():
        domain = await domain_row(conn, principal, domain_id, "viewer")
    if not domain.configuration.get("rota"):
        return TurnList(timezone=house_of(domain).timezone, has_rota=False, turns=[])
    rota = rota_of(domain)
    zone = ZoneInfo(rota.zone)
    first = instant(start, zone) if start is not None else datetime.now(zone)
    last = instant(end, zone) if end is not None else first + DEFAULT_RANGE
    if last <= first:
        raise ValidationFailed("`to` must be after `from`", details={"from": str(first)})
    turns = turns_overlapping(rota, first, last, limit=MAX_LISTED_TURNS + 1)
    if len(turns) > MAX_LISTED_TURNS:
        raise ValidationFailed(
            f"The range holds more than {MAX_LISTED_TURNS} turns; ask for a shorter one",
            details={"max_turns": MAX_LISTED_TURNS},
        )
    return TurnList(
        timezone=rota.zone, has_rota=True, turns=[turn_read(t, rota.zone) for t in turns]
    )
