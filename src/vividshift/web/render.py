"""HTML responses: templates, redirects (post/redirect/get), flash messages, error pages.

Every page response passes through `finish`, which writes back session and CSRF cookie
changes and adds the page's security headers. Errors raised by services (the AppError
family), by the framework (bad path or query values, unknown pages) or anything else
are shown to a browser as a readable page with the service's message; other clients
of the same URLs get the API's JSON error body.
"""

import json
import logging
from collections.abc import Awaitable, Callable
from datetime import date, datetime
from http import HTTPStatus
from typing import Any
from urllib.parse import quote, unquote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import HTMLResponse, RedirectResponse, Response

from vividshift.errors import AppError, Unauthorized
from vividshift.web.csrf import apply_nonce_cookie, csrf_token
from vividshift.web.idempotency import idempotency_field
from vividshift.web.session import apply_session_changes, is_https

log = logging.getLogger("vividshift.web")

FLASH_COOKIE = "vividshift_flash"
API_PREFIXES = ("/api", "/auth", "/health", "/ready", "/metrics", "/docs", "/redoc", "/openapi")
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def _when(value: Any) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M ") + (value.tzname() or "UTC")
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else str(value)


def _json(value: Any) -> str:
    return json.dumps(value, indent=2, sort_keys=True, default=str, ensure_ascii=False)


