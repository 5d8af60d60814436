"""Finding cover automatically: for an open cover request with `auto_find`, ask the
best-ranked eligible people (as "who else could do this?" ranks them) in waves — the
first `cover_wave_size` (default 3), then the next ones `cover_wave_minutes` (default 60)
later — until someone accepts (the request is then no longer open) or nobody is left.

An ask is recorded as an `asked` event of the request, and each person asked is told
(`cover.requested.v1`, in the same transaction). Asks also count in the ranking
("fewest asks recently").
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from vividshift.assignments.service import run_access
from vividshift.db import Connection, transaction
from vividshift.fairshare import queries
from vividshift.fairshare.alternatives import assess_place
from vividshift.notifications import events

BATCH = 50
DEFAULT_WAVE = 3


def wave_size(configuration: dict[str, Any] | None) -> int:
    size = ((configuration or {}).get("fair_share") or {}).get("cover_wave_size")
    return size if isinstance(size, int) and size > 0 else DEFAULT_WAVE


async def ask_next_waves(conn: Connection, now: datetime | None = None) -> dict[str, int]:
    """Ask the next wave of every automatic cover search that is due; counts of requests
    and people asked. `now`: the clock to use (default the database's)."""
    async with transaction(conn):
        await queries.act_as_system(conn)
        due = await queries.lock_due_cover_searches(conn, now, BATCH)
        asked = 0
        for request in due:
            run, _ = await run_access(conn, None, request.assignment_id)
            place = await queries.get_place(conn, request.assignment_id, request.detail_id)
            if place is None:
                continue
            candidates, _ = await assess_place(conn, run, place)
            before = await queries.asked_already(conn, request.id)
            fresh = [c for c in candidates if c.participant_id not in before]
            wave = fresh[: wave_size(request.configuration)]
            for c in wave:
                await queries.insert_event(
                    conn, request.id, "asked", c.participant_id, {"why": c.explanation}
                )
                asked += 1
            await events.cover_requested(
                conn,
                request.assignment_id,
                request.detail_id,
                request.id,
                [(c.participant_id, c.explanation) for c in wave],
            )
    return {"requests": len(due), "asked": asked}
