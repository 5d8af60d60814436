"""The dashboard: the current rotation by target, my own tasks, upcoming runs,
schedules, and (for users and admins) "generate now" with a preview before saving.

Saving is idempotent per form (see `vividshift.web.idempotency`): a save sent again
redirects to the run the first one created. A preview shows the validation results; a
run with an error-level failure is saved only by an admin's "Save anyway (forced)"."""

from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request
from pydantic import ValidationError
from starlette.datastructures import FormData
from starlette.responses import Response

from vividshift.assignments import generation, me
from vividshift.assignments import service as assignments
from vividshift.assignments.schemas import AssignmentRead, GenerateRequest, GenerateResponse
from vividshift.auth.deps import Principal
from vividshift.db import Connection, Db
from vividshift.domains import service as domains
from vividshift.errors import AppError, Conflict, Forbidden
from vividshift.fairshare.mine import my_balances
from vividshift.http.paging import PageParams, Sort
from vividshift.rules import service as rules
from vividshift.schedules import service as schedule_service
from vividshift.stored_json import stored_object
from vividshift.web.deps import Form, PageReader, PageWriter
from vividshift.web.domain_choice import choose_domain, remember_choice
from vividshift.web.forms import (
    FieldErrors,
    checked,
    optional,
    pydantic_errors,
    service_errors,
    text,
)
from vividshift.web.idempotency import earlier_result, form_key, new_key, readable, run_once
from vividshift.web.render import readable_details, redirect, render
from vividshift.web.runs import candidate_dates, split_runs, today_in, zone_of

router = APIRouter(tags=["web"], include_in_schema=False)

MAX_PEOPLE_SCAN = 500
CURRENT_SCAN = 20  # active runs dated up to the latest possible today, newest first
UPCOMING_SCAN = 100  # active runs dated from the earliest possible tomorrow


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
    """The participants that are me: linked to my account (never an email match)."""
    return await me.my_participant_ids(db, principal)


async def _domains(db: Connection, principal: Principal) -> list[Any]:
    """Every domain the caller sees, active or not (inactive ones still date their runs)."""
    page = await domains.list_domains(
        db, principal, active_only=False, sort=Sort("name", False), page=PageParams(200)
    )
    return page.items


async def current_and_upcoming(
    db: Connection,
    principal: Principal,
    domain_list: list[Any],
    now: datetime,
    domain: str | None = None,
) -> tuple[Any | None, list[Any]]:
    """The current active run and the upcoming ones (see `vividshift.web.runs`), of
    `domain` (name or id) or of every domain the caller sees."""
    latest_current, earliest_upcoming = candidate_dates(now)
    seen: dict[UUID, Any] = {}
    for window in (
        {"date_from": None, "date_to": latest_current, "limit": CURRENT_SCAN},
        {"date_from": earliest_upcoming, "date_to": None, "limit": UPCOMING_SCAN},
    ):
        listed = await assignments.list_assignments(
            db, principal, status="active", strategy=None, domain=domain, offset=0, **window
        )
        seen |= {run.id: run for run in listed.items}
    zones = {d.name: zone_of(d.configuration) for d in domain_list}
    return split_runs(seen.values(), zones, now)


async def dashboard_page(
    request: Request,
    db: Connection,
    principal: Principal,
    status_code: int = 200,
    asked: str | None = None,
    **extra: Any,
) -> Response:
    choice = await choose_domain(request, db, principal, asked)
    domain_list = await _domains(db, principal)
    current, upcoming = await current_and_upcoming(
        db, principal, domain_list, datetime.now(UTC), str(choice.id)
    )
    run = await assignments.get_assignment(db, principal, current.id) if current else None
    mine = await my_participant_ids(db, principal) if run else set()
    active_domains = [d for d in domain_list if d.is_active]
    schedules = []
    for d in [d for d in active_domains if d.id == choice.id]:
        entry: dict[str, Any] = {"domain": d, "schedule": None, "next": None}
        if stored_object(d.configuration).get("schedule") is not None:
            view = await schedule_service.view(db, principal, d.id, 1)
            entry |= {"schedule": view, "next": view.next_runs[0] if view.next_runs else None}
        schedules.append(entry)
    context: dict[str, Any] = {
        "run": run,
        "upcoming": upcoming,
        "groups": by_target(run) if run else [],
        "mine": mine,
        "my_details": [d for d in run.details if d.participant_id in mine] if run else [],
        "schedules": schedules,
        "balances": await my_balances(db, principal),
        "strategies": rules.strategy_names(),
        "domains": active_domains,
        "values": {
            # Today where the house is, not in UTC: early morning in Auckland is still
            # yesterday in UTC.
            "assignment_date": today_in(zone_of(choice.current.configuration)).isoformat(),
            "domain": choice.current.name,
        },
        "choice": choice,
        "errors": {},
        "preview": None,
        "failures": [],
        "problem": None,
        "save_key": None,
        "offer_forced_save": False,
    } | extra
    response = render(request, "dashboard.html", status_code, **context)
    return remember_choice(request, response, choice)


