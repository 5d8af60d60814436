"""The route class every router uses: JSON bodies are parsed strictly.

PostgreSQL cannot store U+0000 in text or JSONB, so a body holding it (in a string or
a key) is refused as invalid JSON (422) before it reaches a handler or the database.

Each route documents the errors any request of its kind can meet: with a body, 408
(sent too slowly), 413 (too large) and 422; on the database (it depends on `get_db`),
422 (a NUL anywhere in the request, `nul_guard`) and 503 with Retry-After (pool busy
or database lost, `errors.database_unavailable`).
"""

import json
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from vividshift.db import get_connect, get_db
from vividshift.http.nul_guard import has_nul
from vividshift.http.openapi import (
    ERROR_BODY_JSON,
    RETRY_AFTER_HEADER,
    UNAVAILABLE_DESCRIPTION,
    ErrorBody,
    described,
)

_NUL_ESCAPE = b"\\u0000"


class StrictJSONRequest(Request):
    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            body = await self.body()
            try:
                parsed = json.loads(body)
            except UnicodeDecodeError as exc:  # json.loads detects the encoding, then fails
                raise json.JSONDecodeError(
                    "The body is not valid UTF-8 text", body.decode("latin-1"), exc.start
                ) from exc
            # Cheap pre-check on the raw bytes; walk the value only when it may matter.
            if _NUL_ESCAPE in body.lower() and has_nul(parsed):
                text = body.decode("utf-8", "replace")
                raise json.JSONDecodeError(
                    "NUL characters (\\u0000) are not allowed", text, max(text.find("\\u0000"), 0)
                )
            self._json = parsed
        return self._json


_WRITE_METHODS = {"POST", "PUT", "PATCH"}


def _documented_errors(methods: Any, responses: dict[int | str, Any]) -> dict[int | str, Any]:
    """The route's responses, each error with the error body's schema, plus the errors
    any request with a body can meet (413 too large, 422 invalid)."""
    documented: dict[int | str, Any] = {}
    for status, response in responses.items():
        is_error = str(status).isdigit() and int(status) >= 400
        if is_error and "model" not in response and "content" not in response:
            response = {**response, "model": ErrorBody}
        documented[status] = response
    if methods and _WRITE_METHODS & {m.upper() for m in methods}:
        documented.setdefault(408, described("The request body arrived too slowly"))
        documented.setdefault(413, described("Request body too large"))
        documented.setdefault(422, described("Invalid input"))
    return documented


def _uses_db(dependant: Dependant) -> bool:
    return any(d.call in (get_db, get_connect) or _uses_db(d) for d in dependant.dependencies)


def _document_database_errors(route: APIRoute) -> None:
    """422 and 503 on a route that holds a database connection (known once FastAPI has
    resolved its dependencies, so documented by reference rather than by model)."""
    if not _uses_db(route.dependant):
        return
    route.responses.setdefault(422, {"description": "Invalid input", "content": ERROR_BODY_JSON})
    route.responses.setdefault(
        503,
        {
            "description": UNAVAILABLE_DESCRIPTION,
            "headers": {"Retry-After": RETRY_AFTER_HEADER},
            "content": ERROR_BODY_JSON,
        },
    )


class StrictJSONRoute(APIRoute):
    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        # The first line of a route's docstring is its OpenAPI summary.
        if kwargs.get("summary") is None and endpoint.__doc__:
            kwargs["summary"] = endpoint.__doc__.strip().splitlines()[0]
        kwargs["responses"] = _documented_errors(
            kwargs.get("methods"), dict(kwargs.get("responses") or {})
        )
        super().__init__(path, endpoint, **kwargs)
        _document_database_errors(self)

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def strict_handler(request: Request) -> Response:
            return await handler(StrictJSONRequest(request.scope, request.receive))

        return strict_handler


def api_router(**kwargs: Any) -> APIRouter:
    """An APIRouter whose routes parse JSON strictly."""
    return APIRouter(route_class=StrictJSONRoute, **kwargs)
