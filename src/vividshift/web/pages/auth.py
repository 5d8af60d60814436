"""Sign in and sign out: the API's own accounts and sessions, in a cookie."""

from fastapi import APIRouter, Request
from starlette.responses import Response

from vividshift.auth import service as auth_service
from vividshift.auth.deps import Public
from vividshift.auth.routes import client_info
from vividshift.db import Db
from vividshift.errors import RateLimited, Unauthorized
from vividshift.web.deps import Form, SignedIn, optional_user
from vividshift.web.forms import text
from vividshift.web.render import redirect, render, safe_next

router = APIRouter(tags=["web"], include_in_schema=False)


@router.get("/login", dependencies=[Public])
async def sign_in_page(request: Request, db: Db, next: str = "/") -> Response:
    """The sign-in form (a signed-in user goes straight on)."""
    if await optional_user(request, db) is not None:
        return redirect(request, safe_next(next))
    return render(request, "login.html", next=safe_next(next), errors={}, username="")


@router.post("/login", dependencies=[Public])
async def sign_in(request: Request, db: Db, form: Form) -> Response:
    """Check the credentials, open a session, set the cookie."""
    username, password = text(form, "username"), form.get("password")
    target = safe_next(text(form, "next"))
    errors: dict[str, str] = {}
    if not username:
        errors["username"] = "Enter your username or email."
    if not isinstance(password, str) or not password:
        errors["password"] = "Enter your password."
    if errors:
        return render(request, "login.html", 422, next=target, errors=errors, username=username)
    app = request.app
    try:
        issued = await auth_service.login(
            db,
            app.state.settings,
            app.state.jwt_key,
            login=username,
            password=str(password),
            client=client_info(request),
        )
    except Unauthorized:
        errors["form"] = "That username or password is not right."
        return render(request, "login.html", 401, next=target, errors=errors, username=username)
    except RateLimited as exc:
        errors["form"] = f"{exc.message}."
        return render(request, "login.html", 429, next=target, errors=errors, username=username)
    request.state.new_session = issued
    return redirect(request, target)


@router.post("/logout")
async def sign_out(request: Request, user: SignedIn, db: Db, form: Form) -> Response:
    """End this session (its `user_sessions` row) and clear the cookie."""
    await auth_service.logout(db, user)
    request.state.new_session = None
    request.state.clear_session = True
    return redirect(request, "/login", flash="You are signed out.")
