"""SQL of fair share: outcomes of places, the ledger's facts, alternatives' facts."""

from datetime import date, datetime
from typing import Any
from uuid import UUID

from psycopg.types.json import Jsonb

from vividshift.db import Connection, fetch_all, fetch_one
from vividshift.fairshare.rows import (
    DETAIL_COLUMNS,
    REQUEST_COLUMNS,
    REQUEST_FIELDS,
    DetailWithRun,
    DueCoverSearch,
    EndedRun,
    MarkedPlace,
    OwnPlace,
    PlaceRow,
    RequestEventRow,
    RequestListing,
    RequestRow,
    RunPlace,
)


async def get_place(
    conn: Connection, assignment_id: UUID, detail_id: UUID, *, lock: bool = True
) -> PlaceRow | None:
    """One place of a run (locked unless `lock=False`), with its target's effort and its
    doer's account."""
    return await fetch_one(
        conn,
        PlaceRow,
        f"""
        SELECT {DETAIL_COLUMNS}, t.effort, t.name AS target_name, p.user_id AS participant_user_id,
               p.name AS participant_name
          FROM assignment_details d
          JOIN assignment_targets t ON t.id = d.target_id
          JOIN participants p ON p.id = d.participant_id
         WHERE d.id = %s AND d.assignment_id = %s
        """
        + (" FOR UPDATE OF d" if lock else ""),
        (detail_id, assignment_id),
    )


