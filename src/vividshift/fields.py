"""Field types of the request bodies, and the input limits they enforce.

Documented limits (every violation is a 422 VALIDATION_ERROR, never a 500):

- request body: `VIVIDSHIFT_MAX_BODY_BYTES` (default 10 MiB) → 413;
- name, display name, email, phone, version: the column's length (200, 200, 255, 20,
  20 characters); a description: 10 000 characters;
- a skill (an entry of `skills` / `required_skills`): 1–100 characters; at most 100
  skills in a list (duplicates are dropped);
- a free JSON value (`metadata`, `preferences`, `constraints`, entity attributes, …):
  nesting depth ≤ 8, at most 2 000 values in all, strings ≤ 10 000 characters, keys
  ≤ 200 characters, arrays ≤ 1 000 entries, no NaN/Infinity;
- a JSON Schema of an entity definition: the same, with depth ≤ 16;
- an import: at most 10 000 rows.

No string anywhere may hold U+0000 (PostgreSQL cannot store it): JSON bodies are refused
by the route class already; this module refuses it again for CSV imports and the CLI.
"""

import math
import re
from datetime import date, datetime, time
from functools import cache
from typing import Annotated, Any
from zoneinfo import available_timezones

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    Strict,
    StringConstraints,
    WithJsonSchema,
)

MAX_DESCRIPTION = 10_000
MAX_SKILL_LENGTH = 100
MAX_SKILLS = 100
MAX_JSON_DEPTH = 8
MAX_SCHEMA_DEPTH = 16
MAX_JSON_NODES = 2_000
MAX_JSON_STRING = 10_000
MAX_JSON_KEY = 200
MAX_JSON_ARRAY = 1_000
MAX_IMPORT_ROWS = 10_000


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("NUL characters (\\u0000) are not allowed")
    return value


def check_json(value: Any, *, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """Refuse a JSON value deeper, larger or longer than the documented limits."""
    nodes = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        nodes += 1
        if nodes > MAX_JSON_NODES:
            raise ValueError(f"JSON value holds more than {MAX_JSON_NODES} values")
        if isinstance(item, str):
            if len(item) > MAX_JSON_STRING:
                raise ValueError(f"JSON strings may hold at most {MAX_JSON_STRING} characters")
            _no_nul(item)
        elif isinstance(item, dict | list):
            if depth > max_depth:
                raise ValueError(f"JSON nesting deeper than {max_depth} levels")
            if isinstance(item, dict):
                for key in item:
                    if not isinstance(key, str) or len(key) > MAX_JSON_KEY:
                        raise ValueError(f"JSON keys may hold at most {MAX_JSON_KEY} characters")
                    _no_nul(key)
                stack.extend((v, depth + 1) for v in item.values())
            else:
                if len(item) > MAX_JSON_ARRAY:
                    raise ValueError(f"JSON arrays may hold at most {MAX_JSON_ARRAY} entries")
                stack.extend((v, depth + 1) for v in item)
        elif isinstance(item, float) and not math.isfinite(item):
            raise ValueError("NaN and Infinity are not JSON values")
    return value


def _check_schema_json(value: Any) -> Any:
    return check_json(value, max_depth=MAX_SCHEMA_DEPTH)


NO_NUL = AfterValidator(_no_nul)


def bounded(max_length: int, *, min_length: int = 0) -> StringConstraints:
    """Strip, then bound the length. A text type is `Annotated[str, bounded(…), NO_NUL]`:
    a stripped string of bounded length without NUL characters (written out rather than
    returned by a function, so that type checkers see a type)."""
    return StringConstraints(strip_whitespace=True, min_length=min_length, max_length=max_length)


Name = Annotated[str, bounded(200, min_length=1), NO_NUL]
Description = Annotated[str, bounded(MAX_DESCRIPTION), NO_NUL]
MAX_NOTE = 500  # an absence's reason, a swap or cover request's note (VARCHAR columns)
Note = Annotated[str, bounded(MAX_NOTE), NO_NUL]
Email = Annotated[str, bounded(255), NO_NUL]
Phone = Annotated[str, bounded(20), NO_NUL]
Skill = Annotated[str, bounded(MAX_SKILL_LENGTH, min_length=1), NO_NUL]
SkillList = Annotated[list[Skill], Field(max_length=MAX_SKILLS)]
JsonObject = Annotated[dict[str, Any], AfterValidator(check_json)]
JsonValue = Annotated[Any, AfterValidator(check_json)]
SchemaObject = Annotated[dict[str, Any], AfterValidator(_check_schema_json)]


def unique_skills(skills: list[str]) -> list[str]:
    """Skills in first-seen order without duplicates (a set, stored as a JSON array)."""
    return list(dict.fromkeys(skills))


# --- no lax coercions on native endpoints -----------------------------------------------
# Pydantic's lax mode reads `0`/`1`/"yes" as booleans and a number as a Unix time for a
# date: `is_active: 0` and `date_to=0` (1970-01-01) were accepted. These types accept
# only what the OpenAPI document says: JSON true/false, and YYYY-MM-DD.

Boolean = Annotated[bool, Strict()]

# A local wall time, without an offset (it may fall in a spring gap, where no offset
# exists): not an RFC 3339 `date-time`, so its schema says what it is.
LocalDateTime = Annotated[
    datetime,
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?$",
            "examples": ["2030-03-31T02:30:00"],
        }
    ),
]


def _iso_date(value: Any) -> Any:
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise ValueError("must be a date written YYYY-MM-DD")
    return value


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
IsoDate = Annotated[date, BeforeValidator(_iso_date)]


def _iso_moment(value: Any) -> Any:
    # Lax mode reads a number, or a string of one ("0.5"), as a Unix time.
    if isinstance(value, date):  # a datetime is a date too
        return value
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        raise ValueError("must be a date (YYYY-MM-DD) or an ISO 8601 date-time")
    return value


# A local date, a local wall time or an instant, written in ISO 8601 (the rota's turns).
IsoMoment = Annotated[date | datetime, BeforeValidator(_iso_moment)]


_CLOCK_TIME = r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?$"


def _clock_time(value: Any) -> Any:
    # Lax mode reads a number as seconds; an offset means nothing for a wall time in a
    # zone (and PostgreSQL refuses one beyond ±15:59).
    if isinstance(value, time) and value.tzinfo is None:
        return value
    if not isinstance(value, str) or not re.fullmatch(_CLOCK_TIME, value, re.ASCII):
        raise ValueError("must be a local clock time written HH:MM[:SS], without an offset")
    return value


# A local clock time (quiet hours): HH:MM or HH:MM:SS, no offset.
ClockTime = Annotated[
    time,
    BeforeValidator(_clock_time),
    WithJsonSchema({"type": "string", "pattern": _CLOCK_TIME, "examples": ["22:00"]}),
]


@cache
def iana_zones() -> tuple[str, ...]:
    """The IANA time zone names this system knows (the `tzdata` package's)."""
    return tuple(sorted(available_timezones()))


def _zone_enum(schema: dict[str, Any]) -> None:
    schema["enum"] = list(iana_zones())


# On a time zone field: the schema lists the names the server accepts.
ZONE_NAMES = Field(json_schema_extra=_zone_enum)

# Largest seed: 2^53 - 1, the largest integer a JSON number carries exactly (I-JSON,
# RFC 7493); /openapi.json's numbers are floats, where 2^63 - 1 would read as 2^63.
MAX_SEED = 2**53 - 1