env = Environment(
    loader=PackageLoader("vividshift.web", "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
env.filters["when"] = _when
env.filters["pretty_json"] = _json
env.globals["idempotency_field"] = idempotency_field


def finish(request: Request, response: Response) -> Response:
    apply_session_changes(request, response)
    apply_nonce_cookie(request, response)
    if getattr(request.state, "flash_read", False):
        response.delete_cookie(FLASH_COOKIE, path="/")
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    response.headers.setdefault("Cache-Control", "no-store")
    return response


def _pop_flash(request: Request) -> str | None:
    raw = request.cookies.get(FLASH_COOKIE)
    if not raw:
        return None
    request.state.flash_read = True
    return unquote(raw)[:300]


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> Response:
    """A page from `template` with the signed-in user, CSRF token and flash message."""
    user = getattr(request.state, "web_principal", None)
    values = {
        "request": request,
        "path": request.url.path,
        "user": user,
        "can_write": user is not None and user.role in ("admin", "user"),
        "is_admin": user is not None and user.role == "admin",
        "csrf_token": csrf_token(request),
        "flash": _pop_flash(request),
    } | context
    html = env.get_template(template).render(values)
    return finish(request, HTMLResponse(html, status_code))


def redirect(request: Request, url: str, flash: str | None = None) -> Response:
    """303 See Other to `url` (post/redirect/get), optionally with a one-time message."""
    response = RedirectResponse(url, status_code=303)
    if flash:
        response.set_cookie(
            FLASH_COOKIE,
            quote(flash[:300]),
            httponly=True,
            secure=is_https(request),
            samesite="lax",
            path="/",
        )
    return finish(request, response)


def download(request: Request, body: str | bytes, media_type: str, filename: str) -> Response:
    response = Response(
        body,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
    return finish(request, response)


# --- errors ---------------------------------------------------------------------------

Handler = Callable[[Request, Exception], Awaitable[Response]]


def _is_page(request: Request) -> bool:
    endpoint = request.scope.get("endpoint")
    if endpoint is not None:
        return getattr(endpoint, "__module__", "").startswith("vividshift.web")
    return not request.url.path.startswith(API_PREFIXES)


def _wants_html(request: Request) -> bool:
    return "text/html" in request.headers.get("accept", "")


def safe_next(target: str | None) -> str:
    """A local path to return to after signing in (never another site)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def error_page(request: Request, status_code: int, message: str, details: Any = None) -> Response:
    try:
        title = HTTPStatus(status_code).phrase
    except ValueError:
        title = "Error"
    return render(
        request,
        "error.html",
        status_code,
        title=title,
        status=status_code,
        message=message,
        details=readable_details(details),
    )


def readable_details(details: Any) -> list[str]:
    """A service error's `details` as short lines of text (never a trace)."""
    if details is None:
        return []
    if isinstance(details, str):
        return [details]
    if isinstance(details, list):
        lines = []
        for item in details[:20]:
            if isinstance(item, dict) and "msg" in item:
                where = ".".join(str(p) for p in item.get("loc", []) if p != "body")
                lines.append(f"{where}: {item['msg']}" if where else str(item["msg"]))
            elif isinstance(item, dict) and "row" in item:
                lines.append(f"row {item['row']}: " + "; ".join(readable_details(item["errors"])))
            else:
                lines.append(str(item))
        return lines
    if isinstance(details, dict):
        if "message" in details:
            lines = [str(details["message"])]
            for shortage in details.get("shortages") or []:
                lines.append(
                    f"{', '.join(map(str, shortage.get('targets') or []))}: needs "
                    f"{shortage.get('required')}, {shortage.get('eligible_count')} eligible"
                    + (f" ({shortage['reason']})" if shortage.get("reason") else "")
                )
            return lines
        if "validation_results" in details:
            return [
                f"{r.get('validator')}: {'; '.join(map(str, r.get('messages') or [])) or 'failed'}"
                for r in details["validation_results"]
                if not r.get("passed")
            ]
        return [f"{k}: {v}" for k, v in details.items()]
    return [str(details)]


def install_page_errors(app: FastAPI) -> None:
    """Wrap the app's error handlers: pages get HTML, everything else keeps its JSON."""
    handlers: dict[Any, Handler] = dict(app.exception_handlers)
    app_error = handlers[AppError]
    http_error = handlers[StarletteHTTPException]
    invalid = handlers[RequestValidationError]
    unexpected = handlers[Exception]

    async def on_app_error(request: Request, exc: Exception) -> Response:
        if not (_is_page(request) and _wants_html(request)):
            return await app_error(request, exc)
        assert isinstance(exc, AppError)
        if isinstance(exc, Unauthorized):
            here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            nxt = "" if here == "/" else "?next=" + quote(safe_next(here), safe="")
            return redirect(request, "/login" + nxt)
        response = error_page(request, exc.status_code, exc.message, exc.details)
        for name, value in (exc.headers or {}).items():  # Retry-After of a 429 or 503
            response.headers.setdefault(name, value)
        return response

    async def on_http_error(request: Request, exc: Exception) -> Response:
        if not (_is_page(request) and _wants_html(request)):
            return await http_error(request, exc)
        assert isinstance(exc, StarletteHTTPException)
        message = {404: "There is no such page.", 405: "This page does not accept that."}
        return error_page(request, exc.status_code, message.get(exc.status_code, "Error"))

    async def on_invalid(request: Request, exc: Exception) -> Response:
        if not (_is_page(request) and _wants_html(request)):
            return await invalid(request, exc)
        assert isinstance(exc, RequestValidationError)
        if any(e.get("loc", ("",))[0] == "path" for e in exc.errors()):
            return error_page(request, 404, "There is no such page.")
        lines = [
            f"{'.'.join(str(p) for p in e.get('loc', ())[1:])}: {e.get('msg')}"
            for e in exc.errors()
        ]
        return error_page(request, 400, "Some values in the address are not valid.", lines)

    async def on_unexpected(request: Request, exc: Exception) -> Response:
        if not (_is_page(request) and _wants_html(request)):
            return await unexpected(request, exc)
        log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
        return error_page(request, 500, "Something went wrong on our side; please try again.")

    app.add_exception_handler(AppError, on_app_error)
    app.add_exception_handler(StarletteHTTPException, on_http_error)
    app.add_exception_handler(RequestValidationError, on_invalid)
    app.add_exception_handler(Exception, on_unexpected)
