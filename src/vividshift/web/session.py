"""The page's session cookie: the API's own session, carried in one HttpOnly cookie.

The cookie holds the access and the refresh token of a `user_sessions` row opened by
`auth.service.login` (so sign-out, admin "end sessions", deactivation and role changes
apply to the page at once, exactly as to the API). Each request checks the access token
and the live session row; once the access token has expired, the refresh token is
rotated through `auth.service.refresh` (which also moves the idle timeout) and the new
pair is written back. Flags: HttpOnly, SameSite=Lax, Secure when the request came over
HTTPS, Path=/, no Max-Age (it ends with the browser; the row ends on its own clock).

A request that carries `Authorization: Bearer …` is served with that token instead (the
API's clients and the route-matrix test); such requests carry no ambient credential, so
they need no CSRF token.
"""

from typing import Any

from fastapi import Request
from fastapi.security import HTTPAuthorizationCredentials
from starlette.responses import Response

from vividshift.auth import queries as auth_queries
from vividshift.auth import service as auth_service
from vividshift.auth.deps import Principal, authenticate
from vividshift.auth.routes import client_info
from vividshift.auth.service import IssuedTokens
from vividshift.auth.tokens import decode_token
from vividshift.db import Connection
from vividshift.errors import Unauthorized
from vividshift.observability.context import bind_user_id

SESSION_COOKIE = "vividshift_session"
SEPARATOR = "~"  # never part of a JWT (base64url and dots)


def cookie_value(issued: IssuedTokens) -> str:
    return f"{issued.access_token}{SEPARATOR}{issued.refresh_token}"


def is_https(request: Request) -> bool:
    return request.url.scheme == "https"


def set_session_cookie(request: Request, response: Response, issued: IssuedTokens) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        cookie_value(issued),
        httponly=True,
        secure=is_https(request),
        samesite="lax",
        path="/",
    )


def clear_session_cookie(request: Request, response: Response) -> None:
    response.delete_cookie(
        SESSION_COOKIE, path="/", httponly=True, secure=is_https(request), samesite="lax"
    )


async def _from_bearer(request: Request, db: Connection, header: str) -> Principal:
    scheme, _, token = header.partition(" ")
    credentials = HTTPAuthorizationCredentials(scheme=scheme, credentials=token.strip())
    principal = await authenticate(request, db, credentials)
    request.state.web_via = "bearer"
    return principal


async def _from_cookie(request: Request, db: Connection, raw: str) -> Principal | None:
    app: Any = request.app
    settings, key = app.state.settings, app.state.jwt_key
    access, _, refresh_token = raw.partition(SEPARATOR)
    claims = decode_token(settings, key, access, "access") if access else None
    if claims is not None:
        row = await auth_queries.get_live_session(db, claims.session_id, claims.user_id)
        if row is None:
            request.state.clear_session = True
            return None
        principal = Principal(row["user_id"], row["username"], row["role"], row["id"])
    else:
        if not refresh_token:
            request.state.clear_session = True
            return None
        try:
            issued = await auth_service.refresh(
                db, settings, key, refresh_token=refresh_token, client=client_info(request)
            )
        except Unauthorized:
            request.state.clear_session = True
            return None
        request.state.new_session = issued
        user = issued.user
        principal = Principal(user["id"], user["username"], user["role"], issued.session_id)
    request.state.web_via = "cookie"
    bind_user_id(principal.id)
    return principal


async def current_principal(request: Request, db: Connection) -> Principal | None:
    """The signed-in user of this request (bearer header, else session cookie), or None."""
    if hasattr(request.state, "web_principal"):
        return request.state.web_principal
    header = request.headers.get("authorization")
    principal: Principal | None
    if header:
        principal = await _from_bearer(request, db, header)
    else:
        raw = request.cookies.get(SESSION_COOKIE)
        principal = await _from_cookie(request, db, raw) if raw else None
    request.state.web_principal = principal
    return principal


def apply_session_changes(request: Request, response: Response) -> None:
    """Write back a refreshed session, or clear a dead one."""
    issued = getattr(request.state, "new_session", None)
    if issued is not None:
        set_session_cookie(request, response, issued)
    elif getattr(request.state, "clear_session", False):
        clear_session_cookie(request, response)
