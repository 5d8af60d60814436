"""Participant shapes, and the documented format of `availability`.

`availability` is an object whose keys are:
- a weekday (`monday` … `sunday`, lowercase) → an object of time slots: `"H:MM"` or
  `"HH:MM"` (24-hour clock, `"9:00"`, `"17:30"`), or a range `"13:00-17:00"` →
  `"available"`, `"unavailable"` or `"preferred"`; at most 96 slots a day. Times are
  clock times in the domain's time zone. A slot `"HH:MM"` lasts until the day's next
  listed slot or the next of the web page's grid times (9:00, 13:00, 18:00), else
  midnight: alone, `"13:00"` is 13:00–18:00. An `unavailable` slot that overlaps a
  shift rules the person out of it; `preferred` is available and preferred; a day
  without slots is available unless the domain's `availability_default` says
  "unavailable";
- `available` → `false` marks someone away altogether (`true` is allowed, the default);
- `unavailable` → at most 366 absences, each `{"start": ISO date/datetime, "end": …}`
  (optionally `"reason"`) or `[start, end]`, end not before start;
- `preferences` → a free object (e.g. `{"morning_shift": true}`).
Any other key, a bad time, or an unknown status is a 422. This is what the engine reads
(`vividshift.engine.availability`), and `availability` filters match it with `@>`.

The participant's own `preferences` is a free object too, except for the three keys the
engine reads (`vividshift.engine.stated_preferences`): `preferred_targets` and
`avoided_targets` are lists of target ids, `targets` an object of target id → a number
from 0 to 1. Any of them in another shape is a 422.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Annotated, Any
from uuid import UUID

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from vividshift.engine import stated_preferences as preference_keys
from vividshift.engine.model import skill_names
from vividshift.fields import (
    NO_NUL,
    Boolean,
    Email,
    JsonObject,
    Name,
    Phone,
    SkillList,
    bounded,
    check_json,
    unique_skills,
)
from vividshift.http.openapi_nul import NO_NUL_PATTERN, free_object
from vividshift.participants.rows import ParticipantRow
from vividshift.patching import reject_sent_nulls, sent_nulls_refused
from vividshift.stored_json import stored_object


@dataclass(frozen=True)
class ParticipantFilters:
    """The schema's query patterns; each one maps onto an index (see SCHEMA.md): what
    `list_participants` filters on."""

    has_skill: str | None = None  # skills ? s            (GIN on skills)
    has_all_skills: list[str] = field(default_factory=list)  # skills @> [...]  (GIN)
    availability: dict[str, Any] | None = None  # availability @> {...}  (GIN)
    active_only: bool = True  # is_active = true (partial index)
    name_contains: str | None = None  # name ILIKE %…% (case-insensitive)
    domain_ids: list[UUID] | None = None  # domain_id = ANY(...) (None: every domain)
    # domain_id IN (the domains a caller reads), in the list's own query:
    # `domains.access.visibility` of the caller (its visible_to None: every domain).
    visibility: dict[str, Any] | None = None


# What lists may be sorted on (`sort=name`, `-created_at`).
SORT_KEYS = frozenset({"name", "email", "created_at", "updated_at"})
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
SLOT_STATUSES = ("available", "unavailable", "preferred")
TIME_SLOT = re.compile(r"^([01]?\d|2[0-3]):[0-5]\d(-(([01]?\d|2[0-3]):[0-5]\d|24:00))?$")
EMAIL = re.compile(r"^[^@\s\x00]+@[^@\s\x00]+$")
MAX_SLOTS_PER_DAY = 96
MAX_ABSENCES = 366
ABSENCE_KEYS = {"start", "end", "reason"}


def _instant(value: Any, where: str) -> datetime:
    if not isinstance(value, str) or len(value) > 40:
        raise ValueError(f"{where}: expected an ISO date or datetime string")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{where}: {value!r} is not an ISO date or datetime") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _check_absence(raw: Any, where: str) -> None:
    if isinstance(raw, dict):
        if set(raw) - ABSENCE_KEYS or not {"start", "end"} <= set(raw):
            raise ValueError(f"{where}: an absence is {{start, end}} with an optional reason")
        if "reason" in raw and not isinstance(raw["reason"], str):
            raise ValueError(f"{where}.reason: expected a string")
        start, end = raw["start"], raw["end"]
    elif isinstance(raw, list) and len(raw) == 2:
        start, end = raw
    else:
        raise ValueError(f"{where}: an absence is {{start, end}} or [start, end]")
    if _instant(end, where) < _instant(start, where):
        raise ValueError(f"{where}: ends before it starts")


def check_availability(value: dict[str, Any]) -> dict[str, Any]:
    """Refuse availability outside the documented format."""
    check_json(value)
    for key, slots in value.items():
        if key in WEEKDAYS:
            if not isinstance(slots, dict) or len(slots) > MAX_SLOTS_PER_DAY:
                raise ValueError(f"{key}: expected an object of at most 96 time slots")
            for time, status in slots.items():
                if not TIME_SLOT.match(time):
                    raise ValueError(
                        f"{key}: {time!r} is not a time like 9:00 or 17:30, or a range like "
                        "13:00-17:00"
                    )
                if status not in SLOT_STATUSES:
                    raise ValueError(f"{key}.{time}: status must be one of {SLOT_STATUSES}")
        elif key == "available":
            if not isinstance(slots, bool):
                raise ValueError("available: expected true or false")
        elif key == "unavailable":
            if not isinstance(slots, list) or len(slots) > MAX_ABSENCES:
                raise ValueError(f"unavailable: expected a list of at most {MAX_ABSENCES}")
            for i, absence in enumerate(slots):
                _check_absence(absence, f"unavailable[{i}]")
        elif key == "preferences":
            if not isinstance(slots, dict):
                raise ValueError("preferences: expected an object")
        else:
            raise ValueError(
                f"{key!r} is not an availability key: use a weekday, available, "
                "unavailable or preferences"
            )
    return value


def check_preferences(value: dict[str, Any]) -> dict[str, Any]:
    """Refuse the keys the engine reads in another shape; the rest is free (sizes: as
    any JSON value, `check_json`)."""
    check_json(value)
    for key, _ in preference_keys.LISTS:
        ids = value.get(key)
        if key in value and not (isinstance(ids, list) and all(isinstance(i, str) for i in ids)):
            raise ValueError(f"preferences.{key}: expected a list of target ids")
    if preference_keys.VALUES_KEY in value:
        given = value[preference_keys.VALUES_KEY]
        if not (isinstance(given, dict) and all(map(_is_share, given.values()))):
            raise ValueError(
                f"preferences.{preference_keys.VALUES_KEY}: expected an object of target id → 0–1"
            )
    return value


def _is_share(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value <= 1


def _check_email(value: str | None) -> str | None:
    if value is not None and not EMAIL.match(value):
        raise ValueError("not an email address")
    return value


# `check_availability`, stated for the document (all but "an absence does not end
# before it starts", which no schema can say).
_INSTANT = {"type": "string", "maxLength": 40, "description": "ISO date or date-time"}
AVAILABILITY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        **{
            day: {
                "type": "object",
                "maxProperties": MAX_SLOTS_PER_DAY,
                "propertyNames": {"pattern": TIME_SLOT.pattern},
                "additionalProperties": {"enum": list(SLOT_STATUSES)},
            }
            for day in WEEKDAYS
        },
        "available": {"type": "boolean"},
        "unavailable": {
            "type": "array",
            "maxItems": MAX_ABSENCES,
            "items": {
                "anyOf": [
                    {
                        "type": "object",
                        "properties": {
                            "start": _INSTANT,
                            "end": _INSTANT,
                            "reason": {"type": "string"},
                        },
                        "required": ["start", "end"],
                        "additionalProperties": False,
                    },
                    {"type": "array", "items": _INSTANT, "minItems": 2, "maxItems": 2},
                ]
            },
        },
        "preferences": {"type": "object"},
    },
    "additionalProperties": False,
}

Availability = Annotated[
    dict[str, Any],
    AfterValidator(check_availability),
    Field(
        description='weekday → {"H:MM": available|unavailable|preferred}; available: bool; '
        "unavailable: [{start, end}]; preferences: object",
        examples=[{"monday": {"9:00": "available", "17:00": "unavailable"}}],
        json_schema_extra=AVAILABILITY_SCHEMA,
    ),
]
_TARGET_IDS = {"type": "array", "items": {"type": "string"}}
PREFERENCES_SCHEMA = free_object(
    {key: _TARGET_IDS for key, _ in preference_keys.LISTS}
    | {
        preference_keys.VALUES_KEY: {
            "type": "object",
            "propertyNames": {"pattern": NO_NUL_PATTERN},
            "additionalProperties": {"type": "number", "minimum": 0, "maximum": 1},
        },
    }
)

Preferences = Annotated[
    dict[str, Any],
    AfterValidator(check_preferences),
    Field(
        description="a free object; the engine reads preferred_targets and avoided_targets "
        "(lists of target ids) and targets (target id → 0–1)",
        examples=[{"preferred_targets": [], "targets": {}, "morning_shift": True}],
        json_schema_extra=PREFERENCES_SCHEMA,
    ),
]
Skills = Annotated[SkillList, AfterValidator(unique_skills)]
EmailAddress = Annotated[
    Email, AfterValidator(_check_email), Field(json_schema_extra={"pattern": EMAIL.pattern})
]
DomainRef = Annotated[
    str,
    bounded(100, min_length=1),
    NO_NUL,
    Field(description="the domain's name or id (default: the domain `default`)"),
]
LinkedUser = Annotated[
    UUID,
    Field(description="an existing account this participant is (unique per domain)"),
]


class ParticipantCreate(BaseModel):
    """A new participant. Unknown fields are refused."""

    model_config = ConfigDict(extra="forbid")

    name: Name
    email: EmailAddress | None = None
    phone: Phone | None = None
    skills: Skills = Field(default_factory=list)
    availability: Availability = Field(default_factory=dict)
    preferences: Preferences = Field(default_factory=dict)
    metadata: JsonObject = Field(default_factory=dict)
    is_active: Boolean = True
    domain: DomainRef | None = None
    user_id: LinkedUser | None = None


NOT_NULL_ON_UPDATE = ("name", "skills", "availability", "preferences", "metadata", "is_active")


class ParticipantUpdate(BaseModel):
    """A partial change: only the fields sent are written; `email`/`phone`/`user_id` may
    be null. A `member` of the domain may send only `availability` and `preferences`,
    and only for the participant linked to them; everything else needs `manager`."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra=sent_nulls_refused(NOT_NULL_ON_UPDATE)
    )

    name: Name | None = None
    email: EmailAddress | None = None
    phone: Phone | None = None
    skills: Skills | None = None
    availability: Availability | None = None
    preferences: Preferences | None = None
    metadata: JsonObject | None = None
    is_active: Boolean | None = None
    user_id: LinkedUser | None = Field(
        default=None, description="link to an existing account (unique per domain); null unlinks"
    )

    @model_validator(mode="after")
    def _no_null_for_required(self) -> "ParticipantUpdate":
        reject_sent_nulls(self, NOT_NULL_ON_UPDATE)
        return self


class ParticipantRead(BaseModel):
    id: UUID
    domain_id: UUID
    user_id: UUID | None
    name: str
    email: str | None
    phone: str | None
    skills: list[str]
    availability: dict[str, Any]
    preferences: dict[str, Any]
    metadata: dict[str, Any]
    is_active: bool
    created_by: UUID | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_row(cls, row: ParticipantRow | Mapping[str, Any]) -> "ParticipantRead":
        """The read model of a row; a mapping too, as the list query still hands out.
        A JSON column in a shape the API never stores (written by another program) reads
        as the list query gives it: skills as `skill_names` (so graded skills as their
        names), any other that is no object as `{}`."""
        values = dict(vars(row) if isinstance(row, ParticipantRow) else row)
        values["skills"] = skill_names(values.get("skills"))
        for key in ("availability", "preferences", "metadata"):
            values[key] = stored_object(values.get(key))
        return cls.model_validate(values)


class ImportResult(BaseModel):
    created: int
    ids: list[UUID] = Field(description="the created rows' ids, in input order")
    updated: int = Field(default=0, description="stored rows updated (CLI: --on-duplicate update)")
    skipped: int = Field(
        default=0, description="duplicate rows left out (CLI `--on-duplicate skip`)"
    )
