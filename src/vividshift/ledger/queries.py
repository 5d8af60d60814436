"""SQL of the ledger: closed places with their effort, people, absences."""

from datetime import date, datetime
from uuid import UUID

from vividshift.db import Connection, fetch_all
from vividshift.ledger.rows import AbsenceSpan, ClosedPlace, LedgerPerson, LedgerTarget


async def closed_places(
    conn: Connection, domain_id: UUID, since: date | None, until: date
) -> list[ClosedPlace]:
    """Every place of the domain's non-cancelled runs dated in [since, until] that has an
    outcome, with its effort and date (and the windows its length is read from)."""
    return await fetch_all(
        conn,
        ClosedPlace,
        """
        SELECT d.participant_id, d.rota_participant_id, d.target_id, d.outcome,
               t.effort::float8 AS effort, a.assignment_date,
               t.constraints->'time_window' AS time_window,
               a.configuration->'window' AS run_window
          FROM assignments a
          JOIN assignment_details d ON d.assignment_id = a.id
          JOIN assignment_targets t ON t.id = d.target_id
         WHERE a.domain_id = %(domain)s AND a.status <> 'cancelled'
           AND a.assignment_date <= %(until)s
           AND (%(since)s::date IS NULL OR a.assignment_date >= %(since)s::date)
           AND d.outcome IS NOT NULL
        """,
        {"domain": domain_id, "since": since, "until": until},
    )


async def first_run_date(conn: Connection, domain_id: UUID) -> date | None:
    cur = await conn.execute(
        "SELECT min(assignment_date) AS d FROM assignments"
        " WHERE domain_id = %s AND status <> 'cancelled'",
        (domain_id,),
    )
    row = await cur.fetchone()
    return row["d"] if row else None


async def domain_people(conn: Connection, domain_id: UUID) -> list[LedgerPerson]:
    """The domain's participants: id, name, active, linked account."""
    sql = (
        "SELECT id, name, is_active, user_id FROM participants WHERE domain_id = %s"
        " ORDER BY name, id"
    )
    return await fetch_all(conn, LedgerPerson, sql, (domain_id,))


async def domain_targets(conn: Connection, domain_id: UUID) -> list[LedgerTarget]:
    sql = (
        "SELECT id, name, effort::float8 AS effort, is_active FROM assignment_targets"
        " WHERE domain_id = %s ORDER BY name, id"
    )
    return await fetch_all(conn, LedgerTarget, sql, (domain_id,))


async def absences(
    conn: Connection, domain_id: UUID, start: datetime, end: datetime
) -> list[AbsenceSpan]:
    """The domain's absences overlapping [start, end)."""
    sql = (
        "SELECT participant_id, starts_at, ends_at FROM participant_absences"
        " WHERE domain_id = %s AND starts_at < %s AND ends_at > %s"
    )
    return await fetch_all(conn, AbsenceSpan, sql, (domain_id, end, start))


async def has_outcomes(conn: Connection, domain_id: UUID, until: date) -> bool:
    """Whether any place of the domain dated up to `until` has an outcome."""
    cur = await conn.execute(
        """
        SELECT EXISTS (SELECT 1 FROM assignments a JOIN assignment_details d
                          ON d.assignment_id = a.id
                        WHERE a.domain_id = %s AND a.status <> 'cancelled'
                          AND a.assignment_date <= %s AND d.outcome IS NOT NULL) AS found
        """,
        (domain_id, until),
    )
    row = await cur.fetchone()
    return bool(row and row["found"])


async def last_done(
    conn: Connection, domain_id: UUID, target_id: UUID, until: date
) -> dict[UUID, date]:
    """Per person, the latest date they did (or were planned on) the target up to `until`."""
    cur = await conn.execute(
        """
        SELECT d.participant_id, max(a.assignment_date) AS last
          FROM assignments a JOIN assignment_details d ON d.assignment_id = a.id
         WHERE a.domain_id = %s AND d.target_id = %s AND a.status <> 'cancelled'
           AND a.assignment_date <= %s AND d.outcome IS DISTINCT FROM 'missed'
         GROUP BY d.participant_id
        """,
        (domain_id, target_id, until),
    )
    return {r["participant_id"]: r["last"] for r in await cur.fetchall()}
