"""Refuses request bodies over the configured size (413) or sent too slowly (408),
with the JSON error body.

A declared Content-Length over the limit is refused before the app runs; a streamed
body is counted as it is read, and the read fails with 413 once it passes the limit.
While the body is incomplete, each wait for its next piece lasts at most
`timeout_seconds` (VIVIDSHIFT_BODY_TIMEOUT_SECONDS, as nginx's client_body_timeout);
then the read fails with 408 and the connection is closed after the answer. Waits after
the body (for the client to go away) are not limited.
"""

import asyncio

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from vividshift.errors import error_response

TOO_LARGE = "Request body too large"


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, max_bytes: int, timeout_seconds: float | None = None) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.timeout_seconds = timeout_seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            response = error_response(413, TOO_LARGE, "VALIDATION_ERROR", self._limit_detail())
            await response(scope, receive, send)
            return

        received = 0
        complete = False

        async def counting_receive() -> Message:
            nonlocal received, complete
            if complete or self.timeout_seconds is None:
                message = await receive()
            else:
                try:
                    async with asyncio.timeout(self.timeout_seconds):
                        message = await receive()
                except TimeoutError:
                    raise HTTPException(
                        408,
                        f"No part of the request body arrived for {self.timeout_seconds:g} s",
                        headers={"Connection": "close"},
                    ) from None
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                complete = not message.get("more_body", False)
                if received > self.max_bytes:
                    raise HTTPException(413, self._limit_detail())
            else:
                complete = True
            return message

        await self.app(scope, counting_receive, send)

    def _limit_detail(self) -> str:
        return f"The request body may hold at most {self.max_bytes} bytes"
