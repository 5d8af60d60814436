"""Partial updates (PATCH): one merge-patch step for the free JSON objects, one check
for nulls sent to NOT NULL fields.

A PATCH body leaves out what it does not change. Its free objects (`metadata`,
`attributes`) are merged one level deep into the stored ones, a key set to null
removes it, and the result must stay within the JSON limits of `vividshift.fields`.
A field whose column is NOT NULL may be left out but not sent as null (422).
"""

from collections.abc import Callable, Iterable
from typing import Any

from pydantic import BaseModel

from vividshift.errors import ValidationFailed
from vividshift.fields import check_json


def merge_patch(current: dict[str, Any] | None, patch: dict[str, Any]) -> dict[str, Any]:
    """`current` with the keys of `patch` set, and those set to null removed (one level)."""
    merged = dict(current or {})
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    return check_json(merged)


def merge_patch_or_reject(
    current: dict[str, Any] | None, patch: dict[str, Any], problem: str
) -> dict[str, Any]:
    """`merge_patch`, a result over the JSON limits refused with 422 `problem`."""
    try:
        return merge_patch(current, patch)
    except ValueError as exc:
        raise ValidationFailed(problem, details=str(exc)) from None


def reject_sent_nulls(model: BaseModel, fields: Iterable[str]) -> None:
    """A partial update may leave a NOT NULL field out, but not send it as null."""
    for name in fields:
        if name in model.model_fields_set and getattr(model, name) is None:
            raise ValueError(f"{name} may not be null")


def sent_nulls_refused(fields: Iterable[str]) -> Callable[[dict[str, Any]], None]:
    """A model's `json_schema_extra` stating what `reject_sent_nulls` enforces: `fields`
    may be left out, but null is not among their values."""
    names = frozenset(fields)

    def strip_null(schema: dict[str, Any]) -> None:
        for name, prop in schema.get("properties", {}).items():
            if name not in names or "anyOf" not in prop:
                continue
            branches = [b for b in prop.pop("anyOf") if b.get("type") != "null"]
            if len(branches) == 1:
                prop.update(branches[0])
            else:
                prop["anyOf"] = branches
            if "default" in prop and prop["default"] is None:
                del prop["default"]

    return strip_null
