"""/openapi.json states the NUL rule: every request refuses U+0000 (`nul_guard`, the
route class), so every free string of the document carries a pattern without it."""

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI

# `\x00` as regex text: read the same by Python's `re` and ECMAScript.
NO_NUL_PATTERN = "^[^\\x00]*$"
# A string with one of these is bounded already (an enum, a UUID, a date, an address).
_BOUNDED = ("pattern", "enum", "const", "format", "contentEncoding")


def _is_string(schema: dict[str, Any]) -> bool:
    kind = schema.get("type")
    return kind == "string" or (isinstance(kind, list) and "string" in kind)


def state_no_nul(node: Any) -> None:
    """Give every free string schema under `node` the no-NUL pattern (in place)."""
    if isinstance(node, dict):
        if _is_string(node) and not any(key in node for key in _BOUNDED):
            node["pattern"] = NO_NUL_PATTERN
        for value in node.values():
            state_no_nul(value)
    elif isinstance(node, list):
        for value in node:
            state_no_nul(value)


def install_no_nul_schema(app: FastAPI) -> None:
    """Wrap the app's OpenAPI builder so the document it caches states the rule."""
    build: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        document = build()
        state_no_nul(document.get("components", {}).get("schemas", {}))
        for operations in document.get("paths", {}).values():
            state_no_nul(operations)
        return document

    app.openapi = openapi  # type: ignore[method-assign]
