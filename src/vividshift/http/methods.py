"""The methods a path serves, and OPTIONS and HEAD answered on every path from them.

No route declares OPTIONS or HEAD: `ImplicitMethodsMiddleware` answers `OPTIONS` with
204 and an `Allow` naming exactly the path's methods (HEAD and OPTIONS included), and
serves `HEAD` wherever `GET` is served, as that GET without its body (RFC 9110 §9.3.2,
§9.3.7). There is no CORS: a browser's preflight (`OPTIONS` with
`Access-Control-Request-Method`) gets the same 204 without `Access-Control-Allow-*`
headers, so a cross-origin script is refused by the browser.
"""

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from vividshift.route_methods import allow_header, served_methods

IMPLICIT = ("HEAD", "OPTIONS")


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
