"""OPTIONS answers 204 with an `Allow` naming exactly the path's methods, and HEAD works
wherever GET does (its status and headers, no body): on every path of the app, native,
predecessor-compatible and pages alike, generated from its routes."""

import uuid
from collections import defaultdict
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from vividshift.route_methods import _flat_routes

# Compatible paths of the predecessor's contract (spec/API.md) that must be among those
# generated: the sample below is the app's own routes, so this guards the generation.
COMPATIBLE = {
    "/api/participants",
    "/api/targets",
    "/api/assignments/generate",
    "/api/work-groups/history",
}


def _app(client: httpx.AsyncClient) -> FastAPI:
    transport = client._transport
    assert isinstance(transport, httpx.ASGITransport)
    app = transport.app
    assert isinstance(app, FastAPI)
    return app


def _sample_value(route: Any, name: str) -> str:
    """A value the route's path parameter `name` takes (a fresh UUID for an id)."""
    for param in route.dependant.path_params:
        if param.name == name and param.field_info.annotation is uuid.UUID:
            return str(uuid.uuid4())
    return "sample-value"


def _paths(app: FastAPI, *, with_parameters: bool = True) -> dict[str, set[str]]:
    """Each route's template filled with sample values → the methods declared there."""
    by_template: dict[str, set[str]] = defaultdict(set)
    samples: dict[str, str] = {}
    for route in _flat_routes(app.router.routes):
        by_template[route.path].update(route.methods or ())
        if route.path not in samples:
            path = route.path
            for name in route.param_convertors:
                path = path.replace("{" + name + "}", _sample_value(route, name), 1)
                path = path.replace("{" + name + ":path}", "sample-value", 1)
            samples[route.path] = path
    return {
        samples[template]: methods
        for template, methods in by_template.items()
        if with_parameters or "{" not in template
    }


async def test_options_names_exactly_the_methods_of_every_path(
    client: httpx.AsyncClient,
) -> None:
    paths = _paths(_app(client))
    assert set(paths) >= COMPATIBLE and len(paths) > 100
    wrong = {}
    for path, declared in paths.items():
        expected = declared | {"OPTIONS"} | ({"HEAD"} if "GET" in declared else set())
        response = await client.options(path)
        allow = {m.strip() for m in response.headers.get("allow", "").split(",")}
        if response.status_code != 204 or allow != expected or response.content:
            wrong[path] = (response.status_code, response.headers.get("allow"), sorted(expected))
    assert wrong == {}


async def test_options_needs_no_token_and_grants_no_cors(client: httpx.AsyncClient) -> None:
    response = await client.options(
        "/api/participants",
        headers={"Origin": "https://elsewhere.example", "Access-Control-Request-Method": "POST"},
    )
    assert response.status_code == 204
    assert response.headers["allow"] == "GET, HEAD, OPTIONS, POST"
    assert not any(name.startswith("access-control-") for name in response.headers)


async def test_options_on_an_unknown_path_is_404(client: httpx.AsyncClient) -> None:
    response = await client.options("/no/such/path")
    assert response.status_code == 404
    assert response.json()["code"] == "RESOURCE_NOT_FOUND"


@pytest.mark.parametrize("role", ["admin", None])
async def test_head_is_the_get_without_its_body(
    client: httpx.AsyncClient, auth_headers: Any, role: str | None
) -> None:
    """Every GET path without parameters, as an admin and anonymously: same status and
    headers (but the varying ones), no body."""
    headers = await auth_headers(role) if role else {}
    plain = _paths(_app(client), with_parameters=False)
    paths = [path for path, methods in plain.items() if "GET" in methods]
    assert "/api/participants" in paths and "/health" in paths and "/login" in paths
    varying = {"date", "content-length", "x-request-id", "set-cookie", "etag"}
    wrong = {}
    for path in paths:
        if path == "/metrics":
            continue  # its counters move with every request
        got = await client.get(path, headers=headers)
        head = await client.head(path, headers=headers)
        same = {k: v for k, v in got.headers.items() if k not in varying}
        if (
            head.status_code != got.status_code
            or {k: v for k, v in head.headers.items() if k not in varying} != same
            or head.content
            or ("content-length" in got.headers) != ("content-length" in head.headers)
        ):
            wrong[path] = (got.status_code, head.status_code, dict(head.headers))
    assert wrong == {}


async def test_head_of_a_collection_has_the_gets_length(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    headers = await auth_headers("admin")
    got = await client.get("/api/rules/strategies", headers=headers)
    head = await client.head("/api/rules/strategies", headers=headers)
    assert got.status_code == head.status_code == 200
    assert head.headers["content-length"] == str(len(got.content)) and head.content == b""
