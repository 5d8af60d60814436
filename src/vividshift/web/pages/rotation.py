"""One rotation (assignment run): details by target with their score breakdown,
validation results, status changes, swap/reassign, downloads and its audit trail."""

from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request
from pydantic import ValidationError
from starlette.responses import Response

from vividshift.assignments import editing
from vividshift.assignments import service as assignments
from vividshift.assignments.schemas import AssignmentUpdate, ReassignRequest, SwapRequest
from vividshift.auth.deps import Principal
from vividshift.db import Connection, Db
from vividshift.errors import AppError
from vividshift.http.paging import PageParams, Sort
from vividshift.participants import service as participants
from vividshift.participants.schemas import ParticipantFilters
from vividshift.stored_json import stored_object
from vividshift.web.deps import Form, PageReader, PageWriter
from vividshift.web.forms import FieldErrors, checked, optional, pydantic_errors, service_errors
from vividshift.web.pages.dashboard import by_target, my_participant_ids
from vividshift.web.render import download, readable_details, redirect, render

router = APIRouter(tags=["web"], include_in_schema=False)


def _describe_change(entry: Any, names: dict[str, str]) -> list[str]:
    """A history row's `changes` as short sentences, with people's names."""

    def who(pid: Any) -> str:
        return names.get(str(pid), str(pid))

    changes = entry.changes
    if entry.action == "swap" and isinstance(changes, dict):
        return [
            f"{who(d['participant_id']['old'])} → {who(d['participant_id']['new'])} "
            f"on {names.get(d['target_id'], d['target_id'])}"
            for d in changes.get("details", [])
        ]
    if entry.action == "reassign" and isinstance(changes, dict):
        moved = changes.get("participant_id", {})
        target = names.get(str(changes.get("target_id")), changes.get("target_id"))
        return [f"{who(moved.get('old'))} → {who(moved.get('new'))} on {target}"]
    if entry.action == "generate" and isinstance(changes, dict):
        return [
            f"{changes.get('details')} placements, strategy {changes.get('strategy')}, "
            f"solver {changes.get('solver_status')}"
        ]
    if isinstance(changes, dict) and entry.action.upper() == "UPDATE":
        lines = []
        for column, change in changes.items():
            if column == "metadata":
                lines.append("metadata updated")
            elif isinstance(change, dict) and "new" in change:
                lines.append(f"{column}: {change.get('old')} → {change.get('new')}")
        return lines
    if entry.action.upper() == "INSERT":
        return ["run created"]
    return []


async def rotation_page(
    request: Request,
    db: Connection,
    principal: Principal,
    assignment_id: UUID,
    status_code: int = 200,
    **extra: Any,
) -> Response:
    run = await assignments.get_assignment(db, principal, assignment_id)
    history = await assignments.get_history(db, principal, assignment_id)
    people = await participants.list_participants(
        db,
        principal,
        ParticipantFilters(active_only=True),
        Sort("name", False),
        PageParams(500),
        domain=run.domain_id,
    )
    names = {str(p.id): p.name for p in people.items}
    names |= {str(d.participant_id): d.participant_name for d in run.details}
    names |= {str(d.target_id): d.target_name for d in run.details}
    trail = [{"entry": h, "lines": _describe_change(h, names)} for h in history]
    context: dict[str, Any] = {
        "run": run,
        "groups": by_target(run),
        "mine": await my_participant_ids(db, principal),
        "validation": stored_object(run.metadata).get("validation_results") or [],
        "trail": trail,
        "people": people.items,
        "errors": {},
        "problem": None,
        "values": {},
    } | extra
    return render(request, "rotation.html", status_code, **context)


@router.get("/rotations/{assignment_id}.csv")
async def rotation_csv(request: Request, assignment_id: UUID, user: PageReader, db: Db) -> Response:
    """Download the rotation as CSV."""
    row, body = await assignments.export_csv(db, user, assignment_id)
    return download(request, body, "text/csv; charset=utf-8", f"rotation-{row.id}.csv")


@router.get("/rotations/{assignment_id}.ics")
async def rotation_ics(request: Request, assignment_id: UUID, user: PageReader, db: Db) -> Response:
    """Download the rotation as iCalendar."""
    row, body = await assignments.export_ics(db, user, assignment_id)
    return download(request, body, "text/calendar; charset=utf-8", f"rotation-{row.id}.ics")


@router.get("/rotations/{assignment_id}")
async def rotation(request: Request, assignment_id: UUID, user: PageReader, db: Db) -> Response:
    """One rotation with explanations, validation, actions and audit trail."""
    return await rotation_page(request, db, user, assignment_id)


async def _edit(
    request: Request,
    db: Connection,
    user: Principal,
    assignment_id: UUID,
    values: dict[str, Any],
    model: type[SwapRequest] | type[ReassignRequest] | type[AssignmentUpdate],
    done: str,
) -> Response:
    errors: FieldErrors = {}
    try:
        body = model.model_validate({k: v for k, v in values.items() if v is not None})
    except ValidationError as exc:
        errors = pydantic_errors(exc)
        return await rotation_page(
            request, db, user, assignment_id, 422, errors=errors, values=values
        )
    try:
        if isinstance(body, SwapRequest):
            await editing.swap(db, user, assignment_id, body)
        elif isinstance(body, ReassignRequest):
            await editing.reassign(db, user, assignment_id, body)
        else:
            await editing.update_assignment(db, user, assignment_id, body)
    except AppError as exc:
        problem = {"message": exc.message, "lines": readable_details(exc.details)}
        return await rotation_page(
            request,
            db,
            user,
            assignment_id,
            exc.status_code,
            errors=service_errors(exc),
            problem=problem,
            values=values,
        )
    return redirect(request, f"/rotations/{assignment_id}#trail", flash=done)


@router.post("/rotations/{assignment_id}/swap")
async def swap(
    request: Request, assignment_id: UUID, user: PageWriter, db: Db, form: Form
) -> Response:
    """Swap the people of two places (re-validated, recorded in the history)."""
    values = {
        "first_detail_id": optional(form, "first_detail_id"),
        "second_detail_id": optional(form, "second_detail_id"),
        "force": checked(form, "force"),
        "reason": optional(form, "reason"),
    }
    return await _edit(request, db, user, assignment_id, values, SwapRequest, "Swapped.")


@router.post("/rotations/{assignment_id}/reassign")
async def reassign(
    request: Request, assignment_id: UUID, user: PageWriter, db: Db, form: Form
) -> Response:
    """Give a place to someone else (re-validated, recorded in the history)."""
    values = {
        "detail_id": optional(form, "detail_id"),
        "participant_id": optional(form, "participant_id"),
        "force": checked(form, "force"),
        "reason": optional(form, "reason"),
    }
    return await _edit(request, db, user, assignment_id, values, ReassignRequest, "Reassigned.")


@router.post("/rotations/{assignment_id}/status")
async def change_status(
    request: Request, assignment_id: UUID, user: PageWriter, db: Db, form: Form
) -> Response:
    """Mark the rotation completed or cancelled."""
    values = {"status": optional(form, "status")}
    return await _edit(
        request, db, user, assignment_id, values, AssignmentUpdate, "The status was changed."
    )
