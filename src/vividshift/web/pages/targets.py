"""Tasks (assignment targets): search and skill filter, create/edit/deactivate, required
skills as tags, excluded groups and repeat window, CSV import."""

import json
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request
from pydantic import ValidationError
from starlette.datastructures import FormData
from starlette.responses import Response

from vividshift.auth.deps import Principal
from vividshift.db import Connection, Db
from vividshift.errors import AppError
from vividshift.http.paging import Sort
from vividshift.stored_json import stored_list
from vividshift.targets import service
from vividshift.targets.schemas import TargetCreate, TargetUpdate
from vividshift.web.deps import Form, PageReader, PageWriter
from vividshift.web.domain_choice import choose_domain, remember_choice, remember_domain
from vividshift.web.forms import (
    FieldErrors,
    checked,
    json_object,
    optional,
    pydantic_errors,
    service_errors,
    tags,
    text,
)
from vividshift.web.idempotency import form_key, readable
from vividshift.web.render import redirect, render
from vividshift.web.resource_pages import import_report, list_window, read_csv_rows, render_list

router = APIRouter(tags=["web"], include_in_schema=False)

FIELDS = (
    "name",
    "description",
    "required_count",
    "required_skills",
    "excluded_groups",
    "no_repeat_window",
    "metadata",
)


async def tasks_list(
    request: Request,
    db: Connection,
    user: Principal,
    status_code: int = 200,
    *,
    q: str = "",
    skill: str = "",
    inactive: bool = False,
    page: int = 1,
    report: dict[str, Any] | None = None,
    domain: str | None = None,
) -> Response:
    choice = await choose_domain(request, db, user, domain)
    page, rows = list_window(page)
    result = await service.list_targets(
        db,
        user,
        active_only=not inactive,
        requires_skill=skill[:100] or None,
        name_contains=q[:200] or None,
        sort=Sort("name", False),
        page=rows,
        domain=choice.id,
    )
    response = render_list(
        request,
        "tasks.html",
        status_code,
        result,
        values={"q": q, "skill": skill, "inactive": inactive},
        page=page,
        report=report,
        choice=choice,
    )
    return remember_choice(request, response, choice)


@router.get("/tasks")
async def tasks(
    request: Request,
    user: PageReader,
    db: Db,
    q: str = "",
    skill: str = "",
    inactive: bool = False,
    page: int = 1,
    domain: str = "",
) -> Response:
    """The tasks of one house, searchable by name and filterable by required skill."""
    return await tasks_list(
        request, db, user, q=q, skill=skill, inactive=inactive, page=page, domain=domain or None
    )


def _form_values(task: Any | None) -> dict[str, Any]:
    if task is None:
        return {"required_count": "1", "is_active": True}
    constraints = dict(task.constraints)
    groups = [str(g) for g in stored_list(constraints.pop("excluded_groups", None))]
    window = constraints.pop("no_repeat_window", None)
    return {
        "name": task.name,
        "description": task.description or "",
        "required_count": str(task.required_count),
        "required_skills": ", ".join(task.required_skills),
        "excluded_groups": ", ".join(groups),
        "no_repeat_window": "" if window is None else str(window),
        "metadata": json.dumps(task.metadata, indent=2) if task.metadata else "",
        "is_active": task.is_active,
    }


def _body(form: FormData, current: Any | None, errors: FieldErrors) -> dict[str, Any]:
    constraints: dict[str, Any] = dict(current.constraints) if current else {}
    groups = tags(form, "excluded_groups")
    if groups:
        constraints["excluded_groups"] = groups
    else:
        constraints.pop("excluded_groups", None)
    window = text(form, "no_repeat_window")
    if window:
        if window.isdigit():
            constraints["no_repeat_window"] = int(window)
        else:
            errors["no_repeat_window"] = "Enter a whole number of runs, or leave it empty."
    else:
        constraints.pop("no_repeat_window", None)
    return {
        "name": text(form, "name"),
        "description": optional(form, "description"),
        "required_count": text(form, "required_count") or "1",
        "required_skills": tags(form, "required_skills"),
        "constraints": constraints,
        "metadata": json_object(form, "metadata", errors),
        "is_active": checked(form, "is_active"),
    }


