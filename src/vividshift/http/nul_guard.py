"""Refuses U+0000 anywhere in a request before it can reach PostgreSQL (422).

PostgreSQL cannot store NUL in text or JSONB: a string holding it fails inside the
driver, as a 500. This middleware is the one check for everything the framework
decodes on a route's behalf — the path (`/people/a%00b`), the query string
(`?q=a%00b`), every header (raw bytes, and the octal escapes of quoted cookie
values), and form bodies (`application/x-www-form-urlencoded`: raw or `%00`;
`multipart/form-data`: raw, in fields and uploaded CSV files alike — the service
takes no binary uploads). JSON bodies are checked where they are parsed (the route
class: `\\u0000` escapes), and values decoded from inside other values (JSON cells of
a CSV file, JSON text typed in a form field) by the models' field types
(`vividshift.fields`).

The refusal is a `ValidationFailed` rendered by the app's own error handlers, so an API
client gets the JSON error body and a browser on a page the page's error message.
"""

from typing import Any

from starlette.datastructures import Headers
from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from vividshift.errors import ValidationFailed, respond_outside_routing

NUL_MESSAGE = "NUL characters (\\u0000) are not allowed"
URLENCODED = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"


def has_nul(value: Any) -> bool:
    """Whether a decoded JSON value holds U+0000 in any string or key."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(has_nul(k) or has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(has_nul(v) for v in value)
    return False


def refusal(where: str) -> ValidationFailed:
    return ValidationFailed(
        "Validation failed", details=[{"loc": [where], "msg": NUL_MESSAGE, "type": "string_nul"}]
    )


def _encoded_nul(raw: bytes) -> bool:
    return b"\x00" in raw or b"%00" in raw


def nul_outside_body(scope: Scope) -> str | None:
    """Where the path, query string or headers of `scope` hold NUL, or None."""
    if "\x00" in scope.get("path", "") or _encoded_nul(scope.get("raw_path") or b""):
        return "path"
    if _encoded_nul(scope.get("query_string", b"")):
        return "query"
    for name, value in scope.get("headers", ()):
        if b"\x00" in name or b"\x00" in value:
            return "header"
        # Quoted cookie values may spell NUL as an octal escape (`"\000"`).
        if name == b"cookie" and b"\\" in value:
            cookies = cookie_parser(value.decode("latin-1"))
            if any("\x00" in k or "\x00" in v for k, v in cookies.items()):
                return "header"
    return None


def _form_kind(scope: Scope) -> str | None:
    media = Headers(scope=scope).get("content-type", "").split(";")[0].strip().lower()
    return media if media in (URLENCODED, MULTIPART) else None


async def _read_body(receive: Receive) -> tuple[bytes, bool]:
    """The whole body (its size is bounded by the body limit inside), and whether the
    client went away while sending it."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return b"".join(chunks), True
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks), False


class NulGuardMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        where = nul_outside_body(scope)
        if where is not None:
            await respond_outside_routing(refusal(where), scope, receive, send)
            return
        kind = _form_kind(scope)
        if kind is None:
            await self.app(scope, receive, send)
            return
        try:
            body, disconnected = await _read_body(receive)
        except Exception as exc:  # the body limit's 413 or 408: the app's handlers answer
            await respond_outside_routing(exc, scope, receive, send)
            return
        if b"\x00" in body or (kind == URLENCODED and b"%00" in body):
            await respond_outside_routing(refusal("body"), scope, receive, send)
            return
        await self.app(scope, _replay(body, disconnected, receive), send)


def _replay(body: bytes, disconnected: bool, receive: Receive) -> Receive:
    """`receive` that hands out the body read already, then waits on the client."""
    pending: list[Message] = [{"type": "http.request", "body": body, "more_body": False}]
    if disconnected:
        pending.append({"type": "http.disconnect"})

    async def replayed() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replayed
