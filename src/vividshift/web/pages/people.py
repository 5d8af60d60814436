"""People (participants): search and skill filter, create/edit/deactivate, skills as
tags, availability as a weekly grid, group and other details, CSV import."""

import json
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request
from pydantic import ValidationError
from starlette.datastructures import FormData
from starlette.responses import Response

from vividshift.auth.deps import Principal
from vividshift.db import Connection, Db
from vividshift.domains import service as domains
from vividshift.errors import AppError
from vividshift.http.paging import Sort
from vividshift.invitations import service as invitations
from vividshift.invitations.schemas import InvitationCreate
from vividshift.participants import service
from vividshift.participants.schemas import (
    WEEKDAYS,
    ParticipantCreate,
    ParticipantFilters,
    ParticipantUpdate,
)
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

SLOTS = (("9:00", "Morning"), ("13:00", "Afternoon"), ("18:00", "Evening"))
SLOT_CHOICES = ("", "available", "preferred", "unavailable")


def slot_field(day: str, slot: str) -> str:
    return f"avail_{day}_{slot.replace(':', '')}"


async def people_list(
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
    filters = ParticipantFilters(
        has_skill=skill[:100] or None, active_only=not inactive, name_contains=q[:200] or None
    )
    page, rows = list_window(page)
    result = await service.list_participants(
        db, user, filters, Sort("name", False), rows, domain=choice.id
    )
    response = render_list(
        request,
        "people.html",
        status_code,
        result,
        values={"q": q, "skill": skill, "inactive": inactive},
        page=page,
        report=report,
        choice=choice,
    )
    return remember_choice(request, response, choice)


@router.get("/people")
async def people(
    request: Request,
    user: PageReader,
    db: Db,
    q: str = "",
    skill: str = "",
    inactive: bool = False,
    page: int = 1,
    domain: str = "",
) -> Response:
    """The people of one house, searchable by name and filterable by skill."""
    return await people_list(
        request, db, user, q=q, skill=skill, inactive=inactive, page=page, domain=domain or None
    )


def _grid(availability: dict[str, Any]) -> dict[str, str]:
    return {
        slot_field(day, slot): (availability.get(day) or {}).get(slot, "")
        for day in WEEKDAYS
        for slot, _ in SLOTS
    }


def _form_values(person: Any | None) -> dict[str, Any]:
    if person is None:
        return {"is_active": True, "skills": "", "metadata": ""}
    metadata = dict(person.metadata)
    group = metadata.pop("group", "")
    return {
        "name": person.name,
        "email": person.email or "",
        "phone": person.phone or "",
        "skills": ", ".join(person.skills),
        "group": group if isinstance(group, str) else "",
        "metadata": "" if not metadata else json.dumps(metadata, indent=2),
        "is_active": person.is_active,
    } | _grid(person.availability)


def _body(form: FormData, current: Any | None, errors: FieldErrors) -> dict[str, Any]:
    """The participant fields from the form; slots outside the grid are kept, and so
    are the stored skills while the form names the same ones."""
    availability: dict[str, Any] = dict(current.availability) if current else {}
    for day in WEEKDAYS:
        slots = dict(availability.get(day) or {})
        for slot, _ in SLOTS:
            choice = text(form, slot_field(day, slot))
            if choice in SLOT_CHOICES[1:]:
                slots[slot] = choice
            elif choice == "":
                slots.pop(slot, None)
            else:
                errors["availability"] = f"{day} {slot}: choose one of the listed values"
        if slots:
            availability[day] = slots
        else:
            availability.pop(day, None)
    metadata = json_object(form, "metadata", errors)
    group = text(form, "group")
    if group:
        metadata["group"] = group
    skills = tags(form, "skills")
    body: dict[str, Any] = {
        "name": text(form, "name"),
        "email": optional(form, "email"),
        "phone": optional(form, "phone"),
        "skills": skills,
        "availability": availability,
        "metadata": metadata,
        "is_active": checked(form, "is_active"),
    }
    if current is not None and set(skills) == set(current.skills):
        # Unchanged: the stored skills stay as they are (with levels, where another
        # program stored them; the page shows names only).
        del body["skills"]
    return body


def person_form(
    request: Request,
    person: Any | None,
    values: dict[str, Any],
    errors: FieldErrors,
    status_code: int = 200,
    problem: str | None = None,
    **extra: Any,
) -> Response:
    return render(
        request,
        "person_form.html",
        status_code,
        **({"account": None, "invited": None, "domain": None} | extra),
        person=person,
        values=values,
        errors=errors,
        problem=problem,
        weekdays=WEEKDAYS,
        slots=SLOTS,
        slot_choices=SLOT_CHOICES,
        slot_field=slot_field,
    )


@router.get("/people/new")
async def new_person(request: Request, user: PageWriter, db: Db, domain: str = "") -> Response:
    """The form for a new person, in the house shown."""
    choice = await choose_domain(request, db, user, domain or None)
    values = _form_values(None) | {"domain": choice.current.name}
    return person_form(request, None, values, {}, domain=choice.current)


async def _save(
    request: Request, db: Connection, user: Principal, form: FormData, person: Any | None
) -> Response:
    errors: FieldErrors = {}
    body = _body(form, person, errors)
    values: dict[str, Any] = {
        k: text(form, k)
        for k in ("name", "email", "phone", "skills", "group", "metadata", "domain")
    }
    values |= {"is_active": checked(form, "is_active")} | {
        slot_field(d, s): text(form, slot_field(d, s)) for d in WEEKDAYS for s, _ in SLOTS
    }
    model: Any = ParticipantUpdate if person else ParticipantCreate
    if person is None and values["domain"]:
        body["domain"] = values["domain"]
    try:
        parsed = model.model_validate(body)
    except ValidationError as exc:
        errors = pydantic_errors(exc) | errors
    if errors:
        return person_form(request, person, values, errors, 422)
    try:
        if person is None:
            saved, _ = await service.create_participant(
                db, user, parsed, idempotency_key=form_key(form)
            )
        else:
            saved = await service.patch_participant(db, user, person.id, parsed)
    except AppError as exc:
        return person_form(
            request, person, values, service_errors(exc), exc.status_code, readable(exc).message
        )
    response = redirect(request, "/people", flash=f"Saved {saved.name}.")
    return remember_domain(request, response, saved.domain_id)


@router.post("/people")
async def create_person(request: Request, user: PageWriter, db: Db, form: Form) -> Response:
    """Create a person."""
    return await _save(request, db, user, form, None)


@router.post("/people/import")
async def import_people(request: Request, user: PageWriter, db: Db, form: Form) -> Response:
    """Import people from a CSV file, all or nothing, with a row-by-row report."""
    try:
        rows = await read_csv_rows(
            form,
            list_fields=frozenset({"skills"}),
            json_fields=frozenset({"availability", "preferences", "metadata"}),
        )
        result, _ = await service.import_participants(
            db, user, rows, domain=text(form, "domain") or None, idempotency_key=form_key(form)
        )
    except AppError as exc:
        return await people_list(
            request, db, user, exc.status_code, report=import_report(readable(exc))
        )
    return redirect(request, "/people", flash=f"Imported {result.created} people.")


async def _account_name(db: Connection, user: Principal, person: Any) -> str | None:
    """The username of the account linked to `person`, if any."""
    if person.user_id is None:
        return None
    members = await domains.list_members(db, user, person.domain_id)
    return next((m.username for m in members if m.user_id == person.user_id), None)


async def person_page(
    request: Request,
    db: Connection,
    user: Principal,
    participant_id: UUID,
    status_code: int = 200,
    **extra: Any,
) -> Response:
    found = await service.get_participant(db, user, participant_id)
    return person_form(
        request,
        found,
        _form_values(found),
        extra.pop("errors", {}),
        status_code,
        extra.pop("problem", None),
        account=await _account_name(db, user, found),
        **extra,
    )


@router.get("/people/{participant_id}")
async def person(request: Request, participant_id: UUID, user: PageReader, db: Db) -> Response:
    """One person (an edit form for users and admins; link or invite their account)."""
    return await person_page(request, db, user, participant_id)


@router.post("/people/{participant_id}/link")
async def link_account(
    request: Request, participant_id: UUID, user: PageWriter, db: Db, form: Form
) -> Response:
    """Manager: link the person to an existing account (by username)."""
    username = text(form, "username")[:50]
    if not username:
        errors = {"username": "Enter the username of the account."}
        return await person_page(request, db, user, participant_id, 422, errors=errors)
    try:
        linked = await service.link_account(db, user, participant_id, username)
    except AppError as exc:
        if exc.status_code == 404:
            raise
        failure = readable(exc)
        return await person_page(
            request, db, user, participant_id, exc.status_code, problem=failure.message
        )
    flash = f"{linked.name} is linked to {username}."
    return redirect(request, f"/people/{linked.id}", flash=flash)


@router.post("/people/{participant_id}/invite")
async def invite_account(
    request: Request, participant_id: UUID, user: PageWriter, db: Db, form: Form
) -> Response:
    """Manager: invite someone by email to be this person; the link is shown once."""
    found = await service.get_participant(db, user, participant_id)
    try:
        body = InvitationCreate.model_validate(
            {
                "email": text(form, "invite_email"),
                "role": text(form, "role") or "member",
                "participant_id": found.id,
            }
        )
    except ValidationError as exc:
        errors = pydantic_errors(exc, {"email": "invite_email", "role": "invite_email"})
        return await person_page(request, db, user, participant_id, 422, errors=errors)
    try:
        created = await invitations.create_invitation(
            db, user, found.domain_id, body, base_url=invitations.base_url(request)
        )
    except AppError as exc:
        if exc.status_code == 404:
            raise
        failure = readable(exc)
        return await person_page(
            request, db, user, participant_id, exc.status_code, problem=failure.message
        )
    return await person_page(request, db, user, participant_id, 201, invited=created)


@router.post("/people/{participant_id}")
async def update_person(
    request: Request, participant_id: UUID, user: PageWriter, db: Db, form: Form
) -> Response:
    """Save changes to a person."""
    found = await service.get_participant(db, user, participant_id)
    return await _save(request, db, user, form, found)


@router.post("/people/{participant_id}/deactivate")
async def deactivate_person(
    request: Request, participant_id: UUID, user: PageWriter, db: Db, form: Form
) -> Response:
    """Mark a person inactive (kept for history)."""
    found = await service.get_participant(db, user, participant_id)
    await service.deactivate_participant(db, user, participant_id)
    return redirect(request, "/people", flash=f"{found.name} is now inactive.")
