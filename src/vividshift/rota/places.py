"""Pins and overrides of one place of a run.

- **Pin**: a manager marks a place re-planning must never move (`pinned`); unpinning
  frees it. Both are in the run's history (`pin` / `unpin`).
- **Override** (a cover): someone else does one place of one turn. It is an edit of the
  run — the same re-validation against the run's rules as a reassign
  (`assignments.editing.reassign`: eligibility, absences, groups; refused with 422
  unless `force`) — recorded as `override`; the rota's own person is kept in
  `rota_participant_id` (the first one, when a cover is covered again). Removing it puts
  the rota's person back, re-validated the same way, recorded as `override_removed`.
  Re-planning keeps overridden places as they are.
- Only an active run's places; the run's domain manager.
"""

from __future__ import annotations

from uuid import UUID

from vividshift.assignments import editing
from vividshift.assignments import queries as run_queries
from vividshift.assignments.schemas import EditResult, ReassignRequest
from vividshift.assignments.service import read_model, run_access
from vividshift.auth.deps import Principal
from vividshift.db import Connection, transaction
from vividshift.errors import BusinessRuleViolation, NotFound, ValidationFailed
from vividshift.rota import queries
from vividshift.rota.events import rota_changed
from vividshift.rota.rows import PlaceRow
from vividshift.rota.schemas import OverrideCreate, OverrideRemove, PlaceRead


def _read(row: PlaceRow) -> PlaceRead:
    return PlaceRead(
        id=row.id,
        assignment_id=row.assignment_id,
        target_id=row.target_id,
        participant_id=row.participant_id,
        rota_participant_id=row.rota_participant_id,
        position=row.position,
        pinned=row.pinned,
    )


async def _place(
    conn: Connection, principal: Principal, run_id: UUID, detail_id: UUID
) -> tuple[PlaceRow, UUID]:
    """The place, locked, and its run's domain: a manager's, of an active run."""
    run, _ = await run_access(conn, principal, run_id, "manager", lock=True)
    if run.status != "active":
        raise BusinessRuleViolation(
            "Only places of active runs can be pinned or overridden",
            details={"status": run.status},
        )
    place = await queries.get_place(conn, run_id, detail_id)
    if place is None:
        raise NotFound("Place not found in this run", details={"id": str(detail_id)})
    return place, run.domain_id


async def set_pin(
    conn: Connection, principal: Principal, run_id: UUID, detail_id: UUID, pinned: bool
) -> PlaceRead:
    """Pin (or unpin) a place: re-planning never moves a pinned place."""
    async with transaction(conn, acting_user=principal.id):
        place, _ = await _place(conn, principal, run_id, detail_id)
        row = await queries.set_pinned(conn, detail_id, pinned)
        if place.pinned != pinned:
            await run_queries.insert_history(
                conn,
                run_id,
                "pin" if pinned else "unpin",
                {
                    "detail_id": str(detail_id),
                    "participant_id": str(row.participant_id),
                    "target_id": str(row.target_id),
                },
            )
        return _read(row)


async def override(
    conn: Connection, principal: Principal, run_id: UUID, detail_id: UUID, body: OverrideCreate
) -> EditResult:
    """Someone else does this one place; the rota's person is kept in the record."""
    async with transaction(conn, acting_user=principal.id):
        place, domain_id = await _place(conn, principal, run_id, detail_id)
        rota_person = place.rota_participant_id or place.participant_id
        request = ReassignRequest(
            detail_id=detail_id,
            participant_id=body.participant_id,
            force=body.force,
            reason=body.reason,
        )
        await editing.reassign(conn, principal, run_id, request, action="override")
        await queries.set_rota_participant(
            conn, detail_id, None if rota_person == body.participant_id else rota_person
        )
        await rota_changed(
            conn,
            domain_id,
            "override",
            {"run": str(run_id), "detail": str(detail_id), "covers": str(body.participant_id)},
        )
        return await _result(conn, principal, run_id)


async def remove_override(
    conn: Connection, principal: Principal, run_id: UUID, detail_id: UUID, body: OverrideRemove
) -> EditResult:
    """The rota's own person back on the place."""
    async with transaction(conn, acting_user=principal.id):
        place, domain_id = await _place(conn, principal, run_id, detail_id)
        if place.rota_participant_id is None:
            raise ValidationFailed("This place has no override", details={"id": str(detail_id)})
        request = ReassignRequest(
            detail_id=detail_id,
            participant_id=place.rota_participant_id,
            force=body.force,
            reason=body.reason,
        )
        await editing.reassign(conn, principal, run_id, request, action="override_removed")
        await queries.set_rota_participant(conn, detail_id, None)
        await rota_changed(
            conn,
            domain_id,
            "override_removed",
            {"run": str(run_id), "detail": str(detail_id)},
        )
        return await _result(conn, principal, run_id)


async def _result(conn: Connection, principal: Principal, run_id: UUID) -> EditResult:
    run, _ = await run_access(conn, principal, run_id, "manager")
    details = await run_queries.get_details(conn, run_id)
    validation = (run.metadata or {}).get("validation_results") or []
    return EditResult(assignment=read_model(run, details), validation_results=validation)
