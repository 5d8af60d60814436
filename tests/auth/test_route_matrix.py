"""Deny by default: every (method, route) of the app × {anonymous, viewer, user, admin}.

The routes are read from `create_app`, so a router added later is in the matrix with
no edit here; the expected status of each cell comes from the permission the route
declares (Public / Authenticated / Reader / Writer / AdminUser). A route that declares
none fails `test_route_declares_a_permission`.
"""

import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from tests.conftest import make_settings
from tests.factories import make_user
from tests.secrets_registry import remember
from vividshift.app import create_app
from vividshift.auth.deps import PERMISSIONS, app_routes, public, route_permission
from vividshift.auth.service import ClientInfo, open_session
from vividshift.auth.tokens import resolve_signing_key
from vividshift.config import Settings
from vividshift.db import Connection, get_db
from vividshift.http.routing import api_router

CALLERS = ("anonymous", "viewer", "user", "admin")
SKIPPED_METHODS = {"HEAD", "OPTIONS"}


def _routes() -> list[tuple[str, str, Any]]:
    app = create_app(make_settings("postgresql://localhost/unused"))
    found = []
    for route in app_routes(app):
        for method in sorted(set(getattr(route, "methods", None) or {"GET"}) - SKIPPED_METHODS):
            found.append((method, route.path, route))
    return found


ROUTES = _routes()


def _concrete_path(route: Any) -> str:
    """The route's path with each parameter filled by a value of its type."""
    path = route.path
    dependant = getattr(route, "dependant", None)
    for param in getattr(dependant, "path_params", []):
        annotation = getattr(param.field_info, "annotation", None)
        value: object = "x"
        if annotation is uuid.UUID:
            value = uuid.uuid4()
        elif annotation is int:
            value = 1
        path = path.replace("{" + param.alias + "}", str(value))
        path = path.replace("{" + param.name + "}", str(value))
    return path


def expected(permission: str, caller: str) -> str:
    allowed = PERMISSIONS[permission]
    if allowed is None:
        return "allowed"
    if caller == "anonymous":
        return "401"
    return "allowed" if caller in allowed else "403"


@pytest.mark.parametrize(
    ("method", "path", "route"), ROUTES, ids=[f"{m} {p}" for m, p, _ in ROUTES]
)
def test_route_declares_a_permission(method: str, path: str, route: Any) -> None:
    assert route_permission(route) is not None, (
        f"{method} {path} declares no permission: add Public, Authenticated, Reader, "
        "Writer or AdminUser (deny by default)"
    )


@pytest.fixture
async def matrix_client(settings: Settings, db: Connection) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings)

    async def test_db() -> AsyncIterator[Connection]:
        yield db

    app.dependency_overrides[get_db] = test_db
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            yield http


@pytest.mark.parametrize(
    ("method", "path", "route"), ROUTES, ids=[f"{m} {p}" for m, p, _ in ROUTES]
)
async def test_route_matrix(
    method: str,
    path: str,
    route: Any,
    matrix_client: httpx.AsyncClient,
    settings: Settings,
    db: Connection,
) -> None:
    permission = route_permission(route)
    if permission is None:
        pytest.fail(f"{method} {path} declares no permission")
    key = resolve_signing_key(settings)
    users = {role: await make_user(db, role=role) for role in CALLERS[1:]}
    url = _concrete_path(route)
    for caller in CALLERS:
        headers = {}
        if caller != "anonymous":
            # A new session per request: a route may end the one it was called with.
            issued = await open_session(db, settings, key, users[caller], ClientInfo(None, None))
            remember(issued.access_token, issued.refresh_token)
            headers = {"Authorization": f"Bearer {issued.access_token}"}
        response = await matrix_client.request(method, url, headers=headers)
        want = expected(permission, caller)
        cell = f"{caller} {method} {url} ({permission}) → {response.status_code}"
        if want == "allowed":
            assert response.status_code not in (401, 403), cell
            assert response.status_code < 500, cell
        else:
            assert response.status_code == int(want), cell
            assert response.json()["code"] == (
                "AUTHENTICATION_ERROR" if want == "401" else "AUTHORIZATION_ERROR"
            ), cell


def test_an_undeclared_route_is_caught() -> None:
    """The check above really fails for a route without a permission."""
    app = create_app(make_settings("postgresql://localhost/unused"))
    router = api_router()

    @router.get("/api/forgotten")
    async def forgotten() -> dict:
        return {}

    @router.get("/api/declared", dependencies=[pytest.importorskip("fastapi").Depends(public)])
    async def declared() -> dict:
        return {}

    app.include_router(router)
    found = {r.path: route_permission(r) for r in app_routes(app)}
    assert found["/api/forgotten"] is None
    assert found["/api/declared"] == "public"


def test_the_matrix_covers_the_known_routes() -> None:
    paths = {(m, p) for m, p, _ in ROUTES}
    for known in [
        ("GET", "/health"),
        ("GET", "/ready"),
        ("GET", "/metrics"),
        ("GET", "/openapi.json"),
        ("GET", "/docs"),
        ("POST", "/auth/login"),
        ("GET", "/api/me"),
        ("GET", "/api/users"),
        ("DELETE", "/api/users/{user_id}/sessions"),
    ]:
        assert known in paths
    assert expected("writer", "viewer") == "403"
    assert expected("reader", "viewer") == "allowed"
    assert expected("admin", "user") == "403"
    assert expected("authenticated", "anonymous") == "401"