def task_form(
    request: Request,
    task: Any | None,
    values: dict[str, Any],
    errors: FieldErrors,
    status_code: int = 200,
    problem: str | None = None,
) -> Response:
    return render(
        request,
        "task_form.html",
        status_code,
        task=task,
        values=values,
        errors=errors,
        problem=problem,
    )


@router.get("/tasks/new")
async def new_task(request: Request, user: PageWriter, db: Db, domain: str = "") -> Response:
    """The form for a new task, in the house shown."""
    choice = await choose_domain(request, db, user, domain or None)
    values = _form_values(None) | {"domain": choice.current.name}
    return task_form(request, None, values, {})


async def _save(
    request: Request, db: Connection, user: Principal, form: FormData, task: Any | None
) -> Response:
    errors: FieldErrors = {}
    body = _body(form, task, errors)
    values: dict[str, Any] = {k: text(form, k) for k in (*FIELDS, "domain")}
    values["is_active"] = checked(form, "is_active")
    model: Any = TargetUpdate if task else TargetCreate
    if task is None and values["domain"]:
        body["domain"] = values["domain"]
    try:
        parsed = model.model_validate(body)
    except ValidationError as exc:
        errors = pydantic_errors(exc, {"constraints": "no_repeat_window"}) | errors
    if errors:
        return task_form(request, task, values, errors, 422)
    try:
        if task is None:
            saved, _ = await service.create_target(db, user, parsed, idempotency_key=form_key(form))
        else:
            saved = await service.patch_target(db, user, task.id, parsed)
    except AppError as exc:
        return task_form(
            request, task, values, service_errors(exc), exc.status_code, readable(exc).message
        )
    response = redirect(request, "/tasks", flash=f"Saved {saved.name}.")
    return remember_domain(request, response, saved.domain_id)


@router.post("/tasks")
async def create_task(request: Request, user: PageWriter, db: Db, form: Form) -> Response:
    """Create a task."""
    return await _save(request, db, user, form, None)


@router.post("/tasks/import")
async def import_tasks(request: Request, user: PageWriter, db: Db, form: Form) -> Response:
    """Import tasks from a CSV file, all or nothing, with a row-by-row report."""
    try:
        rows = await read_csv_rows(
            form,
            list_fields=frozenset({"required_skills"}),
            json_fields=frozenset({"constraints", "metadata"}),
        )
        result, _ = await service.import_targets(
            db, user, rows, domain=text(form, "domain") or None, idempotency_key=form_key(form)
        )
    except AppError as exc:
        return await tasks_list(
            request, db, user, exc.status_code, report=import_report(readable(exc))
        )
    return redirect(request, "/tasks", flash=f"Imported {result.created} tasks.")


@router.get("/tasks/{target_id}")
async def task(request: Request, target_id: UUID, user: PageReader, db: Db) -> Response:
    """One task (an edit form for users and admins)."""
    found = await service.get_target(db, user, target_id)
    return task_form(request, found, _form_values(found), {})


@router.post("/tasks/{target_id}")
async def update_task(
    request: Request, target_id: UUID, user: PageWriter, db: Db, form: Form
) -> Response:
    """Save changes to a task."""
    found = await service.get_target(db, user, target_id)
    return await _save(request, db, user, form, found)


@router.post("/tasks/{target_id}/deactivate")
async def deactivate_task(
    request: Request, target_id: UUID, user: PageWriter, db: Db, form: Form
) -> Response:
    """Mark a task inactive (kept for history)."""
    found = await service.get_target(db, user, target_id)
    await service.deactivate_target(db, user, target_id)
    return redirect(request, "/tasks", flash=f"{found.name} is now inactive.")
