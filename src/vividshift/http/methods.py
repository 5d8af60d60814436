"""The methods a path serves, and OPTIONS and HEAD answered on every path from them.

No route declares OPTIONS or HEAD: `ImplicitMethodsMiddleware` answers `OPTIONS` with
204 and an `Allow` naming exactly the path's methods (HEAD and OPTIONS included), and
serves `HEAD` wherever `GET` is served, as that GET without its body (RFC 9110 §9.3.2,
§9.3.7). There is no CORS: a browser's preflight (`OPTIONS` with
`Access-Control-Request-Method`) gets the same 204 without `Access-Control-Allow-*`
headers, so a cross-origin script is refused by the browser.
"""

from typing import Any

from pydantic import TypeAdapter, ValidationError
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

IMPLICIT = ("HEAD", "OPTIONS")


def _flat_routes(routes: Any) -> list[Any]:
    """Routes with included routers flattened (FastAPI includes them lazily)."""
    try:
        from fastapi.routing import iter_route_contexts
    except ImportError:  # FastAPI before lazily included routers: routes are flat
        return list(routes)
    return [context.route for context in iter_route_contexts(routes)]


def _valid_path_params(route: Any, values: dict[str, Any]) -> bool:
    dependant = getattr(route, "dependant", None)
    for param in getattr(dependant, "path_params", None) or ():
        try:
            TypeAdapter(param.field_info.annotation).validate_python(values.get(param.name))
        except (ValidationError, TypeError):
            return False
    return True


def served_methods(scope: Scope) -> set[str]:
    """The methods routes declare for the path of `scope` (empty: no such path): of the
    routes whose template matches, those whose path parameters are valid (a UUID
    parameter does not take `x.csv`), and of those the most specific (fewest
    parameters: `/api/domains/configuration-schema` is not `/{domain_id}`)."""
    candidates: list[tuple[int, set[str]]] = []
    for route in _flat_routes(scope["app"].router.routes):
        match, child = route.matches(scope)
        params = child.get("path_params", {})
        if match == Match.NONE or not _valid_path_params(route, params):
            continue
        candidates.append((len(params), set(route.methods or ())))
    fewest = min((n for n, _ in candidates), default=0)
    return set().union(*(m for n, m in candidates if n == fewest))


def allow_header(methods: set[str]) -> str:
    """`Allow` for a path serving `methods`: those, plus HEAD where GET is, and OPTIONS."""
    if not methods:
        return ""
    implicit = {"OPTIONS", "HEAD"} if "GET" in methods else {"OPTIONS"}
    return ", ".join(sorted(methods | implicit))


class ImplicitMethodsMiddleware:
    """OPTIONS → 204 with `Allow`; HEAD → the GET, headers only. Other requests, and
    these on a path that serves nothing (404) or no GET (405), pass through."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        method = scope.get("method") if scope["type"] == "http" else None
        if method not in IMPLICIT:
            await self.app(scope, receive, send)
            return
        methods = served_methods(scope)
        if method == "OPTIONS" and methods:
            allow = allow_header(methods).encode()
            await send(
                {"type": "http.response.start", "status": 204, "headers": [(b"allow", allow)]}
            )
            await send({"type": "http.response.body", "body": b""})
        elif method == "HEAD" and "GET" in methods:
            await self.app({**scope, "method": "GET"}, receive, _without_body(send))
        else:
            await self.app(scope, receive, send)


def _without_body(send: Send) -> Send:
    """`send` passing the response's status and headers (Content-Length included, as
    the GET's) and dropping its body."""

    async def send_head(message: Message) -> None:
        if message["type"] == "http.response.body":
            if message.get("more_body", False):
                return
            message = {"type": "http.response.body", "body": b""}
        await send(message)

    return send_head
