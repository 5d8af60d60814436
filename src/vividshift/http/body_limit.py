"""Refuses request bodies over the configured size with the JSON error body (413).

A declared Content-Length over the limit is refused before the app runs; a streamed
body is counted as it is read, and the read fails with 413 once it passes the limit.
"""

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from vividshift.errors import error_response

TOO_LARGE = "Request body too large"


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

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

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise HTTPException(413, self._limit_detail())
            return message

        await self.app(scope, counting_receive, send)

    def _limit_detail(self) -> str:
        return f"The request body may hold at most {self.max_bytes} bytes"
