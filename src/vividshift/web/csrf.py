"""CSRF protection of every form that changes something.

Signed-in forms carry a token bound to the session: HMAC-SHA256 (under the app's signing
key, with its own label) of the `user_sessions` id, so it is valid exactly as long as
the session and useless to anyone who cannot read our pages. The sign-in form has no
session yet: it gets a random nonce in an HttpOnly, SameSite=Lax cookie and a token
derived from that nonce (a signed double submit). A form whose token is missing or wrong
is refused with a readable 403 page before any service runs.

Requests authenticated by an `Authorization: Bearer` header carry no ambient credential
and are not checked (a cross-site page cannot add that header).
"""

import hashlib
import hmac
import secrets
from collections.abc import AsyncIterator

from fastapi import Request
from starlette.datastructures import FormData
from starlette.responses import Response

from vividshift.errors import AppError, Forbidden
from vividshift.web.session import is_https

NONCE_COOKIE = "vividshift_csrf"
FIELD = "csrf_token"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
MAX_FIELDS = 1000


class CsrfRefused(Forbidden):
    """A form without a valid CSRF token."""


class NotAForm(AppError):
    status_code = 415
    code = "VALIDATION_ERROR"


def _sign(request: Request, label: str, value: str) -> str:
    key: bytes = request.app.state.jwt_key
    message = f"vividshift-csrf|{label}|{value}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def _nonce(request: Request) -> str:
    nonce = getattr(request.state, "csrf_nonce", None) or request.cookies.get(NONCE_COOKIE)
    if not nonce or len(nonce) > 100:
        nonce = secrets.token_urlsafe(32)
        request.state.new_csrf_nonce = nonce
    request.state.csrf_nonce = nonce
    return nonce


def csrf_token(request: Request) -> str:
    """The token the forms of this page must send back."""
    principal = getattr(request.state, "web_principal", None)
    if principal is not None:
        return _sign(request, "session", str(principal.session_id))
    return _sign(request, "anonymous", _nonce(request))


def _expected(request: Request) -> str | None:
    principal = getattr(request.state, "web_principal", None)
    if principal is not None:
        return _sign(request, "session", str(principal.session_id))
    nonce = request.cookies.get(NONCE_COOKIE)
    return _sign(request, "anonymous", nonce) if nonce else None


def apply_nonce_cookie(request: Request, response: Response) -> None:
    nonce = getattr(request.state, "new_csrf_nonce", None)
    if nonce:
        response.set_cookie(
            NONCE_COOKIE, nonce, httponly=True, secure=is_https(request), samesite="lax", path="/"
        )


async def checked_form(request: Request) -> AsyncIterator[FormData]:
    """The posted form, once its CSRF token is verified (415 when it is not a form)."""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media not in FORM_TYPES:
        raise NotAForm("Expected a form post", details="send the page's own form")
    form = await request.form(max_fields=MAX_FIELDS, max_files=1)
    try:
        if getattr(request.state, "web_via", None) != "bearer":
            sent = form.get(FIELD)
            expected = _expected(request)
            if not (
                isinstance(sent, str)
                and expected is not None
                and hmac.compare_digest(sent.encode(), expected.encode())
            ):
                raise CsrfRefused(
                    "This form could not be accepted: it has expired or did not come from "
                    "this site. Go back, reload the page and try again."
                )
        yield form
    finally:
        await form.close()
