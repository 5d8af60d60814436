"""Who is calling, and may they: the permission dependencies every route declares.

    Public         explicitly open (login, register, health …)
    Authenticated  any active user with a live session
    Reader         admin, user, viewer   (read business data)
    Writer         admin, user           (write business data)
    AdminUser      admin only            (users, roles)

Each non-public alias resolves the bearer access token (header only; a token in the
query string is ignored), then loads its `user_sessions` row joined with the user on
every request: a revoked, expired or idle-timed-out session, or an inactive or deleted
user, is 401 at once, and the role is the one in the database now, so a role change
applies to the next request. Too low a role is 403 AUTHORIZATION_ERROR. (With the
opt-in session cache, `session_cache`, a live session is remembered until the database
notifies a change to it or its account.)

Deny by default: `route_permission(route)` tells which of these a route declared
(for each of `app_routes(app)`); the route-matrix test fails for any route of the app
that declared none.

    @router.get("/api/things")
    async def list_things(user: Reader, db: Db) -> ...

    @router.post("/auth/login", dependencies=[Public])
"""

from dataclasses import dataclass
from typing import Annotated, Any
from uuid import UUID

from fastapi import Depends, Request
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from vividshift.auth import queries
from vividshift.auth.session_cache import SessionCache
from vividshift.auth.tokens import decode_token
from vividshift.db import Connector, Db
from vividshift.errors import Forbidden, Unauthorized
from vividshift.observability.context import bind_user_id

ROLES = ("admin", "user", "viewer")

_bearer = HTTPBearer(
    auto_error=False,
    scheme_name="bearer",
    description="The access token from POST /auth/login or POST /auth/refresh",
)


@dataclass(frozen=True)
class Principal:
    """The caller of this request, as the database says now."""

    id: UUID
    username: str
    role: str
    session_id: UUID


async def public() -> None:
    """Marks a route as open to anonymous callers (deny by default otherwise)."""


Public = Depends(public)


async def authenticate(
    request: Request,
    db: Db,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """The principal of a valid access token whose session is live, else 401."""
    return await _principal(request, db, credentials)


async def authenticate_briefly(
    request: Request,
    connect: Connector,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """`authenticate` on a connection given back at once (for routes that must not hold
    one for the whole request)."""
    async with connect() as db:
        return await _principal(request, db, credentials)


async def _principal(
    request: Request, db: Any, credentials: HTTPAuthorizationCredentials | None
) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized("Not authenticated")
    app = request.app
    claims = decode_token(app.state.settings, app.state.jwt_key, credentials.credentials, "access")
    if claims is None:
        raise Unauthorized("Invalid or expired token")
    cache: SessionCache | None = getattr(app.state, "session_cache", None)
    principal = cache.get(claims.session_id, claims.user_id) if cache else None
    if principal is None:
        row = await queries.get_live_session(db, claims.session_id, claims.user_id)
        if row is None:
            raise Unauthorized("Session ended")
        principal = Principal(
            id=row["user_id"], username=row["username"], role=row["role"], session_id=row["id"]
        )
        if cache:
            await cache.put(principal, row["seconds_left"])
    bind_user_id(principal.id)  # the request's log line names who called
    return principal


# Permission name → the roles it admits (None: anyone, including anonymous callers).
PERMISSIONS: dict[str, tuple[str, ...] | None] = {
    "public": None,
    "authenticated": ROLES,
    "reader": ("admin", "user", "viewer"),
    "writer": ("admin", "user"),
    "admin": ("admin",),
}
_PERMISSION_OF: dict[Any, str] = {
    public: "public",
    authenticate: "authenticated",
    authenticate_briefly: "authenticated",
}
_STRICTNESS = ["public", "authenticated", "reader", "writer", "admin"]


def require_permission(name: str, resolve: Any = authenticate) -> Any:
    """A dependency admitting the roles of permission `name`, registered so that
    `route_permission` (and the route matrix) sees it. `resolve` finds the caller: the
    bearer token by default, or another way in (the web page's cookie); None → 401."""
    roles = PERMISSIONS[name]
    assert roles is not None, "public routes need no check"

    async def check(principal: Annotated[Principal | None, Depends(resolve)]) -> Principal:
        if principal is None:
            raise Unauthorized("Not authenticated")
        if principal.role not in roles:
            raise Forbidden(f"Your role does not allow this action (needs: {', '.join(roles)})")
        return principal

    check.__name__ = f"require_{name}"
    check.__doc__ = f"The caller, when their role is one of {roles}; else 403."
    _PERMISSION_OF[check] = name
    return check


require_reader = require_permission("reader")
require_writer = require_permission("writer")
require_admin = require_permission("admin")

Authenticated = Annotated[Principal, Depends(authenticate)]
Reader = Annotated[Principal, Depends(require_reader)]
Writer = Annotated[Principal, Depends(require_writer)]
# A writer whose request holds no pooled connection after authentication.
WriterReleased = Annotated[
    Principal, Depends(require_permission("writer", resolve=authenticate_briefly))
]
AdminUser = Annotated[Principal, Depends(require_admin)]

# Routes FastAPI itself adds (schema and docs pages): public by declaration here.
FRAMEWORK_PUBLIC_PATHS = frozenset({"/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"})


def app_routes(app: Any) -> list[Any]:
    """Every route of the app, with included routers flattened (their prefixes and
    router-level dependencies applied), as FastAPI will serve them."""
    try:
        from fastapi.routing import iter_route_contexts
    except ImportError:  # FastAPI before lazily included routers: routes are flat
        return list(app.routes)
    return list(iter_route_contexts(app.routes))


def route_permission(route: Any) -> str | None:
    """The permission a route declared (the strictest when several), or None."""
    original = getattr(route, "original_route", route)
    if not isinstance(original, APIRoute):
        path = getattr(route, "path", None)
        return "public" if path in FRAMEWORK_PUBLIC_PATHS else None
    dependant = getattr(route, "dependant", None)
    if dependant is None:
        return None
    found: set[str] = set()
    stack = list(dependant.dependencies)
    while stack:
        dep = stack.pop()
        if dep.call in _PERMISSION_OF:
            found.add(_PERMISSION_OF[dep.call])
        stack.extend(dep.dependencies)
    if not found:
        return None
    return max(found, key=_STRICTNESS.index)
