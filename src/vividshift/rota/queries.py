"""SQL of the rota: plans and their places, turn runs, absences, prior load. No rules here."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

import psycopg.errors
from psycopg.types.json import Jsonb

from vividshift.db import Connection, fetch_all, fetch_one
from vividshift.errors import Conflict
from vividshift.rota.rows import (
    ABSENCE_COLUMNS,
    PLAN_COLUMNS,
    AbsenceRow,
    AbsenceSpan,
    EffortDone,
    PlacedRun,
    PlaceRow,
    PlanPlace,
    PlanRow,
    PreviousTurn,
    RunPlace,
    TurnRun,
)

PLACE_COLUMNS = (
    "id, assignment_id, participant_id, target_id, position, pinned, rota_participant_id"
)
PLACE_COPY = (
    "COPY rota_plan_places (plan_id, turn_index, turn_start, turn_end, turn_local_start,"
    " participant_id, target_id, position, run_id) FROM STDIN"
)


# --- plans ------------------------------------------------------------------------------


async def insert_plan(conn: Connection, values: dict[str, Any]) -> PlanRow:
    row = await fetch_one(
        conn,
        PlanRow,
        f"""
        INSERT INTO rota_plans (domain_id, kind, first_turn_start, last_turn_end, turn_count,
                                solver, summary, created_by)
        VALUES (%(domain_id)s, %(kind)s, %(first_turn_start)s, %(last_turn_end)s,
                %(turn_count)s, %(solver)s, %(summary)s, %(created_by)s)
        RETURNING {PLAN_COLUMNS}
        """,
        values | {"solver": Jsonb(values["solver"]), "summary": Jsonb(values["summary"])},
    )
    assert row is not None
    return row


async def copy_plan_places(
    conn: Connection, plan_id: UUID, rows: Sequence[tuple[Any, ...]]
) -> None:
    """(turn_index, turn_start, turn_end, turn_local_start, participant, target, position,
    run_id) rows, with one COPY."""
    async with conn.cursor() as cur, cur.copy(PLACE_COPY) as copy:
        for row in rows:
            await copy.write_row((plan_id, *row))


async def get_plan(
    conn: Connection, plan_id: UUID, domain_id: UUID, *, lock: bool = False
) -> PlanRow | None:
    """The plan, when it belongs to the domain."""
    return await fetch_one(
        conn,
        PlanRow,
        f"SELECT {PLAN_COLUMNS} FROM rota_plans WHERE id = %s AND domain_id = %s"
        + (" FOR UPDATE" if lock else ""),
        (plan_id, domain_id),
    )


async def plan_places(conn: Connection, plan_id: UUID) -> list[PlanPlace]:
    return await fetch_all(
        conn,
        PlanPlace,
        """
        SELECT pp.id, pp.plan_id, pp.turn_index, pp.turn_start, pp.turn_end,
               pp.turn_local_start, pp.participant_id, pp.target_id, pp.position, pp.run_id,
               pp.created_at, p.name AS participant_name, t.name AS target_name, t.effort
          FROM rota_plan_places pp
          JOIN participants p ON p.id = pp.participant_id
          JOIN assignment_targets t ON t.id = pp.target_id
         WHERE pp.plan_id = %s
         ORDER BY pp.turn_index, t.name, pp.position, pp.id
        """,
        (plan_id,),
    )


async def set_plan_runs(conn: Connection, plan_id: UUID, runs: dict[int, UUID]) -> None:
    """Each turn's run, once published."""
    await conn.execute(
        "UPDATE rota_plan_places SET run_id = (%s::jsonb ->> turn_index::text)::uuid"
        " WHERE plan_id = %s",
        (Jsonb({str(k): str(v) for k, v in runs.items()}), plan_id),
    )


async def update_plan(conn: Connection, plan_id: UUID, values: dict[str, Any]) -> PlanRow:
    sets = ", ".join(f"{key} = %({key})s" for key in values)
    row = await fetch_one(
        conn,
        PlanRow,
        f"UPDATE rota_plans SET {sets} WHERE id = %(id)s RETURNING {PLAN_COLUMNS}",
        values | {"id": plan_id},
    )
    assert row is not None
    return row


# --- turn runs --------------------------------------------------------------------------


