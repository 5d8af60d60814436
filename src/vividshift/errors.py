"""Errors of the service and the one place that renders them.

    AppError(message, status_code, code)
    ├── ValidationFailed        422 VALIDATION_ERROR   (or 400 when asked)
    ├── Unauthorized            401 AUTHENTICATION_ERROR, with WWW-Authenticate
    ├── Forbidden               403 AUTHORIZATION_ERROR
    ├── NotFound                404 RESOURCE_NOT_FOUND
    ├── Conflict                409 DUPLICATE_RESOURCE
    ├── Gone                    410 RESOURCE_GONE      (an invitation used, revoked, expired)
    ├── BusinessRuleViolation   422 BUSINESS_LOGIC_ERROR
    ├── RateLimited             429 RATE_LIMITED, with Retry-After
    └── Unavailable             503 SERVICE_UNAVAILABLE

Every 4xx/5xx leaves as the JSON body of spec/API.md:
{"error", "code", "details", "timestamp"}. Framework errors (unknown route, wrong
method, invalid body, oversized body) are mapped onto the same codes; anything else is
a logged 500 INTERNAL_ERROR that tells the client nothing more.

The database failing under a request is no bug of ours and no 500: a pool with no free
connection within VIVIDSHIFT_DB_POOL_TIMEOUT_SECONDS (psycopg_pool.PoolTimeout) and a
connection lost or refused mid-request (psycopg.OperationalError: server shut down or
restarted, backend terminated, statement cancelled) answer 503 SERVICE_UNAVAILABLE with
`Retry-After`, as `Unavailable`.
"""

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any

import psycopg
from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from psycopg_pool import PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from vividshift.route_methods import allow_header, served_methods

log = logging.getLogger("vividshift.errors")


class AppError(Exception):
    status_code = 500
    code = "INTERNAL_ERROR"

    def __init__(
        self,
        message: str,
        *,
        details: Any = None,
        status_code: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.details = details
        self.headers = headers
        if status_code is not None:
            self.status_code = status_code


class ValidationFailed(AppError):
    status_code = 422
    code = "VALIDATION_ERROR"


class Unauthorized(AppError):
    status_code = 401
    code = "AUTHENTICATION_ERROR"

    def __init__(self, message: str = "Not authenticated", **kwargs: Any) -> None:
        kwargs.setdefault("headers", {"WWW-Authenticate": "Bearer"})
        super().__init__(message, **kwargs)


class Forbidden(AppError):
    status_code = 403
    code = "AUTHORIZATION_ERROR"


class NotFound(AppError):
    status_code = 404
    code = "RESOURCE_NOT_FOUND"


class Conflict(AppError):
    status_code = 409
    code = "DUPLICATE_RESOURCE"


class Gone(AppError):
    status_code = 410
    code = "RESOURCE_GONE"


class BusinessRuleViolation(AppError):
    status_code = 422
    code = "BUSINESS_LOGIC_ERROR"


class RateLimited(AppError):
    status_code = 429
    code = "RATE_LIMITED"


class Unavailable(AppError):
    status_code = 503
    code = "SERVICE_UNAVAILABLE"


# Seconds a client should wait before retrying: a busy pool frees up quickly, a lost
# server takes a restart.
RETRY_AFTER_BUSY_SECONDS = 2
RETRY_AFTER_LOST_SECONDS = 5


# Codes for errors raised by the framework itself, by status.
_CODES_BY_STATUS = {
    400: "VALIDATION_ERROR",
    401: "AUTHENTICATION_ERROR",
    403: "AUTHORIZATION_ERROR",
    404: "RESOURCE_NOT_FOUND",
    409: "DUPLICATE_RESOURCE",
    410: "RESOURCE_GONE",
    422: "VALIDATION_ERROR",
    429: "RATE_LIMITED",
    503: "SERVICE_UNAVAILABLE",
}


def error_body(message: str, code: str, details: Any = None) -> dict[str, Any]:
    """The JSON error body of spec/API.md."""
    return {
        "error": message,
        "code": code,
        "details": jsonable_encoder(details),
        "timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def error_response(
    status_code: int,
    message: str,
    code: str,
    details: Any = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    return JSONResponse(error_body(message, code, details), status_code, headers=headers)


def _field_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    """Pydantic errors without the echoed input (it may hold passwords or be huge)."""
    fields = []
    for err in exc.errors():
        entry = {"loc": list(err.get("loc", ())), "msg": err.get("msg"), "type": err.get("type")}
        if err.get("type") == "json_invalid" and err.get("ctx"):
            entry["msg"] = f"Invalid JSON: {err['ctx'].get('error')}"
        fields.append(entry)
    return fields


async def _on_app_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AppError)
    return error_response(exc.status_code, exc.message, exc.code, exc.details, exc.headers)


def allowed_methods(request: Request) -> str:
    """`Allow` of the request's path: the methods of its own operation(s) (Starlette's
    405 names only the first route's), with HEAD and OPTIONS (`http.methods`)."""
    return allow_header(served_methods(request.scope))


async def _on_http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    status = exc.status_code
    if status == 405:
        headers = {"Allow": allowed_methods(request)}
        return error_response(
            405, "Method Not Allowed", "VALIDATION_ERROR", "Method Not Allowed", headers
        )
    code = _CODES_BY_STATUS.get(status, "INTERNAL_ERROR" if status >= 500 else "VALIDATION_ERROR")
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "Error"
    detail = exc.detail if isinstance(exc.detail, str) else phrase
    return error_response(status, phrase, code, detail, getattr(exc, "headers", None))


async def _on_validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    if any(e.get("loc", ())[:1] == ("path",) for e in exc.errors()):
        # `PATCH /api/targets/import` reached `PATCH /api/targets/{target_id}` only because
        # "import" fits the template; the path is another operation's: a wrong method.
        allowed = allowed_methods(request)
        if allowed and request.method not in allowed.split(", "):
            return error_response(
                405,
                "Method Not Allowed",
                "VALIDATION_ERROR",
                "Method Not Allowed",
                {"Allow": allowed},
            )
    return error_response(422, "Validation failed", "VALIDATION_ERROR", _field_errors(exc))


def database_unavailable(exc: psycopg.OperationalError) -> Unavailable:
    """The 503 answered for a database failure (`exc` is not shown to the client)."""
    if isinstance(exc, PoolTimeout):
        return Unavailable(
            "Service unavailable",
            details="No database connection became free in time (the service is busy or "
            "the database unreachable); retry after the delay in Retry-After",
            headers={"Retry-After": str(RETRY_AFTER_BUSY_SECONDS)},
        )
    return Unavailable(
        "Service unavailable",
        details="The database connection failed during the request; retry after the delay "
        "in Retry-After (writes with the same Idempotency-Key)",
        headers={"Retry-After": str(RETRY_AFTER_LOST_SECONDS)},
    )


async def _on_database_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, psycopg.OperationalError)
    log.warning(
        "database unavailable on %s %s: %s", request.method, request.url.path, type(exc).__name__
    )
    # Through the app's AppError handler, so a page still gets its HTML error page.
    return await _render(request, database_unavailable(exc))


