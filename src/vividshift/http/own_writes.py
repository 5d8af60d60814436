"""A write this process answers empties its in-process caches (the session cache and
the read cache, when on) before the answer starts, and again once it is sent: the
client's next request sees its own change (its transaction has committed) without
waiting for the database's notification, which reaches the listening connection a
moment later. Other processes still learn of it by that notification."""

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from vividshift.change_listener import ChangeListener

READS = frozenset({"GET", "HEAD"})


class ForgetOnWriteMiddleware:
    """Installed only when a cache is on; the listener is made at start-up, so it is
    looked up per request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        listener: ChangeListener | None = None
        if scope["type"] == "http" and scope["method"] not in READS:
            listener = getattr(scope["app"].state, "change_listener", None)
        if listener is None:
            await self.app(scope, receive, send)
            return
        caches = listener

        async def send_after_forgetting(message: Message) -> None:
            if message["type"] == "http.response.start":
                caches.forget_all()
            await send(message)

        try:
            await self.app(scope, receive, send_after_forgetting)
        finally:
            caches.forget_all()  # and whatever was cached while the answer went out
