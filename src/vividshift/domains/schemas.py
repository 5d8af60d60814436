"""Domain shapes, with the JSON Schema of `configuration` and `business_rules`.

Both are pydantic models with `extra="forbid"`; their JSON Schema is published in the
OpenAPI document (`DomainConfiguration`, `BusinessRule`) and at
`GET /api/domains/configuration-schema`.

configuration = {
  "default_strategy": "balanced_rotation" | "random_assignment" | "skill_based",
  "strategy_parameters": {rotation_weight, balance_weight, skill_threshold (0–1),
                          max_attempts (1–1000), fallback_strategy, seed, ensure_capacity},
  "validators": [{"name": "availability_check" | "capacity_check" | "skill_matching",
                  "severity": "error" | "warning" | "info", "parameters": {…}}],
  "constraints": {"max_assignments_per_participant": int ≥ 1},
  "timezone": "Europe/Berlin" (IANA, default UTC: slots, shift times and run days are
              local clock times there),
  "availability_default": "available" | "unavailable" (a day without any slot),
  "fair_share": {"open_places": "done" | "missed" (what a place still open after its
                run's day becomes; default done), "swaps_need_approval": false,
                "cover_wave_size": 3, "cover_wave_minutes": 60,
                "weight_by_duration": false (effort × the place's hours)},
  "rota": {"every": {"n": 14, "unit": "day"}, "anchor": "2026-01-05", "handoff": "09:00"}
          or {"cron": "0 13 * * 6", "turn_length": {"n": 4, "unit": "hour"}}
          (optional; the domain's turns, see vividshift.rota.turns),
  "schedule": {"cron": "0 6 * * 1", "timezone": "Europe/Berlin", "enabled": true,
               "strategy", "strategy_parameters", "participants": {ids, metadata,
               has_all_skills}, "targets": {ids, metadata}, "date_offset_days": 0}
               (optional; recurring runs made by a worker, see vividshift.schedules)
}
business_rules = [ one of
  {"type": "max_assignments_per_participant", "max": int ≥ 1},
  {"type": "group_exclusion", "group": "A", "target": "X"}     # group A never does X
  {"type": "never_together", "participants": ["p1", "p2"]}      # a pair kept apart
  each with optional "severity" ("error" default | "warning") and "description" ]

The configuration is stored as the client sent it (no defaults filled in); defaults
apply when a generation reads it.

Versions are `MAJOR.MINOR` or `MAJOR.MINOR.PATCH` (digits). Rule for updates: a
`version` sent by the client is taken as is; otherwise a change of `configuration` or
`business_rules` increments the last component (`1.0` → `1.1`, `1.9` → `1.10`); other
changes (names, description, is_active) leave it.
"""

from dataclasses import replace
from datetime import date, datetime
from typing import Annotated, Any, Literal
from uuid import UUID
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import croniter
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    field_validator,
    model_validator,
)

from vividshift.domains.rows import DomainRow
from vividshift.fields import MAX_SEED, NO_NUL, ZONE_NAMES, Description, JsonObject, bounded
from vividshift.patching import reject_sent_nulls, sent_nulls_refused
from vividshift.stored_json import stored_list, stored_object

# What lists may be sorted on (`sort=name`, `-created_at`).
SORT_KEYS = frozenset({"name", "display_name", "created_at", "updated_at"})
STRATEGIES = ("balanced_rotation", "random_assignment", "skill_based")
VALIDATORS = ("availability_check", "capacity_check", "skill_matching")

DomainName = Annotated[
    str,
    bounded(100, min_length=1),
    Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", description="lowercase letters, digits, _ and -"),
    NO_NUL,  # after the pattern: a constraint after a validator is left out of the schema
]
Version = Annotated[
    str,
    bounded(20, min_length=1),
    Field(pattern=r"^\d{1,6}(\.\d{1,6}){1,2}$", description="MAJOR.MINOR[.PATCH]"),
    NO_NUL,
]
DisplayName = Annotated[str, bounded(200, min_length=1), NO_NUL]
Label = Annotated[str, bounded(200, min_length=1), NO_NUL]
Weight = Annotated[StrictFloat, Field(ge=0, le=1, allow_inf_nan=False)]
Strategy = Literal["balanced_rotation", "random_assignment", "skill_based"]
Severity = Literal["error", "warning"]


