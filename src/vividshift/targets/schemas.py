"""Assignment target shapes.

`required_count` is 1–10 000; `required_skills` a set of skill names (stored as an
array); `constraints` and `metadata` free objects within the limits of
`vividshift.fields`. The engine reads `constraints.excluded_groups` (list of group
names), `constraints.no_repeat_window` (int) and `constraints.time_window`: absolute
`{"start": ISO datetime, "end": ISO datetime}`, or daily clock times in the domain's
time zone `{"start": "13:00", "end": "17:00", "days": ["saturday"]}` (`days` optional:
every day; `"24:00"` may end it; an end before the start runs past midnight). All are
checked when present, the window by the engine's own reading of it.

`effort` is the points one place of the target is worth (default 1, more than 0, at most
1 000, two decimals: "Toilet B" 3, "Bin" 1); load, the ledger and fair share count it.
"""

from dataclasses import replace
from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from vividshift.engine.model import parse_target_window, skill_names
from vividshift.fields import (
    Boolean,
    Description,
    JsonObject,
    Name,
    SkillList,
    unique_skills,
)
from vividshift.participants.schemas import DomainRef
from vividshift.patching import reject_sent_nulls, sent_nulls_refused
from vividshift.stored_json import stored_object
from vividshift.targets.rows import TargetRow

# What lists may be sorted on (`sort=name`, `-created_at`).
SORT_KEYS = frozenset({"name", "required_count", "created_at", "updated_at"})
MAX_REQUIRED_COUNT = 10_000


def check_constraints(value: dict[str, Any]) -> dict[str, Any]:
    groups = value.get("excluded_groups")
    if groups is not None and not (
        isinstance(groups, list) and all(isinstance(g, str) for g in groups)
    ):
        raise ValueError("excluded_groups: expected a list of group names")
    window = value.get("no_repeat_window")
    if window is not None and (
        isinstance(window, bool) or not isinstance(window, int) or not 0 <= window <= 1000
    ):
        raise ValueError("no_repeat_window: expected an integer 0–1000")
    if value.get("time_window") is not None:
        try:
            parse_target_window(value["time_window"])
        except (ValueError, TypeError, KeyError) as exc:
            raise ValueError(f"time_window: {exc}") from None
    return value


Skills = Annotated[SkillList, AfterValidator(unique_skills)]
RequiredCount = Annotated[int, Field(ge=1, le=MAX_REQUIRED_COUNT, strict=False)]
MAX_EFFORT = 1000
# The column is NUMERIC(8, 2): more than two decimals would be rounded silently.
Effort = Annotated[
    float,
    Field(
        ge=0.01,
        le=MAX_EFFORT,
        multiple_of=0.01,
        allow_inf_nan=False,
        description="points one place is worth (default 1; 0.01 ≤ effort ≤ 1000, two decimals)",
    ),
]
Constraints = Annotated[JsonObject, AfterValidator(check_constraints)]


class TargetCreate(BaseModel):
    """A new assignment target. Unknown fields are refused."""

    model_config = ConfigDict(extra="forbid")

    name: Name
    description: Description | None = None
    required_count: RequiredCount = 1
    effort: Effort = 1
    required_skills: Skills = Field(default_factory=list)
    constraints: Constraints = Field(default_factory=dict)
    metadata: JsonObject = Field(default_factory=dict)
    is_active: Boolean = True
    domain: DomainRef | None = None


NOT_NULL_ON_UPDATE = (
    "name",
    "required_count",
    "effort",
    "required_skills",
    "constraints",
    "metadata",
    "is_active",
)


class TargetUpdate(BaseModel):
    """A partial change: only the fields sent are written; `description` may be null."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra=sent_nulls_refused(NOT_NULL_ON_UPDATE)
    )

    name: Name | None = None
    description: Description | None = None
    required_count: RequiredCount | None = None
    effort: Effort | None = None
    required_skills: Skills | None = None
    constraints: Constraints | None = None
    metadata: JsonObject | None = None
    is_active: Boolean | None = None

    @model_validator(mode="after")
    def _no_null_for_required(self) -> "TargetUpdate":
        reject_sent_nulls(self, NOT_NULL_ON_UPDATE)
        return self


class TargetRead(BaseModel):
    id: UUID
    domain_id: UUID
    name: str
    description: str | None
    required_count: int
    effort: float
    required_skills: list[str]
    constraints: dict[str, Any]
    metadata: dict[str, Any]
    is_active: bool
    created_by: UUID | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_row(cls, row: TargetRow) -> "TargetRead":
        """The read model of a row. A JSON column in a shape the API never stores (null,
        or written by another program) reads as empty where it cannot be read: required
        skills as `skill_names` gives them, constraints or metadata that are no object
        as `{}`."""
        filled = replace(
            row,
            required_skills=skill_names(row.required_skills),
            constraints=stored_object(row.constraints),
            metadata=stored_object(row.metadata),
        )
        return cls.model_validate(filled, from_attributes=True)
