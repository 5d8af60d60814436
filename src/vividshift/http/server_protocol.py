"""The HTTP/1.1 protocol `serve` runs: uvicorn's httptools protocol with the limits on
request heads that uvicorn lacks (nginx's large_client_header_buffers and
client_header_timeout, gunicorn's limit_request_field_size / limit_request_fields).

- The request line and each header field may hold at most VIVIDSHIFT_MAX_HEADER_FIELD_BYTES,
  the whole head VIVIDSHIFT_MAX_HEADER_BYTES; past either the answer is 431 with the JSON
  error body and the connection is closed. Bytes are counted as they arrive, so a huge
  header costs at most the limit plus one read, never the whole header in memory.
- A connection has VIVIDSHIFT_HEADER_TIMEOUT_SECONDS from its opening (or from the first
  byte of a following request) to complete the head; then it gets 408 (or, when it sent
  nothing, is closed). Idle kept-alive connections close after
  VIVIDSHIFT_KEEP_ALIVE_TIMEOUT_SECONDS (uvicorn's timeout_keep_alive); slow bodies are
  the app's (`body_limit`).

These answers come from the server, before any route is known: they are not listed per
operation in /openapi.json (like a 400 for malformed HTTP), but in the README.
"""

import asyncio
import json
from http import HTTPStatus
from typing import Any

from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

from vividshift.errors import error_body


class _HeadTooLarge(Exception):
    """Raised from a parser callback; httptools turns it into a parser error."""


class LimitedHttpToolsProtocol(HttpToolsProtocol):
    max_head_bytes = 64 * 1024
    max_field_bytes = 16 * 1024
    head_timeout = 10.0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._head_open = True  # bytes of a request head are expected or arriving
        self._head_bytes = 0  # bytes received while the head was open (upper bound)
        self._head_size = 0  # bytes of the head parsed so far (exact)
        self._head_timer: asyncio.TimerHandle | None = None
        self._refusal: tuple[int, str] | None = None

    # --- timing -----------------------------------------------------------------------

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._start_head_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_head_timer()
        super().connection_lost(exc)

    def _start_head_timer(self) -> None:
        if self._head_timer is None:
            self._head_timer = self.loop.call_later(self.head_timeout, self._on_head_timeout)

    def _stop_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _on_head_timeout(self) -> None:
        self._head_timer = None
        if not self._head_open or self.transport.is_closing():
            return
        if self._head_bytes == 0:
            self.transport.close()  # opened and never spoke: nothing to answer
            return
        self._refuse(408, f"The request head was not complete within {self.head_timeout:g} s")

    # --- sizes ------------------------------------------------------------------------

    def data_received(self, data: bytes) -> None:
        if self._refusal is not None:
            return
        super().data_received(data)
        if self._head_open and self._refusal is None and not self.transport.is_closing():
            self._head_bytes += len(data)
            if self._head_bytes > self.max_head_bytes:
                self._refuse(431, self._too_large_detail())

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._head_open = True
        self._head_bytes = 0
        self._head_size = 0
        self._start_head_timer()

    def on_url(self, url: bytes) -> None:
        self._count(len(url), field=len(self.url) + len(url))
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        size = len(name) + len(value) + 4  # ": " and CRLF
        self._count(size, field=size)
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        self._head_open = False
        self._stop_head_timer()
        super().on_headers_complete()

    def _count(self, added: int, *, field: int) -> None:
        self._head_size += added
        if field > self.max_field_bytes:
            self._refusal = (
                431,
                f"The request line and each header field may hold at most "
                f"{self.max_field_bytes} bytes",
            )
            raise _HeadTooLarge
        if self._head_size > self.max_head_bytes:
            self._refusal = (431, self._too_large_detail())
            raise _HeadTooLarge

    def _too_large_detail(self) -> str:
        return f"The request head may hold at most {self.max_head_bytes} bytes"

    def send_400_response(self, msg: str) -> None:
        # uvicorn's answer to a parser error, which our callbacks' refusal also is.
        if self._refusal is not None:
            status, detail = self._refusal
            self._refusal = None
            self._refuse(status, detail)
        else:
            super().send_400_response(msg)

    # --- answering --------------------------------------------------------------------

    def _refuse(self, status: int, detail: str) -> None:
        """Answer `status` with the JSON error body and close the connection."""
        self._refusal = (status, detail)
        self._stop_head_timer()
        if self.cycle is not None and not self.cycle.response_complete:
            self.transport.close()  # a pipelined response is still being written
            return
        code = "VALIDATION_ERROR"
        body = json.dumps(error_body(HTTPStatus(status).phrase, code, detail)).encode()
        content = [STATUS_LINE[status]]
        for name, value in self.server_state.default_headers:
            content.extend([name, b": ", value, b"\r\n"])
        content.extend(
            [
                b"content-type: application/json\r\n",
                b"content-length: " + str(len(body)).encode("ascii") + b"\r\n",
                b"connection: close\r\n",
                b"\r\n",
                body,
            ]
        )
        self.transport.write(b"".join(content))
        self.transport.close()


def limited_protocol(
    *, max_head_bytes: int, max_field_bytes: int, head_timeout: float
) -> type[LimitedHttpToolsProtocol]:
    """The protocol class with these limits (uvicorn builds one instance per connection)."""
    return type(
        "ConfiguredHttpToolsProtocol",
        (LimitedHttpToolsProtocol,),
        {
            "max_head_bytes": max_head_bytes,
            "max_field_bytes": max_field_bytes,
            "head_timeout": head_timeout,
        },
    )
