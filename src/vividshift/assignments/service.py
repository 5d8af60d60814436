"""Assignment runs: read, history, rotas, exports.

Generating a run is `generation`; changing one (status, metadata, reassign, swap) is
`editing`. Both use this module's `assignment_not_found`, `run_access` and
`read_model`; it imports neither of them.

Every run is of one domain (`assignments.domain_id`): reading it needs a role there
(`vividshift.domains.access`; a run of a domain the caller may not see is the run's
404), lists cover the domains the caller sees. `principal=None` is the system.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any
from uuid import UUID

from vividshift.assignments import export, queries
from vividshift.assignments.rows import AssignmentRow, RunDetail
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
from vividshift.auth.deps import Principal
from vividshift.db import Connection
from vividshift.domains import queries as domain_queries
from vividshift.domains.access import Access, DomainRole, list_scope, row_access
from vividshift.errors import NotFound
from vividshift.stored_json import stored_object


def assignment_not_found(assignment_id: UUID) -> NotFound:
    return NotFound("Assignment not found", details={"id": str(assignment_id)})


async def run_access(
    conn: Connection,
    principal: Principal | None,
    assignment_id: UUID,
    needed: DomainRole = "viewer",
    *,
    lock: bool = False,
) -> tuple[AssignmentRow, Access]:
    """The run and the caller's access to its domain: 404 when there is no such run or
    its domain is out of the caller's sight, 403 when their role there is below
    `needed`."""
    row = await queries.get_assignment(conn, assignment_id, lock=lock)
    if row is None:
        raise assignment_not_found(assignment_id)
    not_found = assignment_not_found(assignment_id)
    access = await row_access(conn, principal, row.domain_id, not_found)
    return row, access.require(needed)


# --- reading ----------------------------------------------------------------------------


async def list_assignments(
    conn: Connection, principal: Principal | None, *, domain: str | None = None, **filters: Any
) -> AssignmentPage:
    """Runs of `domain` (404 when unseen), else of every domain the caller sees."""
    scope = await list_scope(conn, principal, domain)
    rows, total = await queries.list_assignments(conn, domain_ids=scope, **filters)
    return AssignmentPage(
        items=[AssignmentSummary.from_row(r, r.detail_count) for r in rows],
        total=total,
        limit=filters["limit"],
        offset=filters["offset"],
    )


async def get_assignment(
    conn: Connection, principal: Principal | None, assignment_id: UUID
) -> AssignmentRead:
    """One run with its details, when the caller sees its domain."""
    row, _ = await run_access(conn, principal, assignment_id)
    details = await queries.get_details(conn, assignment_id)
    return read_model(row, details)


def read_model(row: AssignmentRow, details: list[RunDetail]) -> AssignmentRead:
    summary = AssignmentSummary.from_row(row, detail_count=len(details))
    return AssignmentRead(
        **summary.model_dump(),
        details=[
            DetailRead.model_validate(asdict(d) | {"metadata": stored_object(d.metadata)})
            for d in details
        ],
    )


async def get_history(
    conn: Connection, principal: Principal | None, assignment_id: UUID
) -> list[HistoryEntry]:
    """The run's recorded changes, when the caller sees its domain."""
    await run_access(conn, principal, assignment_id)
    rows = await queries.get_history(conn, assignment_id)
    return [
        HistoryEntry.model_validate(asdict(r) | {"metadata": stored_object(r.metadata)})
        for r in rows
    ]


async def participant_rota(
    conn: Connection,
    principal: Principal | None,
    participant_id: UUID,
    *,
    include_cancelled: bool,
    limit: int,
    offset: int,
) -> RotaPage:
    """A participant's places across runs, when the caller sees the participant's domain
    (the participant's 404 otherwise)."""
    not_found = NotFound("Participant not found", details={"id": str(participant_id)})
    domain_id = await queries.participant_domain(conn, participant_id)
    if domain_id is None:
        raise not_found
    await row_access(conn, principal, domain_id, not_found)
    rows, total = await queries.participant_rota(
        conn, participant_id, include_cancelled=include_cancelled, limit=limit, offset=offset
    )
    return RotaPage(
        items=[
            RotaEntry.model_validate(asdict(r) | {"metadata": stored_object(r.metadata)})
            for r in rows
        ],
        total=total,
        limit=limit,
        offset=offset,
    )


# --- exports ----------------------------------------------------------------------------


async def _run_and_details(
    conn: Connection, principal: Principal | None, assignment_id: UUID
) -> tuple[AssignmentRow, list[RunDetail]]:
    row, _ = await run_access(conn, principal, assignment_id)
    return row, await queries.get_details(conn, assignment_id)


async def export_csv(
    conn: Connection, principal: Principal | None, assignment_id: UUID
) -> tuple[AssignmentRow, str]:
    """The run as CSV, when the caller sees its domain."""
    row, details = await _run_and_details(conn, principal, assignment_id)
    return row, export.to_csv(row, details)


def _time_window(constraints: Any) -> Any:
    """A stored target's `constraints.time_window` (none when the constraints are no
    object: written by another program)."""
    return constraints.get("time_window") if isinstance(constraints, dict) else None


async def export_ics(
    conn: Connection, principal: Principal | None, assignment_id: UUID
) -> tuple[AssignmentRow, bytes]:
    """The run as iCalendar, in its house's zone, when the caller sees its domain."""
    row, details = await _run_and_details(conn, principal, assignment_id)
    target_ids = sorted({d.target_id for d in details})
    windows = {
        str(t["id"]): _time_window(t["constraints"])
        for t in await queries.load_targets(conn, row.domain_id, target_ids)
    }
    domain = await domain_queries.get_domain(conn, row.domain_id)
    return row, export.to_ics(row, details, windows, house_of(domain).timezone)
