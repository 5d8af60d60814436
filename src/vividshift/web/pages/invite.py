"""The page an invitation link opens: sign in (or register) and accept it.

Signed in, one button accepts it; otherwise the page offers sign-in (coming back here)
and, unless registration is closed, a form that makes the account and accepts the
invitation in one go (allowed also when VIVIDSHIFT_REGISTRATION=invite: that is what
the token is for), then signs the new account in. A used, revoked or expired link shows
the 410 page; an unknown one the 404 page.
"""

from typing import Any

from fastapi import APIRouter, Request
from pydantic import TypeAdapter, ValidationError
from starlette.responses import Response

from vividshift.auth import service as auth_service
from vividshift.auth.deps import Public
from vividshift.auth.routes import client_info
from vividshift.auth.schemas import Email, Username
from vividshift.db import Connection, Db
from vividshift.errors import AppError
from vividshift.invitations import service as invitations
from vividshift.registration import service as registration
from vividshift.web.deps import Form, SignedIn, optional_user
from vividshift.web.domain_choice import remember_domain
from vividshift.web.forms import text
from vividshift.web.idempotency import readable
from vividshift.web.render import redirect, render

router = APIRouter(tags=["web"], include_in_schema=False)


async def invite_page(
    request: Request,
    db: Connection,
    token: str,
    status_code: int = 200,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
) -> Response:
    invitation = await invitations.preview(db, token)
    user = await optional_user(request, db)
    return render(
        request,
        "invite.html",
        status_code,
        invitation=invitation,
        token=token,
        signed_in=user is not None,
        can_register=request.app.state.settings.registration != "closed",
        values=values or {"email": invitation.email or ""},
        errors=errors or {},
    )


@router.get("/invite/{token}", dependencies=[Public])
async def invitation(request: Request, token: str, db: Db) -> Response:
    """What the invitation is to, with accept (signed in) or sign in / register."""
    return await invite_page(request, db, token[:200])


@router.post("/invite/{token}")
async def accept(request: Request, token: str, user: SignedIn, db: Db, form: Form) -> Response:
    """Accept the invitation as the signed-in user."""
    accepted = await invitations.accept(db, user, token[:200])
    response = redirect(request, "/", flash="Welcome: you are in the house now.")
    return remember_domain(request, response, accepted.domain_id)


def _field_errors(values: dict[str, str]) -> dict[str, str]:
    errors: dict[str, str] = {}
    for field, kind in (("username", Username), ("email", Email)):
        try:
            TypeAdapter(kind).validate_python(values[field])
        except ValidationError as exc:
            errors[field] = str(exc.errors()[0]["msg"]).removeprefix("value is not a valid ")
    if not values["password"]:
        errors["password"] = "Choose a password."
    return errors


@router.post("/invite/{token}/register", dependencies=[Public])
async def register(request: Request, token: str, db: Db, form: Form) -> Response:
    """Make an account with the invitation, accept it, and sign in."""
    token = token[:200]
    values = {k: text(form, k) for k in ("username", "email")} | {
        "password": str(form.get("password") or "")
    }
    errors = _field_errors(values)
    shown = {k: values[k] for k in ("username", "email")}
    if errors:
        return await invite_page(request, db, token, 422, values=shown, errors=errors)
    app = request.app
    try:
        user, accepted = await registration.register(
            db,
            app.state.settings,
            username=values["username"],
            email=values["email"],
            password=values["password"],
            invitation_token=token,
            client=client_info(request),
        )
    except AppError as exc:
        if exc.status_code in (404, 410):
            raise
        failure = readable(exc)
        lines = [
            str(d.get("msg", d)) if isinstance(d, dict) else str(d)
            for d in (failure.details if isinstance(failure.details, list) else [])
        ]
        errors = {"form": " ".join([failure.message, *lines])}
        return await invite_page(request, db, token, exc.status_code, values=shown, errors=errors)
    request.state.new_session = await auth_service.open_session(
        db,
        app.state.settings,
        app.state.jwt_key,
        auth_service.token_user(user),
        client_info(request),
    )
    response = redirect(request, "/", flash="Welcome: your account is ready.")
    return remember_domain(request, response, accepted.domain_id) if accepted else response
