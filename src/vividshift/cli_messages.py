"""Errors told as sentences on a terminal: what the HTTP API sends as a JSON body, the
CLI prints as lines like `password: Password is too common; choose another`."""

from typing import Any

import psycopg

from vividshift.errors import AppError

# Locations that only say where in an HTTP request a value was: no meaning on a terminal.
_HTTP_PARTS = {"body", "query", "path", "header", "cookie"}


def field_name(loc: Any) -> str:
    """`["body", "availability", "monday"]` → `availability.monday`."""
    parts = [str(p) for p in (loc or []) if str(p) not in _HTTP_PARTS]
    return ".".join(parts)


def _problem(item: dict[str, Any]) -> str:
    field = field_name(item.get("loc"))
    msg = str(item.get("msg") or item.get("message") or "invalid")
    return f"{field}: {msg}" if field else msg


def detail_lines(details: Any) -> list[str]:
    """Each problem of an error's `details` as one plain line."""
    if details is None or details == "" or details == []:
        return []
    if isinstance(details, str):
        return [details]
    if isinstance(details, dict):
        return [f"{key}: {_plain(value)}" for key, value in details.items()]
    lines: list[str] = []
    for item in details if isinstance(details, list) else [details]:
        if isinstance(item, dict) and "row" in item and isinstance(item.get("errors"), list):
            lines += [f"row {item['row']}: {_problem(e)}" for e in item["errors"]]
        elif isinstance(item, dict) and ("msg" in item or "message" in item):
            lines.append(_problem(item))
        else:
            lines.append(_plain(item))
    return lines


def _plain(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(_plain(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_plain(v)}" for k, v in value.items())
    return str(value)


def error_lines(exc: AppError) -> list[str]:
    """`error: <message>` and one indented line per detail."""
    return [f"error: {exc.message}"] + [f"  {line}" for line in detail_lines(exc.details)]


def connection_problem(exc: BaseException, where: str) -> str:
    """One line for a database that cannot be reached: what failed, and where."""
    text = str(exc).strip().splitlines()
    reason = text[0] if text else type(exc).__name__
    # psycopg prefixes 'connection failed: connection to server at "h" (ip), port p
    # failed: <reason>': keep the reason, we say where ourselves.
    if "failed: " in reason:
        reason = reason.rsplit("failed: ", 1)[1]
    return f"error: cannot connect to the database at {where}: {reason}"


def where(url: str) -> str:
    """`host:port/dbname` of a URL, without user or password."""
    try:
        info = psycopg.conninfo.conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "DATABASE_URL (not a valid URL)"
    host = info.get("host") or "localhost"
    if str(host).startswith("/"):
        host = f"socket {host}"
    port = info.get("port") or 5432
    return f"{host}:{port}/{info.get('dbname') or info.get('user') or ''}"
