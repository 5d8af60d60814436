"""The methods a path serves, read from the app's routes: for the `Allow` of a 405
(`errors`) and of OPTIONS (`http.methods`)."""

from typing import Any

from pydantic import TypeAdapter, ValidationError
from starlette.routing import Match
from starlette.types import Scope


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