def _known_zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown IANA time zone: {value!r}") from None
    return value


Zone = Annotated[
    str,
    Field(min_length=1, max_length=64, examples=["Europe/Berlin"]),
    ZONE_NAMES,
    AfterValidator(_known_zone),
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class StrategyParameters(_Strict):
    """Compatible strategy parameters of spec/API.md (all optional)."""

    rotation_weight: Weight | None = None
    balance_weight: Weight | None = None
    max_attempts: Annotated[StrictInt, Field(ge=1, le=1000)] | None = None
    skill_threshold: Weight | None = None
    fallback_strategy: Strategy | None = None
    seed: Annotated[StrictInt, Field(ge=0, le=MAX_SEED)] | None = None
    ensure_capacity: StrictBool | None = None


class ValidatorParameters(_Strict):
    strict_mode: StrictBool | None = None
    tolerance: Annotated[StrictInt, Field(ge=0, le=10_000)] | None = None
    check_conflicts: StrictBool | None = None
    time_window: Annotated[StrictInt, Field(ge=0, le=365 * 24)] | None = Field(
        default=None, description="hours"
    )
    required_match: Weight | None = None
    report_missing: StrictBool | None = None


class ValidatorConfig(_Strict):
    name: Literal["availability_check", "capacity_check", "skill_matching"]
    severity: Literal["error", "warning", "info"] = "error"
    parameters: ValidatorParameters = Field(default_factory=ValidatorParameters)


class DomainConstraints(_Strict):
    max_assignments_per_participant: Annotated[StrictInt, Field(ge=1, le=10_000)] | None = None


class ParticipantSelection(_Strict):
    """Which active participants a scheduled run takes: all of them when empty, else
    those matching every filter given."""

    ids: Annotated[list[UUID], Field(max_length=10_000)] | None = None
    metadata: JsonObject | None = Field(default=None, description="metadata @> this")
    has_all_skills: Annotated[list[Label], Field(max_length=100)] | None = None


class TargetSelection(_Strict):
    """Which active targets a scheduled run takes: all of them when empty, else those
    matching every filter given."""

    ids: Annotated[list[UUID], Field(max_length=10_000)] | None = None
    metadata: JsonObject | None = Field(default=None, description="metadata @> this")


class Schedule(_Strict):
    """A recurring run of the domain: at each time of `cron` (5 fields, minute
    resolution) in `timezone` (IANA), a worker generates one run dated that day
    (+ `date_offset_days`) in that zone."""

    cron: Annotated[str, Field(min_length=9, max_length=120, examples=["0 6 * * 1"])]
    timezone: Zone = "UTC"
    enabled: StrictBool = True
    strategy: Strategy | None = Field(default=None, description="default: default_strategy")
    strategy_parameters: StrategyParameters = Field(default_factory=StrategyParameters)
    participants: ParticipantSelection = Field(default_factory=ParticipantSelection)
    targets: TargetSelection = Field(default_factory=TargetSelection)
    date_offset_days: Annotated[StrictInt, Field(ge=0, le=366)] = 0

    @field_validator("cron")
    @classmethod
    def _cron(cls, value: str) -> str:
        value = " ".join(value.split())
        if len(value.split(" ")) != 5 or not croniter.is_valid(value):
            raise ValueError("cron must be a valid 5-field expression, e.g. '0 6 * * 1'")
        return value


class FairShareSettings(_Strict):
    """How places end and how people trade them (issue 15)."""

    open_places: Literal["done", "missed"] = Field(
        default="done",
        description="what a place still open when its run's day has ended becomes",
    )
    swaps_need_approval: StrictBool = Field(
        default=False,
        description="an accepted swap or cover waits for a manager's approval",
    )
    cover_wave_size: Annotated[StrictInt, Field(ge=1, le=100)] = Field(
        default=3, description="automatic cover finding: how many people each wave asks"
    )
    cover_wave_minutes: Annotated[StrictInt, Field(ge=1, le=10_080)] = Field(
        default=60, description="automatic cover finding: minutes between waves"
    )
    weight_by_duration: StrictBool = Field(
        default=False,
        description="a place's effort is its target's effort × the place's length in hours "
        "(the target's time window, else the run's window, else 24)",
    )


class RotaSpan(_Strict):
    """`n` units of time, e.g. `{"n": 14, "unit": "day"}`."""

    n: Annotated[StrictInt, Field(ge=1, le=1000)]
    unit: Literal["minute", "hour", "day", "week", "month"]


class RotaConfig(_Strict):
    """When the domain's turns start and how long they last, as local clock times in the
    domain's `timezone`: a cadence (`every` from the `anchor` date at `handoff`) or a
    5-field `cron`; `turn_length` defaults to the cadence (a cron rota needs one)."""

    every: RotaSpan | None = Field(default=None, examples=[{"n": 14, "unit": "day"}])
    anchor: date | None = Field(default=None, description="local date of one turn's start")
    handoff: Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")] = Field(
        default="00:00", description="local clock time turns change hands (HH:MM)"
    )
    cron: Annotated[str, Field(min_length=9, max_length=120)] | None = Field(
        default=None, examples=["0 13 * * 6"]
    )
    turn_length: RotaSpan | None = Field(default=None, examples=[{"n": 4, "unit": "hour"}])

    @field_validator("cron")
    @classmethod
    def _cron(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = " ".join(value.split())
        if len(value.split(" ")) != 5 or not croniter.is_valid(value):
            raise ValueError("cron must be a valid 5-field expression, e.g. '0 13 * * 6'")
        return value

    @model_validator(mode="after")
    def _one_way(self) -> "RotaConfig":
        if (self.every is None) == (self.cron is None):
            raise ValueError("give either `every` (with `anchor`) or `cron`")
        if self.every is not None and self.anchor is None:
            raise ValueError("`every` needs an `anchor` date")
        if self.cron is not None and self.turn_length is None:
            raise ValueError("a `cron` rota needs a `turn_length`")
        return self


class DomainConfiguration(_Strict):
    """Defaults a domain's runs use: strategy, parameters, validators, constraints;
    and optionally a recurring `schedule`."""

    default_strategy: Strategy | None = None
    strategy_parameters: StrategyParameters = Field(default_factory=StrategyParameters)
    validators: Annotated[list[ValidatorConfig], Field(max_length=20)] = Field(default_factory=list)
    constraints: DomainConstraints = Field(default_factory=DomainConstraints)
    schedule: Schedule | None = None
    timezone: Zone = Field(
        default="UTC",
        description="IANA zone of the house: participants' weekday slots, targets' daily "
        "time windows and each run's day are clock times there",
    )
    availability_default: Literal["available", "unavailable"] = Field(
        default="available",
        description="what a day for which a participant lists no availability slots means",
    )
    fair_share: FairShareSettings = Field(default_factory=FairShareSettings)
    rota: RotaConfig | None = Field(
        default=None, description="the domain's turns (see /api/domains/{id}/turns)"
    )
    reminder_hours: StrictInt = Field(
        default=24,
        ge=0,
        le=336,
        description="hours before a turn starts that its people are reminded (0 = no "
        "reminders); a person's own setting wins",
    )

    @model_validator(mode="after")
    def _validators_once(self) -> "DomainConfiguration":
        names = [v.name for v in self.validators]
        if len(names) != len(set(names)):
            raise ValueError("each validator may appear once")
        return self


class _Rule(_Strict):
    severity: Severity = "error"
    description: Description | None = None


class MaxAssignmentsRule(_Rule):
    type: Literal["max_assignments_per_participant"]
    max: Annotated[StrictInt, Field(ge=1, le=10_000)]


class GroupExclusionRule(_Rule):
    """Participants of `group` are never assigned to `target` (a target name or id)."""

    type: Literal["group_exclusion"]
    group: Label
    target: Label


class NeverTogetherRule(_Rule):
    """The two participants (names or ids) are never on the same target in one run."""

    type: Literal["never_together"]
    participants: Annotated[list[Label], Field(min_length=2, max_length=2)]

    @model_validator(mode="after")
    def _distinct(self) -> "NeverTogetherRule":
        if self.participants[0] == self.participants[1]:
            raise ValueError("never_together needs two different participants")
        return self


BusinessRule = Annotated[
    MaxAssignmentsRule | GroupExclusionRule | NeverTogetherRule, Field(discriminator="type")
]
BusinessRules = Annotated[list[BusinessRule], Field(max_length=200)]


class DomainCreate(_Strict):
    """A new domain. Unknown fields are refused."""

    name: DomainName
    display_name: DisplayName
    description: Description | None = None
    version: Version = "1.0"
    is_active: StrictBool = True
    configuration: DomainConfiguration = Field(default_factory=DomainConfiguration)
    business_rules: BusinessRules = Field(default_factory=list)


NOT_NULL_ON_UPDATE = (
    "name",
    "display_name",
    "version",
    "is_active",
    "configuration",
    "business_rules",
)


class DomainUpdate(_Strict):
    """A partial change. `version` is set when sent, else bumped by the documented rule."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra=sent_nulls_refused(NOT_NULL_ON_UPDATE)
    )

    name: DomainName | None = None
    display_name: DisplayName | None = None
    description: Description | None = None
    version: Version | None = None
    is_active: StrictBool | None = None
    configuration: DomainConfiguration | None = None
    business_rules: BusinessRules | None = None

    @model_validator(mode="after")
    def _no_null_for_required(self) -> "DomainUpdate":
        reject_sent_nulls(self, NOT_NULL_ON_UPDATE)
        return self


class DomainRead(BaseModel):
    id: UUID
    name: str
    display_name: str
    description: str | None
    version: str
    is_active: bool
    configuration: dict[str, Any]
    business_rules: list[Any]
    created_by: UUID | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_row(cls, row: DomainRow) -> "DomainRead":
        stored = replace(
            row,
            configuration=stored_object(row.configuration),
            business_rules=stored_list(row.business_rules),
        )
        return cls.model_validate(stored, from_attributes=True)


def bump_version(version: str) -> str:
    """`1.0` → `1.1`; `2.3.9` → `2.3.10`; anything unparsable gets `.1` appended."""
    head, _, last = version.rpartition(".")
    if last.isdigit() and head:
        return f"{head}.{int(last) + 1}"
    return f"{version}.1"[:20]


MemberRole = Literal["manager", "member", "viewer"]


# `_one_account`, stated: one of the two is sent (not null), the other left out or null.
_ONE_ACCOUNT: dict[str, Any] = {
    "anyOf": [
        {
            "required": [mine],
            "properties": {mine: {"type": "string"}, other: {"type": "null"}},
        }
        for mine, other in (("user_id", "username"), ("username", "user_id"))
    ]
}


class MemberCreate(_Strict):
    """Who joins (an existing account, by `user_id` or `username`) and with which role;
    a member already there gets the new role."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_ONE_ACCOUNT)

    user_id: UUID | None = None
    username: Annotated[str, bounded(50, min_length=1), NO_NUL] | None = None
    role: MemberRole = Field(
        default="member",
        description="manager: people, tasks, rules, runs and members; member: reads, edits "
        "their own participant's availability and preferences; viewer: reads",
    )

    @model_validator(mode="after")
    def _one_account(self) -> "MemberCreate":
        if (self.user_id is None) == (self.username is None):
            raise ValueError("send exactly one of user_id and username")
        return self


class MemberRead(BaseModel):
    user_id: UUID
    username: str
    role: MemberRole
    participant_id: UUID | None = Field(
        description="the participant of this domain linked to the account, if any"
    )
    created_at: datetime
