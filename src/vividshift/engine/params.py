"""Reading strategy/validator parameters against their JSON Schema.

A tiny subset of JSON Schema (type, enum, minimum, maximum, default) is enough for
flat parameter objects and keeps the engine free of a schema library. Unknown keys
are kept and ignored: older clients send parameters we no longer need.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from vividshift.engine.errors import InvalidProblem


class InvalidParameters(InvalidProblem):
    """A parameter has the wrong type or is out of range (the service answers 422)."""


_TYPES: dict[str, tuple[type, ...]] = {
    "number": (int, float),
    "integer": (int,),
    "boolean": (bool,),
    "string": (str,),
    "object": (dict,),
    "array": (list, tuple),
}


def read_parameters(owner: str, schema: Mapping[str, Any], given: Mapping[str, Any]) -> dict:
    """Defaults filled in, every known parameter checked; raises InvalidParameters."""
    out = dict(given)
    for key, rule in schema.get("properties", {}).items():
        if out.get(key) is None:
            if "default" in rule:
                out[key] = rule["default"]
            continue
        out[key] = _check(f"{owner}.{key}", rule, out[key])
    return out


def _check(where: str, rule: Mapping[str, Any], value: Any) -> Any:
    kinds = rule.get("type")
    if kinds is not None:
        allowed = [kinds] if isinstance(kinds, str) else list(kinds)
        ok = any(
            isinstance(value, _TYPES[k]) and not (k != "boolean" and isinstance(value, bool))
            for k in allowed
        )
        if not ok:
            raise InvalidParameters(f"{where} must be {' or '.join(allowed)}, got {value!r}")
    if "enum" in rule and value not in rule["enum"]:
        raise InvalidParameters(f"{where} must be one of {rule['enum']}, got {value!r}")
    if "minimum" in rule and value < rule["minimum"]:
        raise InvalidParameters(f"{where} must be >= {rule['minimum']}, got {value!r}")
    if "maximum" in rule and value > rule["maximum"]:
        raise InvalidParameters(f"{where} must be <= {rule['maximum']}, got {value!r}")
    return value
