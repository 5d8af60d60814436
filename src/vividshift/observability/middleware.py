"""One access-log record per HTTP request, and the X-Request-ID header.

An incoming X-Request-ID is kept when it looks like an id (1–128 letters, digits and
`._:-`), so a proxy's id follows the request through our logs; anything else is replaced
by a new UUID. The id is echoed in the response. The record holds the route template,
never the raw path or query string (either may carry a token), nor any header.
"""

import logging
import re
import time
import uuid

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from vividshift.observability.context import begin_request

log = logging.getLogger("vividshift.access")

HEADER = "x-request-id"
_SANE_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


def request_id_from(headers: Headers) -> str:
    given = headers.get(HEADER, "")
    return given if _SANE_ID.fullmatch(given) else str(uuid.uuid4())


class RequestLogMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        # Not reset at the end: the server's error handler, which runs outside this
        # middleware, logs a crash with it. Each request runs in a task of its own.
        context = begin_request(request_id_from(Headers(scope=scope)))
        status = 500  # when the app fails before it starts a response

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message).append(HEADER, context.request_id)
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            route = getattr(scope.get("route"), "path", None)
            duration_ms = round((time.perf_counter() - started) * 1000, 2)
            log.info(
                "%s %s %s %.1f ms",
                scope["method"],
                route or "(no route)",
                status,
                duration_ms,
                extra={
                    "request_id": context.request_id,
                    "user_id": context.user_id,
                    "method": scope["method"],
                    "route": route,
                    "status": status,
                    "duration_ms": duration_ms,
                },
            )