Handler = Callable[[Request, Exception], Awaitable[Response]]


def _handler_for(app: Any, exc: Exception) -> Handler | None:
    """The app's handler of `exc`, looked up by class as Starlette does."""
    handlers: dict[Any, Handler] = getattr(app, "exception_handlers", {})
    return next((handlers[c] for c in type(exc).__mro__ if c in handlers), None)


async def _render(request: Request, exc: AppError) -> Response:
    handler = _handler_for(request.scope.get("app"), exc) or _on_app_error
    return await handler(request, exc)


async def respond_outside_routing(
    exc: Exception, scope: Scope, receive: Receive, send: Send
) -> None:
    """Answer `exc` from a middleware as the app's own handlers would inside a route
    (JSON body, or a page's HTML error); an exception they do not handle propagates."""
    request = Request(scope, receive)
    handler = _handler_for(scope.get("app"), exc)
    if handler is None:
        raise exc
    response = await handler(request, exc)
    await response(scope, receive, send)


async def _on_client_gone(request: Request, exc: Exception) -> Response:
    """The client went away while sending its body: nothing was done, nobody reads an
    answer (499, nginx's "client closed request"); no error of ours."""
    log.info("client went away during %s %s", request.method, request.url.path)
    return Response(status_code=499)


async def _on_unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(500, "Internal server error", "INTERNAL_ERROR", None)


def install_error_handlers(app: FastAPI) -> None:
    """Route every error the app can raise through the one JSON error body."""
    app.add_exception_handler(AppError, _on_app_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_error)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(psycopg.OperationalError, _on_database_error)  # PoolTimeout too
    app.add_exception_handler(ClientDisconnect, _on_client_gone)
    app.add_exception_handler(Exception, _on_unexpected)
