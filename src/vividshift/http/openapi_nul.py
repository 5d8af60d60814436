"""/openapi.json states the NUL rule: every request refuses U+0000 (`nul_guard`, the
route class), so every free string of the document carries a pattern without it, and
every free-form JSON object (`fields.JsonObject`: a participant's availability, a
task's constraints …) holds keys without it and values of `FreeJsonValue`, a recursive
schema whose strings carry the pattern too (`fields.check_json` refuses NUL at any
depth)."""

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI

# `\x00` as regex text: read the same by Python's `re` and ECMAScript.
NO_NUL_PATTERN = "^[^\\x00]*$"
# A string with one of these is bounded already (an enum, a UUID, a date, an address).
_BOUNDED = ("pattern", "enum", "const", "format", "contentEncoding")


FREE_JSON_VALUE = "FreeJsonValue"
_FREE_REF = {"$ref": f"#/components/schemas/{FREE_JSON_VALUE}"}


def free_object(properties: dict[str, Any] | None = None) -> dict[str, Any]:
    """A free-form JSON object's schema; `properties`: keys it reads in a given shape
    (a schema with properties is not rewritten here, so it states the rule itself)."""
    return {
        "type": "object",
        "propertyNames": {"pattern": NO_NUL_PATTERN},
        "additionalProperties": dict(_FREE_REF),
    } | ({"properties": properties} if properties else {})


def free_json_value() -> dict[str, Any]:
    """Any JSON value without U+0000 in a string or a key, at any depth."""
    return {
        "description": "any JSON value; no string or key holds U+0000",
        "anyOf": [
            {"type": "string", "pattern": NO_NUL_PATTERN},
            {"type": "number"},
            {"type": "boolean"},
            {"type": "null"},
            {"type": "array", "items": dict(_FREE_REF)},
            free_object(),
        ],
    }


def _is_free_object(schema: dict[str, Any]) -> bool:
    return (
        schema.get("type") == "object"
        and "properties" not in schema
        and schema.get("additionalProperties", True) is True
    )


def _is_string(schema: dict[str, Any]) -> bool:
    kind = schema.get("type")
    return kind == "string" or (isinstance(kind, list) and "string" in kind)


def state_no_nul(node: Any) -> None:
    """Give every free string schema under `node` the no-NUL pattern (in place)."""
    if isinstance(node, dict):
        if _is_string(node) and not any(key in node for key in _BOUNDED):
            node["pattern"] = NO_NUL_PATTERN
        if _is_free_object(node):
            node.update(free_object())
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
        schemas = document.setdefault("components", {}).setdefault("schemas", {})
        state_no_nul(schemas)
        schemas[FREE_JSON_VALUE] = free_json_value()
        for operations in document.get("paths", {}).values():
            state_no_nul(operations)
        return document

    app.openapi = openapi  # type: ignore[method-assign]
