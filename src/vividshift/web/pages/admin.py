"""Admin: users (roles, deactivate, end sessions) and domain settings (default
strategy, validators, limits, business rules; the schedule when one is configured)."""

import json
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request
from pydantic import ValidationError
from starlette.datastructures import FormData
from starlette.responses import Response

from vividshift.auth.deps import ROLES
from vividshift.db import Connection, Db
from vividshift.domains import service as domains
from vividshift.domains.schemas import STRATEGIES, VALIDATORS, DomainCreate, DomainUpdate
from vividshift.errors import AppError
from vividshift.http.paging import PageParams, Sort
from vividshift.stored_json import stored_list, stored_object
from vividshift.users import service as users
from vividshift.web.deps import Form, PageAdmin
from vividshift.web.forms import (
    FieldErrors,
    checked,
    optional,
    service_errors,
    text,
    whole_number,
)
from vividshift.web.idempotency import form_key, readable
from vividshift.web.render import readable_details, redirect, render

router = APIRouter(prefix="/admin", tags=["web"], include_in_schema=False)

PAGE_SIZE = 50


# --- users ------------------------------------------------------------------------------


@router.get("/users")
async def user_list(request: Request, _: PageAdmin, db: Db, q: str = "", page: int = 1) -> Response:
    """Accounts with their roles, searchable."""
    page = min(max(page, 1), 10_000)
    rows, total = await users.list_users(
        db,
        search=q[:200] or None,
        role=None,
        is_active=None,
        limit=PAGE_SIZE,
        offset=(page - 1) * PAGE_SIZE,
    )
    return render(
        request,
        "admin_users.html",
        users=rows,
        total=total,
        q=q,
        roles=ROLES,
        page=page,
        pages=max(1, -(-total // PAGE_SIZE)),
    )


async def _user_action(request: Request, action: Any, done: str) -> Response:
    try:
        await action()
    except AppError as exc:
        lines = readable_details(exc.details)
        return redirect(request, "/admin/users", flash=" ".join([exc.message, *lines]))
    return redirect(request, "/admin/users", flash=done)


@router.post("/users/{user_id}/role")
async def set_role(
    request: Request, user_id: UUID, admin: PageAdmin, db: Db, form: Form
) -> Response:
    """Change a user's role (applies from their next request)."""
    role = text(form, "role")
    if role not in ROLES:
        return redirect(request, "/admin/users", flash="Choose one of the listed roles.")
    return await _user_action(
        request, lambda: users.set_role(db, admin.id, user_id, role), f"Role set to {role}."
    )


@router.post("/users/{user_id}/deactivate")
async def deactivate_user(
    request: Request, user_id: UUID, admin: PageAdmin, db: Db, form: Form
) -> Response:
    """Deactivate a user and end their sessions."""
    return await _user_action(
        request, lambda: users.deactivate(db, admin.id, user_id), "The user was deactivated."
    )


@router.post("/users/{user_id}/reactivate")
async def reactivate_user(
    request: Request, user_id: UUID, admin: PageAdmin, db: Db, form: Form
) -> Response:
    """Let a deactivated user sign in again."""
    return await _user_action(
        request, lambda: users.reactivate(db, admin.id, user_id), "The user was reactivated."
    )


@router.post("/users/{user_id}/end-sessions")
async def end_sessions(
    request: Request, user_id: UUID, admin: PageAdmin, db: Db, form: Form
) -> Response:
    """End every session of a user."""
    return await _user_action(
        request, lambda: users.end_sessions(db, admin.id, user_id), "Their sessions were ended."
    )


# --- domains ----------------------------------------------------------------------------


async def domain_list_page(
    request: Request, db: Connection, status_code: int = 200, **extra: Any
) -> Response:
    page = await domains.list_domains(
        db, None, active_only=False, sort=Sort("name", False), page=PageParams(200)
    )
    context = {"domains": page.items, "values": {}, "errors": {}, "problem": None} | extra
    return render(request, "admin_domains.html", status_code, **context)


@router.get("/domains")
async def domain_list(request: Request, _: PageAdmin, db: Db) -> Response:
    """Domains, with a form for a new one."""
    return await domain_list_page(request, db)


def _field_of(loc: list[str]) -> str:
    """Where a domain validation error is shown (the form's field names)."""
    if not loc:
        return "form"
    if loc[0] == "configuration" and len(loc) > 1:
        if loc[1] == "constraints":
            return "max_assignments_per_participant"
        return {"strategy_parameters": "strategy_parameters"}.get(loc[1], loc[1])
    return loc[0]


def _domain_errors(exc: ValidationError) -> FieldErrors:
    errors: FieldErrors = {}
    for err in exc.errors(include_url=False):
        loc = [str(p) for p in err.get("loc", ())]
        message = str(err.get("msg", "invalid")).removeprefix("Value error, ")
        where = ".".join(loc[1:]) if loc and loc[0] == "business_rules" else ""
        errors.setdefault(_field_of(loc), f"{where}: {message}" if where else message)
    return errors


@router.post("/domains")
async def create_domain(request: Request, admin: PageAdmin, db: Db, form: Form) -> Response:
    """Create a domain."""
    values = {"name": text(form, "name"), "display_name": text(form, "display_name")}
    try:
        body = DomainCreate.model_validate({k: v for k, v in values.items() if v})
    except ValidationError as exc:
        return await domain_list_page(request, db, 422, values=values, errors=_domain_errors(exc))
    try:
        created, _ = await domains.create_domain(db, admin, body, idempotency_key=form_key(form))
    except AppError as exc:
        errors = service_errors(exc) or {"name": readable(exc).message}
        return await domain_list_page(request, db, exc.status_code, values=values, errors=errors)
    return redirect(request, f"/admin/domains/{created.id}", flash="The domain was created.")


def _domain_values(domain: Any) -> dict[str, Any]:
    config = stored_object(domain.configuration)
    return {
        "display_name": domain.display_name,
        "description": domain.description or "",
        "default_strategy": config.get("default_strategy") or "",
        "validators": [v.get("name") for v in config.get("validators") or []],
        "max_assignments_per_participant": str(
            (config.get("constraints") or {}).get("max_assignments_per_participant") or ""
        ),
        "strategy_parameters": json.dumps(config.get("strategy_parameters") or {}, indent=2),
        "business_rules": json.dumps(stored_list(domain.business_rules), indent=2),
        "is_active": domain.is_active,
    }


def domain_form(
    request: Request,
    domain: Any,
    values: dict[str, Any],
    errors: FieldErrors,
    status_code: int = 200,
    problem: str | None = None,
) -> Response:
    return render(
        request,
        "domain_form.html",
        status_code,
        domain=domain,
        values=values,
        errors=errors,
        problem=problem,
        strategies=STRATEGIES,
        validator_names=VALIDATORS,
        schedule=stored_object(domain.configuration).get("schedule"),
    )


@router.get("/domains/{domain_id}")
async def domain(request: Request, domain_id: UUID, admin: PageAdmin, db: Db) -> Response:
    """A domain's settings."""
    found = await domains.get_domain(db, admin, domain_id)
    return domain_form(request, found, _domain_values(found), {})


def _parse_json(form: FormData, name: str, kind: type, errors: FieldErrors) -> Any:
    raw = text(form, name)
    if not raw:
        return kind()
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as exc:
        errors[name] = f"Not valid JSON: {exc.msg} (line {exc.lineno})"
        return kind()
    except RecursionError:
        errors[name] = "Too deeply nested"
        return kind()
    if not isinstance(value, kind):
        errors[name] = f"Expected a JSON {'list' if kind is list else 'object'}."
        return kind()
    return value


@router.post("/domains/{domain_id}")
async def update_domain(
    request: Request, domain_id: UUID, admin: PageAdmin, db: Db, form: Form
) -> Response:
    """Save a domain's settings (validated by the domain schema)."""
    found = await domains.get_domain(db, admin, domain_id)
    errors: FieldErrors = {}
    config = dict(stored_object(found.configuration))
    strategy = optional(form, "default_strategy")
    if strategy:
        config["default_strategy"] = strategy
    else:
        config.pop("default_strategy", None)
    chosen = [v for v in form.getlist("validators") if isinstance(v, str)]
    existing = {v.get("name"): v for v in config.get("validators") or []}
    config["validators"] = [existing.get(name) or {"name": name} for name in chosen]
    limit = whole_number(form, "max_assignments_per_participant")
    constraints = dict(config.get("constraints") or {})
    if limit is not None:
        constraints["max_assignments_per_participant"] = limit
    else:
        constraints.pop("max_assignments_per_participant", None)
    config["constraints"] = constraints
    config["strategy_parameters"] = _parse_json(form, "strategy_parameters", dict, errors)
    rules = _parse_json(form, "business_rules", list, errors)
    values = {
        k: text(form, k)
        for k in (
            "display_name",
            "description",
            "default_strategy",
            "max_assignments_per_participant",
            "strategy_parameters",
            "business_rules",
        )
    } | {"validators": chosen, "is_active": checked(form, "is_active")}
    body = None
    try:
        body = DomainUpdate.model_validate(
            {
                "display_name": text(form, "display_name"),
                "description": optional(form, "description"),
                "is_active": checked(form, "is_active"),
                "configuration": config,
                "business_rules": rules,
            }
        )
    except ValidationError as exc:
        errors = _domain_errors(exc) | errors
    if errors or body is None:
        return domain_form(request, found, values, errors, 422)
    try:
        await domains.update_domain(db, admin, domain_id, body)
    except AppError as exc:
        return domain_form(
            request, found, values, service_errors(exc), exc.status_code, exc.message
        )
    return redirect(request, f"/admin/domains/{domain_id}", flash="The settings were saved.")
