"""Each person's load before a horizon, and the days they were present for it.

Once places of the domain have outcomes, load is what really happened: the fair-share
ledger's effort done (a cover counts for whoever did it, a no-show earns nothing and so
owes the place) and its present days. Before any outcome is recorded, it is the effort
of the places in past non-cancelled runs, as planned.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

from vividshift.db import Connection
from vividshift.ledger import queries as ledger_queries
from vividshift.ledger.ledger import ledger
from vividshift.rota import queries

DAY_SECONDS = 86_400


async def prior_load(
    conn: Connection, domain_id: UUID, until: datetime
) -> dict[UUID, tuple[float, float]]:
    """{participant_id: (effort, present_days)} before `until`: from the ledger when the
    domain has outcomes; else the effort of their places in the domain's non-cancelled
    runs, and the days from the later of the domain's first run and the person's creation
    to `until`, less the days they were recorded away."""
    last_day = (until - timedelta(microseconds=1)).date()
    if await ledger_queries.has_outcomes(conn, domain_id, last_day):
        book = await ledger(conn, domain_id, last_day)
        return {pid: (line.done, line.present_days) for pid, line in book.lines.items()}
    first = await queries.first_run_start(conn, domain_id)
    rows = await queries.effort_done(conn, domain_id, until)
    if first is None or first >= until:
        return {r.id: (float(r.effort), 0.0) for r in rows}
    away: dict[UUID, float] = {}
    for absence in await queries.absences_between(conn, domain_id, first, until):
        start, end = max(absence.starts_at, first), min(absence.ends_at, until)
        seconds = (end - start).total_seconds()
        away[absence.participant_id] = away.get(absence.participant_id, 0.0) + seconds
    out: dict[UUID, tuple[float, float]] = {}
    for r in rows:
        since = max(first, r.created_at)
        present = max(0.0, (until - since).total_seconds() - away.get(r.id, 0.0))
        out[r.id] = (float(r.effort), present / DAY_SECONDS)
    return out
