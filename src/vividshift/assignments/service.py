"""Assignment runs: read, history, rotas, exports.

Generating a run is `generation`; changing one (status, metadata, reassign, swap) is
`editing`. Both use this module's `assignment_not_found` and `read_model`; it imports
neither of them.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from vividshift.assignments import export, queries
from vividshift.assignments.rules import house_of
from vividshift.assignments.schemas import (
    AssignmentPage,
    AssignmentRead,
    AssignmentSummary,
    DetailRead,
    HistoryEntry,
    RotaEntry,
    RotaPage,
)
from vividshift.db import Connection
from vividshift.errors import NotFound


def assignment_not_found(assignment_id: UUID) -> NotFound:
    return NotFound("Assignment not found", details={"id": str(assignment_id)})


# --- reading ----------------------------------------------------------------------------


async def list_assignments(conn: Connection, **filters: Any) -> AssignmentPage:
    rows, total = await queries.list_assignments(conn, **filters)
    return AssignmentPage(
        items=[AssignmentSummary.from_row(r) for r in rows],
        total=total,
        limit=filters["limit"],
        offset=filters["offset"],
    )


async def get_assignment(conn: Connection, assignment_id: UUID) -> AssignmentRead:
    row = await queries.get_assignment(conn, assignment_id)
    if row is None:
        raise assignment_not_found(assignment_id)
    details = await queries.get_details(conn, assignment_id)
    return read_model(row, details)


def read_model(row: dict[str, Any], details: list[dict[str, Any]]) -> AssignmentRead:
    summary = AssignmentSummary.from_row(row | {"detail_count": len(details)})
    return AssignmentRead(
        **summary.model_dump(),
        details=[DetailRead.model_validate(d | {"metadata": d["metadata"] or {}}) for d in details],
    )


async def get_history(conn: Connection, assignment_id: UUID) -> list[HistoryEntry]:
    if await queries.get_assignment(conn, assignment_id) is None:
        raise assignment_not_found(assignment_id)
    rows = await queries.get_history(conn, assignment_id)
    return [HistoryEntry.model_validate(r | {"metadata": r["metadata"] or {}}) for r in rows]


async def participant_rota(
    conn: Connection, participant_id: UUID, *, include_cancelled: bool, limit: int, offset: int
) -> RotaPage:
    if not await queries.participant_exists(conn, participant_id):
        raise NotFound("Participant not found", details={"id": str(participant_id)})
    rows, total = await queries.participant_rota(
        conn, participant_id, include_cancelled=include_cancelled, limit=limit, offset=offset
    )
    return RotaPage(
        items=[RotaEntry.model_validate(r | {"metadata": r["metadata"] or {}}) for r in rows],
        total=total,
        limit=limit,
        offset=offset,
    )


# --- exports ----------------------------------------------------------------------------


async def _run_and_details(
    conn: Connection, assignment_id: UUID
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    row = await queries.get_assignment(conn, assignment_id)
    if row is None:
        raise assignment_not_found(assignment_id)
    return row, await queries.get_details(conn, assignment_id)


async def export_csv(conn: Connection, assignment_id: UUID) -> tuple[dict[str, Any], str]:
    row, details = await _run_and_details(conn, assignment_id)
    return row, export.to_csv(row, details)


async def export_ics(conn: Connection, assignment_id: UUID) -> tuple[dict[str, Any], bytes]:
    row, details = await _run_and_details(conn, assignment_id)
    target_ids = sorted({d["target_id"] for d in details})
    windows = {
        str(t["id"]): (t["constraints"] or {}).get("time_window")
        for t in await queries.load_targets(conn, target_ids)
    }
    domain_ref = (row["configuration"] or {}).get("domain")
    domain = await queries.find_domain(conn, domain_ref) if domain_ref else None
    return row, export.to_ics(row, details, windows, house_of(domain).timezone)