async def set_outcome(
    conn: Connection,
    detail_id: UUID,
    *,
    outcome: str | None,
    participant_id: UUID,
    rota_participant_id: UUID | None,
) -> MarkedPlace:
    """Write a place's outcome (NULL reopens it); the marker is the transaction's user."""
    row = await fetch_one(
        conn,
        MarkedPlace,
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
    assert row is not None
    return row


async def lock_ended_open_runs(conn: Connection, limit: int) -> list[EndedRun]:
    """Runs (not cancelled) whose local day has ended and that still have open places,
    with their domain's configuration; locked, skipping runs another worker holds."""
    return await fetch_all(
        conn,
        EndedRun,
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
    """Per person, how often they were asked to take a place of the domain (asks of
    cover requests, named swap or cover requests) in the `weeks` before `until`."""
    cur = await conn.execute(
        """
        SELECT e.participant_id, count(*) AS n
          FROM place_request_events e JOIN place_requests r ON r.id = e.request_id
         WHERE r.domain_id = %s AND e.action = 'asked' AND e.participant_id IS NOT NULL
           AND e.created_at >= (%s::date - make_interval(weeks => %s))
           AND e.created_at < (%s::date + 1)
         GROUP BY e.participant_id
        """,
        (domain_id, until, weeks, until),
    )
    return {r["participant_id"]: r["n"] for r in await cur.fetchall()}


async def act_as_system(conn: Connection) -> None:
    """Attribute this transaction's changes to nobody (the system), whatever ran before
    on the connection."""
    await conn.execute("SELECT set_config('app.current_user_id', '', true)")


async def run_places(conn: Connection, assignment_id: UUID) -> list[RunPlace]:
    """Every place of a run: id, doer, target."""
    sql = "SELECT id, participant_id, target_id FROM assignment_details WHERE assignment_id = %s"
    return await fetch_all(conn, RunPlace, sql, (assignment_id,))


# --- requests to cover or swap a place --------------------------------------------------


async def insert_request(conn: Connection, values: dict[str, Any]) -> RequestRow:
    """A new open request (a second open one of the place: UniqueViolation)."""
    row = await fetch_one(
        conn,
        RequestRow,
        f"""
        INSERT INTO place_requests (domain_id, assignment_id, detail_id, kind,
            requester_id, asked_participant_id, auto_find, note, created_by)
        VALUES (%(domain_id)s, %(assignment_id)s, %(detail_id)s, %(kind)s,
            %(requester_id)s, %(asked_participant_id)s, %(auto_find)s, %(note)s,
            app_current_user_id())
        RETURNING {REQUEST_FIELDS}
        """,
        values,
    )
    assert row is not None
    return row


async def get_request(
    conn: Connection, request_id: UUID, *, lock: bool = False
) -> RequestRow | None:
    sql = f"SELECT {REQUEST_COLUMNS} FROM place_requests r WHERE r.id = %s"
    return await fetch_one(conn, RequestRow, sql + (" FOR UPDATE" if lock else ""), (request_id,))


async def update_request(conn: Connection, request_id: UUID, changes: dict[str, Any]) -> RequestRow:
    columns = ", ".join(f"{c} = %({c})s" for c in changes)
    row = await fetch_one(
        conn,
        RequestRow,
        f"UPDATE place_requests r SET {columns} WHERE r.id = %(id)s RETURNING {REQUEST_COLUMNS}",
        changes | {"id": request_id},
    )
    assert row is not None
    return row


async def insert_event(
    conn: Connection,
    request_id: UUID,
    action: str,
    participant_id: UUID | None,
    details: dict[str, Any] | None = None,
) -> None:
    """An event of a request, by the transaction's acting user."""
    await conn.execute(
        "INSERT INTO place_request_events (request_id, action, participant_id, user_id,"
        " details, created_at) VALUES (%s, %s, %s, app_current_user_id(), %s, clock_timestamp())",
        (request_id, action, participant_id, Jsonb(details or {})),
    )


async def list_events(conn: Connection, request_id: UUID) -> list[RequestEventRow]:
    sql = (
        "SELECT action, participant_id, user_id, details, created_at FROM place_request_events"
        " WHERE request_id = %s ORDER BY created_at, id"
    )
    return await fetch_all(conn, RequestEventRow, sql, (request_id,))


async def move_place(conn: Connection, detail_id: UUID, doer: UUID, rota: UUID | None) -> None:
    """Give a place a new doer, keeping the rota's person (an override)."""
    await conn.execute(
        "UPDATE assignment_details SET participant_id = %s, rota_participant_id = %s WHERE id = %s",
        (doer, rota, detail_id),
    )


async def get_detail_with_run(conn: Connection, detail_id: UUID) -> DetailWithRun | None:
    """A place (locked) with its run's domain and status."""
    return await fetch_one(
        conn,
        DetailWithRun,
        f"""
        SELECT {DETAIL_COLUMNS}, a.domain_id, a.status AS run_status
          FROM assignment_details d JOIN assignments a ON a.id = d.assignment_id
         WHERE d.id = %s FOR UPDATE OF d
        """,
        (detail_id,),
    )


async def linked_participant(conn: Connection, domain_id: UUID, user_id: UUID) -> UUID | None:
    """The caller's own person in a domain."""
    cur = await conn.execute(
        "SELECT id FROM participants WHERE domain_id = %s AND user_id = %s", (domain_id, user_id)
    )
    row = await cur.fetchone()
    return row["id"] if row else None


async def asked_already(conn: Connection, request_id: UUID) -> set[UUID]:
    cur = await conn.execute(
        "SELECT participant_id FROM place_request_events"
        " WHERE request_id = %s AND action = 'asked'",
        (request_id,),
    )
    return {r["participant_id"] for r in await cur.fetchall()}


async def now(conn: Connection) -> Any:
    """The transaction's clock (the database's, not the process's)."""
    cur = await conn.execute("SELECT clock_timestamp() AS now")
    row = await cur.fetchone()
    assert row is not None
    return row["now"]


async def lock_due_cover_searches(
    conn: Connection, now: datetime | None, limit: int
) -> list[DueCoverSearch]:
    """Open automatic cover requests whose next wave is due (none asked yet, or the last
    ask older than the domain's `fair_share.cover_wave_minutes`, default 60), locked,
    skipping those another worker holds; with the domain's configuration."""
    return await fetch_all(
        conn,
        DueCoverSearch,
        f"""
        SELECT {REQUEST_COLUMNS}, dm.configuration
          FROM place_requests r JOIN domains dm ON dm.id = r.domain_id
         WHERE r.status = 'open' AND r.auto_find AND r.kind = 'cover'
           AND COALESCE((SELECT max(e.created_at) FROM place_request_events e
                          WHERE e.request_id = r.id AND e.action = 'asked'), '-infinity')
               <= COALESCE(%(now)s::timestamptz, now()) - make_interval(mins =>
                  COALESCE((dm.configuration->'fair_share'->>'cover_wave_minutes')::int, 60))
         ORDER BY r.created_at
         LIMIT %(limit)s
           FOR UPDATE OF r SKIP LOCKED
        """,
        {"now": now, "limit": limit},
    )


REQUEST_VIEW = """
    SELECT r.id, r.kind, r.status, r.note, r.domain_id, r.assignment_id, r.detail_id,
           r.requester_id, r.asked_participant_id, r.accepted_participant_id,
           r.accepted_detail_id, r.created_at,
           dm.display_name AS domain_name, a.assignment_date, t.name AS target_name,
           req.name AS requester_name, asked.name AS asked_name, taker.name AS taker_name
      FROM place_requests r
      JOIN domains dm ON dm.id = r.domain_id
      JOIN assignments a ON a.id = r.assignment_id
      JOIN assignment_details d ON d.id = r.detail_id
      JOIN assignment_targets t ON t.id = d.target_id
      JOIN participants req ON req.id = r.requester_id
      LEFT JOIN participants asked ON asked.id = r.asked_participant_id
      LEFT JOIN participants taker ON taker.id = r.accepted_participant_id
"""


async def live_requests(conn: Connection, domain_ids: list[UUID] | None) -> list[RequestListing]:
    """Open and accepted requests (with names for a page) of the domains (None: all)."""
    return await fetch_all(
        conn,
        RequestListing,
        REQUEST_VIEW + " WHERE r.status IN ('open', 'accepted')"
        " AND (%(all)s OR r.domain_id = ANY(%(ids)s))"
        " ORDER BY a.assignment_date, t.name, r.created_at",
        {"all": domain_ids is None, "ids": domain_ids or []},
    )


async def live_request_of_place(conn: Connection, detail_id: UUID) -> RequestListing | None:
    """The place's open or accepted request, if any."""
    sql = REQUEST_VIEW + " WHERE r.detail_id = %s AND r.status IN ('open', 'accepted')"
    return await fetch_one(conn, RequestListing, sql, (detail_id,))


async def active_places_of(conn: Connection, participant_id: UUID) -> list[OwnPlace]:
    """A person's places in active runs (what they may give in a swap), by date."""
    return await fetch_all(
        conn,
        OwnPlace,
        """
        SELECT d.id, a.assignment_date, t.name AS target_name
          FROM assignment_details d
          JOIN assignments a ON a.id = d.assignment_id
          JOIN assignment_targets t ON t.id = d.target_id
         WHERE d.participant_id = %s AND a.status = 'active'
         ORDER BY a.assignment_date, t.name
        """,
        (participant_id,),
    )