@router.get("/")
async def dashboard(request: Request, user: PageReader, db: Db, domain: str = "") -> Response:
    """The current rotation of one house, my tasks, its schedule; generate (writers)."""
    return await dashboard_page(request, db, user, asked=domain or None)


GENERATE_FIELDS = ("strategy", "domain", "assignment_date", "name", "seed")
ALREADY_SAVED = "This rotation was already saved."


def _generate_request(form: FormData, errors: FieldErrors, force: bool) -> GenerateRequest | None:
    values: dict[str, Any] = {key: optional(form, key) for key in GENERATE_FIELDS}
    body = {k: v for k, v in values.items() if v is not None} | {"force": force}
    try:
        return GenerateRequest.model_validate(body)
    except ValidationError as exc:
        errors.update(pydantic_errors(exc))
        return None


def blocking_failures(validation_results: Any) -> list[dict[str, Any]]:
    """The error-level validations that failed: a run with any is not saved (unless an
    admin forces it)."""
    return [
        r
        for r in validation_results or []
        if isinstance(r, dict) and r.get("severity") == "error" and not r.get("passed")
    ]


async def _active_run_id(db: Connection, principal: Principal, exc: AppError) -> str | None:
    """The run a 409 names as the (domain, date)'s active one, else the one there is."""
    details = exc.details if isinstance(exc.details, dict) else {}
    if isinstance(details.get("active_run"), str):
        return details["active_run"]
    try:
        on = date.fromisoformat(str(details.get("assignment_date")))
    except ValueError:
        return None
    domain = details.get("domain")
    listed = await assignments.list_assignments(
        db,
        principal,
        date_from=on,
        date_to=on,
        status="active",
        strategy=None,
        domain=domain,
        limit=20,
        offset=0,
    )
    found = [r for r in listed.items if r.configuration.get("domain") == domain]
    return str(found[0].id) if found else None


async def _problem(db: Connection, principal: Principal, exc: AppError) -> dict[str, Any]:
    """What the page says about a failed preview or save."""
    exc = readable(exc)
    if isinstance(exc, Conflict):
        run_id = await _active_run_id(db, principal, exc)
        if run_id is not None:
            return {
                "message": "There is already an active rotation for this domain on that date, "
                "so nothing was saved. Open it to complete or cancel it, then generate again.",
                "lines": [],
                "link": {"href": f"/rotations/{run_id}", "text": "Open the active rotation"},
            }
    if isinstance(exc.details, dict) and "validation_results" in exc.details:
        return {
            "message": "This rotation breaks a rule, so it was not saved.",
            "lines": readable_details(exc.details),
        }
    return {"message": exc.message, "lines": readable_details(exc.details)}


@router.post("/generate")
async def generate(request: Request, user: PageWriter, db: Db, form: Form) -> Response:
    """Preview a rotation (nothing is saved) or generate and save it."""
    values = {key: text(form, key) for key in GENERATE_FIELDS}
    force = checked(form, "force")
    if force and user.role != "admin":
        raise Forbidden("Only an admin may save a rotation that breaks a rule.")
    errors: FieldErrors = {}
    body = _generate_request(form, errors, force)
    if body is None:
        return await dashboard_page(request, db, user, 422, values=values, errors=errors)
    save_key = form_key(form) or new_key()
    try:
        if text(form, "action") == "preview":
            saved = await earlier_result(
                db,
                form,
                user_id=user.id,
                scope=generation.GENERATE_SCOPE,
                body=body,
                model=GenerateResponse,
            )
            if saved is not None:  # the preview sent again after its save (back button)
                return redirect(request, f"/rotations/{saved.id}", flash=ALREADY_SAVED)
            result = await generation.preview(db, user, body)
            return await dashboard_page(
                request,
                db,
                user,
                values=values,
                preview=result,
                failures=blocking_failures(result.metadata.get("validation_results")),
                save_key=save_key,
            )
        result, replayed = await run_once(
            db,
            form,
            user_id=user.id,
            scope=generation.GENERATE_SCOPE,
            body=body,
            model=GenerateResponse,
            create=lambda: generation.generate(db, user, body),
        )
    except AppError as exc:
        failed = isinstance(exc.details, dict) and bool(
            blocking_failures(exc.details.get("validation_results"))
        )
        return await dashboard_page(
            request,
            db,
            user,
            exc.status_code,
            values=values,
            errors=service_errors(exc),
            problem=await _problem(db, user, exc),
            save_key=save_key,
            offer_forced_save=failed and user.role == "admin",
        )
    flash = ALREADY_SAVED if replayed else "The rotation was generated."
    return redirect(request, f"/rotations/{result.id}", flash=flash)