async def insert_turn_run(conn: Connection, values: dict[str, Any]) -> TurnRun:
    """An active run of one turn; a second active run of its (domain, turn start) is a
    Conflict (the caller's transaction is rolled back)."""
    try:
        row = await fetch_one(
            conn,
            TurnRun,
            """
            INSERT INTO assignments
                (name, assignment_date, strategy_used, configuration, metadata, created_by,
                 status, domain_id, turn_start, turn_end, turn_local_start, plan_id,
                 created_at, updated_at)
            VALUES (%(name)s, %(assignment_date)s, %(strategy_used)s, %(configuration)s,
                    %(metadata)s, %(created_by)s, 'active', %(domain_id)s, %(turn_start)s,
                    %(turn_end)s, %(turn_local_start)s, %(plan_id)s,
                    clock_timestamp(), clock_timestamp())
            RETURNING id, turn_start, turn_end, turn_local_start
            """,
            values
            | {
                "configuration": Jsonb(values["configuration"]),
                "metadata": Jsonb(values["metadata"]),
            },
        )
    except psycopg.errors.UniqueViolation:
        raise Conflict(
            "A turn of this plan already has an active run: nothing was published",
            details={"turn_start": values["turn_start"].isoformat()},
        ) from None
    assert row is not None
    return row


async def copy_run_details(
    conn: Connection, run_id: UUID, rows: Sequence[tuple[UUID, UUID, int, dict[str, Any]]]
) -> None:
    async with (
        conn.cursor() as cur,
        cur.copy(
            "COPY assignment_details (assignment_id, participant_id, target_id, position,"
            " metadata) FROM STDIN"
        ) as copy,
    ):
        for pid, tid, position, metadata in rows:
            await copy.write_row((run_id, pid, tid, position, Jsonb(metadata)))


async def turn_runs_before(
    conn: Connection, domain_id: UUID, before: datetime, limit: int
) -> list[PreviousTurn]:
    """The latest `limit` non-cancelled runs of the domain's turns starting before
    `before`, latest first, with their (participant, target) pairs."""
    return await fetch_all(
        conn,
        PreviousTurn,
        """
        SELECT a.id, a.turn_start,
               coalesce(jsonb_agg(jsonb_build_array(d.participant_id, d.target_id))
                        FILTER (WHERE d.id IS NOT NULL), '[]') AS pairs
          FROM assignments a
          LEFT JOIN assignment_details d ON d.assignment_id = a.id
         WHERE a.domain_id = %s AND a.status <> 'cancelled' AND a.turn_start < %s
         GROUP BY a.id
         ORDER BY a.turn_start DESC, a.created_at DESC
         LIMIT %s
        """,
        (domain_id, before, limit),
    )


# --- prior load -------------------------------------------------------------------------


async def effort_done(conn: Connection, domain_id: UUID, until: datetime) -> list[EffortDone]:
    """Per participant of the domain: the effort of their places in non-cancelled runs
    before `until` (a turn run by its start, a plain run by its date), and since when
    the domain has had runs."""
    return await fetch_all(
        conn,
        EffortDone,
        """
        SELECT p.id, p.created_at,
               coalesce(sum(t.effort) FILTER (WHERE a.id IS NOT NULL), 0) AS effort
          FROM participants p
          LEFT JOIN assignment_details d ON d.participant_id = p.id
          LEFT JOIN assignments a ON a.id = d.assignment_id AND a.status <> 'cancelled'
               AND coalesce(a.turn_start, a.assignment_date::timestamptz) < %(until)s
          LEFT JOIN assignment_targets t ON t.id = d.target_id
         WHERE p.domain_id = %(domain)s
         GROUP BY p.id
        """,
        {"domain": domain_id, "until": until},
    )


async def first_run_start(conn: Connection, domain_id: UUID) -> datetime | None:
    cur = await conn.execute(
        "SELECT min(coalesce(turn_start, assignment_date::timestamptz)) AS first"
        " FROM assignments WHERE domain_id = %s AND status <> 'cancelled'",
        (domain_id,),
    )
    row = await cur.fetchone()
    return None if row is None else row["first"]


async def absences_between(
    conn: Connection, domain_id: UUID, start: datetime, end: datetime
) -> list[AbsenceSpan]:
    return await fetch_all(
        conn,
        AbsenceSpan,
        "SELECT participant_id, starts_at, ends_at FROM participant_absences"
        " WHERE domain_id = %s AND starts_at < %s AND ends_at > %s",
        (domain_id, end, start),
    )


# --- absences ---------------------------------------------------------------------------


async def list_absences(conn: Connection, participant_id: UUID) -> list[AbsenceRow]:
    return await fetch_all(
        conn,
        AbsenceRow,
        f"SELECT {ABSENCE_COLUMNS} FROM participant_absences WHERE participant_id = %s"
        " ORDER BY starts_at, id",
        (participant_id,),
    )


