"""Every route's dependencies and handler are coroutines: FastAPI runs a plain function
in a worker thread, a thread hop (and a wait for a free thread) on every request."""

import inspect
from typing import Any

from tests.conftest import make_settings
from vividshift.app import create_app
from vividshift.auth.deps import app_routes

# Added by prometheus-fastapi-instrumentator, not ours to change.
FRAMEWORK_SYNC_ENDPOINTS = {"/metrics"}


def _is_async(call: Any) -> bool:
    target = call if inspect.isroutine(call) or inspect.isclass(call) else call.__call__
    return inspect.iscoroutinefunction(target) or inspect.isasyncgenfunction(target)


def _sync_calls() -> list[str]:
    app = create_app(make_settings("postgresql://localhost/unused"))
    found: list[str] = []
    for route in app_routes(app):
        dependant = getattr(route, "dependant", None)
        if dependant is None:
            continue
        if route.path not in FRAMEWORK_SYNC_ENDPOINTS and not _is_async(dependant.call):
            found.append(f"{route.path}: {dependant.call.__qualname__}")
        stack = list(dependant.dependencies)
        while stack:
            sub = stack.pop()
            if sub.call is not None and not _is_async(sub.call):
                found.append(f"{route.path}: dependency {sub.call!r}")
            stack.extend(sub.dependencies)
    return sorted(set(found))


def test_no_route_runs_a_plain_function_in_a_thread() -> None:
    assert _sync_calls() == []
