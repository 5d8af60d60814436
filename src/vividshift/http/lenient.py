"""Compatible request bodies: unknown fields are ignored and reported, never refused.

The predecessor ignored fields it did not know, and its clients and scripts may still
send them. On the compatible endpoints only (`POST /api/work-groups/generate`,
`POST /api/assignments/generate`), the body model derives from `Lenient`: after
validation its unknown top-level fields are dropped (they reach no service, no stored
request, no idempotency fingerprint) and remembered as warnings. The route answers
them with `report(response, body.warnings())`:

- the JSON object answered has a `warnings` list (its model derives from `Warned`;
  the key is left out when there is nothing to say), e.g.
  `["unknown field 'foo' ignored"]`;
- every such answer carries the header `X-VividShift-Warnings`: the same list as a JSON
  array, ASCII-escaped (documented on the route with `warnings_header(...)`).

At most `MAX_WARNINGS` fields are named (longer names are cut), then one line counts the
rest, so neither the body nor the header grows with a hostile request. Nested objects
keep their own models' rules. Native endpoints stay strict (`extra="forbid"`: 422).
"""

import json
from typing import Any

from fastapi import Response
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator

WARNINGS_HEADER = "X-VividShift-Warnings"
MAX_WARNINGS = 20
MAX_NAME = 100


def ignored_warnings(names: list[str]) -> list[str]:
    """One warning per ignored field name, bounded."""
    shown = [
        f"unknown field '{n[:MAX_NAME]}{'…' if len(n) > MAX_NAME else ''}' ignored"
        for n in names[:MAX_WARNINGS]
    ]
    if len(names) > MAX_WARNINGS:
        shown.append(f"and {len(names) - MAX_WARNINGS} more unknown fields ignored")
    return shown


class Lenient(BaseModel):
    """A compatible request body: unknown top-level fields are dropped and recorded."""

    model_config = ConfigDict(extra="allow")

    _ignored: list[str] = PrivateAttr(default_factory=list)

    @model_validator(mode="after")
    def _drop_unknown(self) -> "Lenient":
        extra = self.__pydantic_extra__
        if extra:
            self._ignored = list(extra)
            extra.clear()
        return self

    def warnings(self) -> list[str]:
        """What the answer should say about the ignored fields (empty: nothing)."""
        return ignored_warnings(self._ignored)


class Warned(BaseModel):
    """A compatible answer that may list warnings (left out when there are none)."""

    warnings: list[str] = Field(
        default_factory=list,
        exclude_if=lambda value: not value,
        description="what the server ignored in the request, e.g. "
        "\"unknown field 'foo' ignored\"; absent when nothing was",
        examples=[["unknown field 'foo' ignored"]],
    )


def report(response: Response, warnings: list[str]) -> None:
    """Put `warnings` in the `X-VividShift-Warnings` header of `response` (when any)."""
    if warnings:
        response.headers[WARNINGS_HEADER] = json.dumps(warnings, ensure_ascii=True)


def warnings_header(responses: dict[Any, dict[str, Any]], *statuses: int) -> dict[Any, Any]:
    """`responses` with the warnings header documented on each of `statuses`."""
    header = {
        WARNINGS_HEADER: {
            "description": "Only when the request held fields the server ignored: a JSON "
            "array of warnings, e.g. [\"unknown field 'foo' ignored\"]",
            "schema": {"type": "string"},
        }
    }
    documented = dict(responses)
    for status in statuses:
        entry = dict(documented.get(status, {}))
        entry["headers"] = {**entry.get("headers", {}), **header}
        documented[status] = entry
    return documented
