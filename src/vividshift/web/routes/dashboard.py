"""The dashboard: the current rotation by target, my own tasks, schedules, and (for
users and admins) "generate now" with a preview before saving."""

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request
from pydantic import ValidationError
from starlette.datastructures import FormData
from starlette.responses import Response

from vividshift.assignments import generation
from vividshift.assignments import service as assignments
from vividshift.assignments.schemas import AssignmentRead, GenerateRequest
from vividshift.auth.deps import Principal
from vividshift.db import Connection, Db
from vividshift.domains import service as domains
from vividshift.engine import describe_strategies
from vividshift.errors import AppError
from vividshift.paging import PageParams, Sort
from vividshift.participants import service as participants
from vividshift.participants.queries import ParticipantFilters
from vividshift.schedules import service as schedule_service
from vividshift.users import service as users
from vividshift.web.deps import Form, PageReader, PageWriter
from vividshift.web.forms import FieldErrors, optional, pydantic_errors, service_errors, text
from vividshift.web.render import readable_details, redirect, render

router = APIRouter(tags=["web"], include_in_schema=False)

MAX_PEOPLE_SCAN = 500


def by_target(run: AssignmentRead) -> list[dict[str, Any]]:
    """Details grouped by target (targets by name), each group by position."""
    groups: dict[UUID, dict[str, Any]] = {}
    for detail in run.details:
        group = groups.setdefault(
            detail.target_id, {"id": detail.target_id, "name": detail.target_name, "details": []}
        )
        group["details"].append(detail)
    for group in groups.values():
        group["details"].sort(key=lambda d: (d.position is None, d.position or 0))
    return sorted(groups.values(), key=lambda g: g["name"].lower())


async def my_participant_ids(db: Connection, principal: Principal) -> set[UUID]:
    """The participants that are me: same email address as my account."""
    user = await users.get_user(db, principal.id)
    email = (user.get("email") or "").lower()
    if not email:
        return set()
    page = await participants.list_participants(
        db, ParticipantFilters(active_only=False), Sort("name", False), PageParams(MAX_PEOPLE_SCAN)
    )
    return {p.id for p in page.items if p.email and p.email.lower() == email}


def strategy_names() -> list[str]:
    return sorted(s["name"] for s in describe_strategies())


async def _domains(db: Connection) -> list[Any]:
    page = await domains.list_domains(
        db, active_only=True, sort=Sort("name", False), page=PageParams(100)
    )
    return page.items


async def dashboard_page(
    request: Request,
    db: Connection,
    principal: Principal,
    status_code: int = 200,
    **extra: Any,
) -> Response:
    listed = await assignments.list_assignments(
        db,
        date_from=None,
        date_to=None,
        status="active",
        strategy=None,
        domain=None,
        limit=1,
        offset=0,
    )
    run = await assignments.get_assignment(db, listed.items[0].id) if listed.items else None
    mine = await my_participant_ids(db, principal) if run else set()
    domain_list = await _domains(db)
    schedules = []
    for d in domain_list:
        entry: dict[str, Any] = {"domain": d, "schedule": None, "next": None}
        if (d.configuration or {}).get("schedule") is not None:
            view = await schedule_service.view(db, d.id, 1)
            entry |= {"schedule": view, "next": view.next_runs[0] if view.next_runs else None}
        schedules.append(entry)
    context: dict[str, Any] = {
        "run": run,
        "groups": by_target(run) if run else [],
        "mine": mine,
        "my_details": [d for d in run.details if d.participant_id in mine] if run else [],
        "schedules": schedules,
        "strategies": strategy_names(),
        "domains": domain_list,
        "values": {"assignment_date": datetime.now(UTC).date().isoformat()},
        "errors": {},
        "preview": None,
        "problem": None,
    } | extra
    return render(request, "dashboard.html", status_code, **context)


@router.get("/")
async def dashboard(request: Request, user: PageReader, db: Db) -> Response:
    """The current rotation, my tasks, schedules; generate (users and admins)."""
    return await dashboard_page(request, db, user)


GENERATE_FIELDS = ("strategy", "domain", "assignment_date", "name", "seed")


def _generate_request(form: FormData, errors: FieldErrors) -> GenerateRequest | None:
    values: dict[str, Any] = {key: optional(form, key) for key in GENERATE_FIELDS}
    body = {k: v for k, v in values.items() if v is not None}
    try:
        return GenerateRequest.model_validate(body)
    except ValidationError as exc:
        errors.update(pydantic_errors(exc))
        return None


@router.post("/generate")
async def generate(request: Request, user: PageWriter, db: Db, form: Form) -> Response:
    """Preview a rotation (nothing is saved) or generate and save it."""
    values = {key: text(form, key) for key in GENERATE_FIELDS}
    errors: FieldErrors = {}
    body = _generate_request(form, errors)
    if body is None:
        return await dashboard_page(request, db, user, 422, values=values, errors=errors)
    try:
        if text(form, "action") == "preview":
            # The real generation, rolled back: the preview is exactly what "save" writes
            # while the data stay the same (the engine is deterministic for a seed).
            async with db.transaction(force_rollback=True):
                result = await generation.generate(db, user.id, body)
            return await dashboard_page(request, db, user, values=values, preview=result)
        result = await generation.generate(db, user.id, body)
    except AppError as exc:
        problem = {"message": exc.message, "lines": readable_details(exc.details)}
        return await dashboard_page(
            request,
            db,
            user,
            exc.status_code,
            values=values,
            errors=service_errors(exc),
            problem=problem,
        )
    return redirect(request, f"/rotations/{result.id}", flash="The rotation was generated.")
