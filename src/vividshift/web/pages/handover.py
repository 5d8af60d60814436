"""Swaps and covers on the web: a place's page (ask for cover or a swap, "who else could
do this?"), and the requests page (take one in one click, approve or refuse, cancel).
The pages call the fair-share services; their refusals show as page messages."""

from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request
from pydantic import ValidationError
from starlette.responses import Response

from vividshift.auth.deps import Principal
from vividshift.db import Connection, Db
from vividshift.errors import AppError
from vividshift.fairshare import inbox, requests
from vividshift.fairshare.schemas import PlaceRequestAccept, PlaceRequestCreate
from vividshift.web.deps import Form, PageReader, PageWriter
from vividshift.web.forms import optional, pydantic_errors
from vividshift.web.render import readable_details, redirect, render

router = APIRouter(tags=["web"], include_in_schema=False)
PLACE = "/rotations/{assignment_id}/places/{detail_id}"


def _problem(exc: AppError) -> dict[str, Any]:
    """The service's refusal, with the hard rules it names spelled out."""
    details = exc.details if isinstance(exc.details, dict) else {}
    rules = details.get("rules") or []
    lines = [f"Rule: {rule}" for rule in rules] or readable_details(exc.details)
    return {"message": exc.message, "lines": lines}


async def _place_page(
    request: Request,
    db: Connection,
    user: Principal,
    assignment_id: UUID,
    detail_id: UUID,
    status_code: int = 200,
    **extra: Any,
) -> Response:
    view = await inbox.place_view(db, user, assignment_id, detail_id)
    context = {"view": view, "problem": None, "values": {}} | extra
    return render(request, "place.html", status_code, **context)


@router.get(PLACE)
async def place_page(
    request: Request, assignment_id: UUID, detail_id: UUID, user: PageReader, db: Db
) -> Response:
    """One place: ask for cover or a swap, and who else could do it."""
    return await _place_page(request, db, user, assignment_id, detail_id)


@router.post(PLACE + "/ask")
async def ask(
    request: Request, assignment_id: UUID, detail_id: UUID, user: PageWriter, db: Db, form: Form
) -> Response:
    """Ask a named person, or anyone who can, to cover or swap my place."""
    values = {
        "kind": optional(form, "kind"),
        "participant_id": optional(form, "participant_id"),
        "note": optional(form, "note"),
    }
    try:
        body = PlaceRequestCreate.model_validate({k: v for k, v in values.items() if v})
    except ValidationError as exc:
        errors = pydantic_errors(exc)
        problem = {"message": "Please check the form", "lines": list(errors.values())}
        return await _place_page(
            request, db, user, assignment_id, detail_id, 422, problem=problem, values=values
        )
    try:
        await requests.ask(db, user, assignment_id, detail_id, body)
    except AppError as exc:
        return await _place_page(
            request,
            db,
            user,
            assignment_id,
            detail_id,
            exc.status_code,
            problem=_problem(exc),
            values=values,
        )
    who = "anyone who can" if body.participant_id is None else "the person you chose"
    return redirect(
        request,
        f"/rotations/{assignment_id}/places/{detail_id}",
        flash=f"Asked {who} to {'cover' if body.kind == 'cover' else 'swap'} this place.",
    )


async def _requests_page(
    request: Request, db: Connection, user: Principal, status_code: int = 200, **extra: Any
) -> Response:
    box = await inbox.inbox(db, user)
    return render(request, "requests.html", status_code, **({"box": box, "problem": None} | extra))


@router.get("/requests")
async def requests_page(request: Request, user: PageReader, db: Db) -> Response:
    """Swaps and covers: requests I can take, mine, and those awaiting my approval."""
    return await _requests_page(request, db, user)


@router.post("/requests/{request_id}/accept")
async def accept(
    request: Request, request_id: UUID, user: PageWriter, db: Db, form: Form
) -> Response:
    """Take a place someone asked to hand over (for a swap, giving one of mine)."""
    try:
        body = PlaceRequestAccept.model_validate({"detail_id": optional(form, "detail_id")})
    except ValidationError as exc:
        problem = {"message": "Please check the form", "lines": list(pydantic_errors(exc).values())}
        return await _requests_page(request, db, user, 422, problem=problem)
    try:
        taken = await requests.accept(db, user, request_id, body)
    except AppError as exc:
        return await _requests_page(request, db, user, exc.status_code, problem=_problem(exc))
    flash = (
        "Taken: the place is yours."
        if taken.status == "done"
        else "Accepted: it waits for a manager's approval."
    )
    return redirect(request, "/requests", flash=flash)


async def _decide(
    request: Request, db: Connection, user: Principal, request_id: UUID, decision: str, done: str
) -> Response:
    try:
        await requests.decide(db, user, request_id, decision)
    except AppError as exc:
        return await _requests_page(request, db, user, exc.status_code, problem=_problem(exc))
    return redirect(request, "/requests", flash=done)


@router.post("/requests/{request_id}/approve")
async def approve(
    request: Request, request_id: UUID, user: PageWriter, db: Db, form: Form
) -> Response:
    """Approve an accepted swap or cover (managers): the place moves."""
    del form  # checked for its CSRF token only
    return await _decide(request, db, user, request_id, "approve", "Approved: the place moved.")


@router.post("/requests/{request_id}/refuse")
async def refuse(
    request: Request, request_id: UUID, user: PageWriter, db: Db, form: Form
) -> Response:
    """Refuse an accepted swap or cover (managers): the place stays."""
    del form
    return await _decide(request, db, user, request_id, "refuse", "Refused: the place stays.")


@router.post("/requests/{request_id}/cancel")
async def cancel(
    request: Request, request_id: UUID, user: PageWriter, db: Db, form: Form
) -> Response:
    """Withdraw my request (or, as a manager, anyone's)."""
    del form
    return await _decide(request, db, user, request_id, "cancel", "Request withdrawn.")