async def insert_absence(conn: Connection, values: dict[str, Any]) -> AbsenceRow:
    row = await fetch_one(
        conn,
        AbsenceRow,
        f"""
        INSERT INTO participant_absences (participant_id, domain_id, starts_at, ends_at, reason,
                                          created_by)
        VALUES (%(participant_id)s, %(domain_id)s, %(starts_at)s, %(ends_at)s, %(reason)s,
                %(created_by)s)
        RETURNING {ABSENCE_COLUMNS}
        """,
        values,
    )
    assert row is not None
    return row


async def delete_absence(conn: Connection, participant_id: UUID, absence_id: UUID) -> bool:
    cur = await conn.execute(
        "DELETE FROM participant_absences WHERE id = %s AND participant_id = %s",
        (absence_id, participant_id),
    )
    return cur.rowcount > 0


async def placed_turn_runs(
    conn: Connection, participant_id: UUID, start: datetime, end: datetime
) -> list[PlacedRun]:
    """Active turn runs overlapping [start, end) that place the participant (id, start)."""
    return await fetch_all(
        conn,
        PlacedRun,
        """
        SELECT DISTINCT a.id, a.turn_start FROM assignments a
          JOIN assignment_details d ON d.assignment_id = a.id
         WHERE d.participant_id = %s AND a.status = 'active'
           AND a.turn_start < %s AND a.turn_end > %s
         ORDER BY a.turn_start
        """,
        (participant_id, end, start),
    )


# --- re-planning ------------------------------------------------------------------------


async def published_turn_runs(
    conn: Connection, domain_id: UUID, start: datetime, end: datetime, *, lock: bool = False
) -> list[TurnRun]:
    """Active turn runs of the domain starting in [start, end), earliest first."""
    return await fetch_all(
        conn,
        TurnRun,
        "SELECT id, turn_start, turn_end, turn_local_start FROM assignments"
        " WHERE domain_id = %s AND status = 'active' AND turn_start >= %s AND turn_start < %s"
        " ORDER BY turn_start" + (" FOR UPDATE" if lock else ""),
        (domain_id, start, end),
    )


async def run_places(conn: Connection, run_ids: Sequence[UUID]) -> list[RunPlace]:
    """The details of the runs, with names: who does each place, the rota's own person
    while someone stands in, and whether it is pinned."""
    return await fetch_all(
        conn,
        RunPlace,
        """
        SELECT d.id, d.assignment_id, d.participant_id, d.target_id, d.position, d.pinned,
               d.rota_participant_id, p.name AS participant_name, t.name AS target_name
          FROM assignment_details d
          JOIN participants p ON p.id = d.participant_id
          JOIN assignment_targets t ON t.id = d.target_id
         WHERE d.assignment_id = ANY(%s)
         ORDER BY d.assignment_id, t.name, d.position, d.id
        """,
        (list(run_ids),),
    )


async def move_place(conn: Connection, detail_id: UUID, participant_id: UUID) -> None:
    await conn.execute(
        "UPDATE assignment_details SET participant_id = %s, rota_participant_id = NULL,"
        " metadata = metadata || jsonb_build_object('replanned', true) WHERE id = %s",
        (participant_id, detail_id),
    )


async def remove_place(conn: Connection, detail_id: UUID) -> None:
    await conn.execute("DELETE FROM assignment_details WHERE id = %s", (detail_id,))


async def add_place(
    conn: Connection, run_id: UUID, participant_id: UUID, target_id: UUID, position: int
) -> None:
    await conn.execute(
        "INSERT INTO assignment_details (assignment_id, participant_id, target_id, position,"
        " metadata) VALUES (%s, %s, %s, %s, %s)",
        (run_id, participant_id, target_id, position, Jsonb({"replanned": True})),
    )


# --- pins and overrides -----------------------------------------------------------------


async def get_place(conn: Connection, run_id: UUID, detail_id: UUID) -> PlaceRow | None:
    return await fetch_one(
        conn,
        PlaceRow,
        f"SELECT {PLACE_COLUMNS} FROM assignment_details"
        " WHERE id = %s AND assignment_id = %s FOR UPDATE",
        (detail_id, run_id),
    )


async def set_pinned(conn: Connection, detail_id: UUID, pinned: bool) -> PlaceRow:
    row = await fetch_one(
        conn,
        PlaceRow,
        f"UPDATE assignment_details SET pinned = %s WHERE id = %s RETURNING {PLACE_COLUMNS}",
        (pinned, detail_id),
    )
    assert row is not None
    return row


async def set_rota_participant(
    conn: Connection, detail_id: UUID, participant_id: UUID | None
) -> None:
    await conn.execute(
        "UPDATE assignment_details SET rota_participant_id = %s WHERE id = %s",
        (participant_id, detail_id),
    )
