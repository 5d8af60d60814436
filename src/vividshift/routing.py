"""The route class every router uses: JSON bodies are parsed strictly.

PostgreSQL cannot store U+0000 in text or JSONB, so a body holding it (in a string or
a key) is refused as invalid JSON (422) before it reaches a handler or the database.
"""

import json
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.routing import APIRoute

_NUL_ESCAPE = b"\\u0000"


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


class StrictJSONRequest(Request):
    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            body = await self.body()
            parsed = json.loads(body)
            # Cheap pre-check on the raw bytes; walk the value only when it may matter.
            if _NUL_ESCAPE in body.lower() and _has_nul(parsed):
                text = body.decode("utf-8", "replace")
                raise json.JSONDecodeError(
                    "NUL characters (\\u0000) are not allowed", text, max(text.find("\\u0000"), 0)
                )
            self._json = parsed
        return self._json


class StrictJSONRoute(APIRoute):
    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        # The first line of a route's docstring is its OpenAPI summary.
        if kwargs.get("summary") is None and endpoint.__doc__:
            kwargs["summary"] = endpoint.__doc__.strip().splitlines()[0]
        super().__init__(path, endpoint, **kwargs)

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def strict_handler(request: Request) -> Response:
            return await handler(StrictJSONRequest(request.scope, request.receive))

        return strict_handler


def api_router(**kwargs: Any) -> APIRouter:
    """An APIRouter whose routes parse JSON strictly."""
    return APIRouter(route_class=StrictJSONRoute, **kwargs)
