"""Form values in, field errors out: the glue between HTML forms and the services'
pydantic models. No rule lives here; the models and services decide what is valid."""

import json
import re
from typing import Any

from pydantic import ValidationError
from starlette.datastructures import FormData

from vividshift.errors import AppError

FieldErrors = dict[str, str]


def text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def optional(form: FormData, name: str) -> str | None:
    return text(form, name) or None


_WHOLE_NUMBER = re.compile(r"-?[0-9]{1,9}")  # longer: out of every field's range anyway


def whole_number(form: FormData, name: str) -> int | str | None:
    """A number field: None when empty, an int when it is one, else the text as typed
    (the model refuses it with its message; strict integer fields take no strings)."""
    value = text(form, name)
    if not value:
        return None
    return int(value) if _WHOLE_NUMBER.fullmatch(value) else value


def tags(form: FormData, name: str) -> list[str]:
    """`cleaning, cooking` → ["cleaning", "cooking"] (commas or semicolons)."""
    raw = text(form, name).replace(";", ",")
    return [part.strip() for part in raw.split(",") if part.strip()]


def checked(form: FormData, name: str) -> bool:
    return form.get(name) in ("on", "true", "1", "yes")


def json_object(form: FormData, name: str, errors: FieldErrors) -> dict[str, Any]:
    raw = text(form, name)
    if not raw:
        return {}
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as exc:
        errors[name] = f"Not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        return {}
    except RecursionError:
        errors[name] = "Too deeply nested"
        return {}
    if not isinstance(value, dict):
        errors[name] = 'Expected a JSON object, like {"key": "value"}'
        return {}
    return value


def _clean(message: str) -> str:
    return message.removeprefix("Value error, ")


def pydantic_errors(exc: ValidationError, fields: dict[str, str] | None = None) -> FieldErrors:
    """Field name → first message; `fields` maps a model's field onto the form's name."""
    errors: FieldErrors = {}
    for err in exc.errors(include_url=False):
        loc = [str(p) for p in err.get("loc", ())]
        key = loc[0] if loc else "form"
        key = (fields or {}).get(key, key)
        detail = ".".join(loc[1:])
        message = _clean(str(err.get("msg", "invalid")))
        errors.setdefault(key, f"{detail}: {message}" if detail and key != "form" else message)
    return errors


def service_errors(exc: AppError, fields: dict[str, str] | None = None) -> FieldErrors:
    """The field errors a service reported in `details` (loc ["body", field, …])."""
    errors: FieldErrors = {}
    if isinstance(exc.details, list):
        for item in exc.details:
            if isinstance(item, dict) and "loc" in item:
                loc = [str(p) for p in item["loc"] if p != "body"]
                if loc:
                    errors.setdefault((fields or {}).get(loc[0], loc[0]), str(item.get("msg")))
    return errors
