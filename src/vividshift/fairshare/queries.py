"""SQL of fair share: outcomes of places, the ledger's facts, alternatives' facts."""

from datetime import date
from typing import Any
from uuid import UUID

from vividshift.db import Connection


async def get_place(
    conn: Connection, assignment_id: UUID, detail_id: UUID
) -> dict[str, Any] | None:
    """One place of a run, locked, with its target's effort and its doer's account."""
    cur = await conn.execute(
        """
        SELECT d.*, t.effort, t.name AS target_name, p.user_id AS participant_user_id,
               p.name AS participant_name
          FROM assignment_details d
          JOIN assignment_targets t ON t.id = d.target_id
          JOIN participants p ON p.id = d.participant_id
         WHERE d.id = %s AND d.assignment_id = %s
           FOR UPDATE OF d
        """,
        (detail_id, assignment_id),
    )
    return await cur.fetchone()


async def set_outcome(
    conn: Connection,
    detail_id: UUID,
    *,
    outcome: str | None,
    participant_id: UUID,
    rota_participant_id: UUID | None,
) -> dict[str, Any]:
    """Write a place's outcome (NULL reopens it); the marker is the transaction's user."""
    cur = await conn.execute(
        """
        UPDATE assignment_details
           SET outcome = %(outcome)s::text,
               outcome_at = CASE WHEN %(outcome)s::text IS NULL THEN NULL ELSE now() END,
               outcome_by = CASE WHEN %(outcome)s::text IS NULL THEN NULL
                                 ELSE app_current_user_id() END,
               participant_id = %(participant_id)s,
               rota_participant_id = %(rota_participant_id)s
         WHERE id = %(id)s
        RETURNING id, assignment_id, participant_id, rota_participant_id, target_id, outcome,
                  outcome_at, outcome_by
        """,
        {
            "outcome": outcome,
            "participant_id": participant_id,
            "rota_participant_id": rota_participant_id,
            "id": detail_id,
        },
    )
    row = await cur.fetchone()
    assert row is not None
    return row


async def lock_ended_open_runs(conn: Connection, limit: int) -> list[dict[str, Any]]:
    """Runs (not cancelled) whose local day has ended and that still have open places,
    with their domain's configuration; locked, skipping runs another worker holds."""
    cur = await conn.execute(
        """
        SELECT a.id, a.domain_id, a.assignment_date, dm.configuration
          FROM assignments a
          JOIN domains dm ON dm.id = a.domain_id
         WHERE a.status <> 'cancelled'
           AND EXISTS (SELECT 1 FROM assignment_details d
                        WHERE d.assignment_id = a.id AND d.outcome IS NULL)
           AND (a.assignment_date + 1)::timestamp
               AT TIME ZONE COALESCE(dm.configuration->>'timezone', 'UTC') <= now()
         ORDER BY a.assignment_date, a.id
         LIMIT %s
           FOR UPDATE OF a SKIP LOCKED
        """,
        (limit,),
    )
    return await cur.fetchall()


async def close_open_places(conn: Connection, assignment_id: UUID, outcome: str) -> list[str]:
    """Give every open place of the run `outcome` (marked by nobody); their ids."""
    cur = await conn.execute(
        """
        UPDATE assignment_details SET outcome = %s, outcome_at = now(), outcome_by = NULL
         WHERE assignment_id = %s AND outcome IS NULL
        RETURNING id::text AS id
        """,
        (outcome, assignment_id),
    )
    return [r["id"] for r in await cur.fetchall()]


async def recent_asks(
    conn: Connection, domain_id: UUID, until: date, weeks: int
) -> dict[UUID, int]:
    """Per person, how often they were asked to cover or swap in the `weeks` before
    `until` (no asks are recorded yet: an empty map until requests exist)."""
    del conn, domain_id, until, weeks
    return {}


async def act_as_system(conn: Connection) -> None:
    """Attribute this transaction's changes to nobody (the system), whatever ran before
    on the connection."""
    await conn.execute("SELECT set_config('app.current_user_id', '', true)")
