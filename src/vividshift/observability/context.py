"""Who and what the current request is, for every log record written while serving it.

One mutable holder per request in a context variable: a dependency deep in the call
(authentication) can fill in the user id and the middleware that logs the request at
its end sees it, even across the context copies anyio makes for threads."""

from contextvars import ContextVar
from dataclasses import dataclass
from uuid import UUID


@dataclass
class RequestContext:
    request_id: str
    user_id: str | None = None


_current: ContextVar[RequestContext | None] = ContextVar("vividshift_request", default=None)


def begin_request(request_id: str) -> RequestContext:
    context = RequestContext(request_id)
    _current.set(context)
    return context


def current_request() -> RequestContext | None:
    return _current.get()


def bind_user_id(user_id: UUID | str) -> None:
    """Attribute the current request's logs to this user (called once authenticated)."""
    context = _current.get()
    if context is not None:
        context.user_id = str(user_id)
