"""Shapes of the assignment endpoints (compatible ones first, then native)."""

from dataclasses import asdict
from datetime import date, datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from vividshift.assignments.rows import AssignmentRow
from vividshift.fields import MAX_SEED, NO_NUL, Description, JsonObject, bounded
from vividshift.http.lenient import Lenient
from vividshift.stored_json import stored_object

MAX_IDS = 100_000
Label = Annotated[str, bounded(200, min_length=1), NO_NUL]
ShortName = Annotated[str, bounded(100, min_length=1), NO_NUL]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ConstraintIn(_Strict):
    """`{name, constraint_type, parameters}`; names and parameter schemas at
    GET /api/rules/constraints (e.g. max_assignments_per_participant {max})."""

    name: ShortName
    constraint_type: ShortName | None = None
    parameters: JsonObject = Field(default_factory=dict)


class ValidatorIn(_Strict):
    name: ShortName
    parameters: JsonObject = Field(default_factory=dict)


class TimeWindow(_Strict):
    """The run's span (availability is checked against it; .ics events use it)."""

    start: datetime
    end: datetime


class GenerateRequest(Lenient):
    """Compatible body, plus native optional fields. Empty lists mean all active ones.

    Unknown top-level fields are ignored (the predecessor ignored them) and listed in the
    answer's `warnings`; nested objects stay strict."""

    strategy: ShortName | None = Field(
        default=None,
        description="balanced_rotation | random_assignment | skill_based | optimal; default: "
        "the domain's default_strategy, else balanced_rotation",
    )
    participants: Annotated[list[UUID], Field(max_length=MAX_IDS)] = Field(default_factory=list)
    targets: Annotated[list[UUID], Field(max_length=MAX_IDS)] = Field(default_factory=list)
    parameters: JsonObject = Field(
        default_factory=dict, description="override the domain's strategy_parameters"
    )
    constraints: Annotated[list[ConstraintIn], Field(max_length=200)] = Field(default_factory=list)
    validators: Annotated[list[ValidatorIn], Field(max_length=20)] | None = Field(
        default=None, description="default: the domain's validators, else all three"
    )
    domain: Label | None = Field(
        default=None,
        description="domain (name or id) the run is of: its active people and tasks are the "
        "pool ('all active'), ids of another domain are unknown (422), its configuration "
        "supplies defaults; default: `default`. The caller needs the manager role there "
        "(404 for a domain they may not see, 403 without the role)",
    )
    assignment_date: date | None = Field(
        default=None, description="default: today in the domain's time zone"
    )
    name: Label | None = None
    description: Description | None = None
    seed: Annotated[int, Field(ge=0, le=MAX_SEED)] | None = Field(
        default=None, description="default: parameters.seed, else 0"
    )
    window: TimeWindow | None = None
    replace: Literal["cancel", "complete"] | None = Field(
        default=None,
        description="when the (domain, date) already has an active run: `cancel` it (it "
        "no longer counts as history) or `complete` it (it becomes history) before this "
        "run is stored; unset: 409 naming the active run",
    )
    force: StrictBool = Field(
        default=False,
        description="admin only: store the run even when an error-level validation fails "
        "(recorded in its history as forced); otherwise such a run is refused with 422",
    )
    async_: StrictBool | None = Field(
        default=None,
        alias="async",
        description="true: run as a background job (202 + job URL); false: always answer "
        "now; unset: a job when participants × targets exceeds the server's threshold",
    )


class GeneratedPlacement(BaseModel):
    participant_id: UUID
    target_id: UUID
    confidence: float
    position: int
    metadata: dict[str, Any]


class GenerateResponse(BaseModel):
    """Compatible: id, strategy_used, assignments, metadata, created_at."""

    id: UUID
    strategy_used: str
    assignments: list[GeneratedPlacement]
    metadata: dict[str, Any]
    created_at: datetime
    name: str | None
    assignment_date: date
    status: str


class AssignmentSummary(BaseModel):
    id: UUID
    name: str | None
    description: str | None
    assignment_date: date
    strategy_used: str
    status: str
    configuration: dict[str, Any]
    metadata: dict[str, Any]
    created_by: UUID | None
    created_at: datetime
    updated_at: datetime
    detail_count: int | None = None
    domain_id: UUID | None = Field(default=None, description="the domain the run is of")

    @classmethod
    def from_row(cls, row: AssignmentRow, detail_count: int | None) -> "AssignmentSummary":
        return cls.model_validate(
            asdict(row)
            | {
                "configuration": stored_object(row.configuration),
                "metadata": stored_object(row.metadata),
                "detail_count": detail_count,
            }
        )


class DetailRead(BaseModel):
    id: UUID
    participant_id: UUID
    participant_name: str
    target_id: UUID
    target_name: str
    position: int | None
    metadata: dict[str, Any]
    created_at: datetime
    outcome: str | None = Field(
        default=None,
        description="done | missed | covered | swapped | excused; null while open",
    )


class AssignmentRead(AssignmentSummary):
    details: list[DetailRead]


class AssignmentPage(BaseModel):
    items: list[AssignmentSummary]
    total: int
    limit: int
    offset: int


class AssignmentUpdate(_Strict):
    """Status moves only forward: active → completed | cancelled. `metadata` keys are
    merged into the run's metadata (null removes a key; solver keys are kept)."""

    status: Literal["completed", "cancelled"] | None = None
    name: Label | None = None
    description: Description | None = None
    metadata: JsonObject | None = None


class ReassignRequest(_Strict):
    """Put `participant_id` on detail `detail_id` in place of its participant."""

    detail_id: UUID
    participant_id: UUID
    force: StrictBool = Field(
        default=False, description="keep the change even if a validator reports an error"
    )
    reason: Description | None = None


class SwapRequest(_Strict):
    """Exchange the participants of two details (on different targets)."""

    first_detail_id: UUID
    second_detail_id: UUID
    force: StrictBool = False
    reason: Description | None = None


class EditResult(BaseModel):
    assignment: AssignmentRead
    validation_results: list[dict[str, Any]]


class HistoryEntry(BaseModel):
    id: UUID
    action: str
    changes: Any
    changed_by: UUID | None
    changed_by_username: str | None
    changed_at: datetime
    metadata: dict[str, Any]


class RotaEntry(BaseModel):
    detail_id: UUID
    assignment_id: UUID
    assignment_name: str | None
    assignment_date: date
    status: str
    strategy_used: str
    target_id: UUID
    target_name: str
    position: int | None
    metadata: dict[str, Any]


class RotaPage(BaseModel):
    items: list[RotaEntry]
    total: int
    limit: int
    offset: int


class PlaceDomain(BaseModel):
    id: UUID
    name: str
    display_name: str


class PlaceWindow(BaseModel):
    """When a place happens: aware datetimes in the house's zone."""

    start: datetime
    end: datetime
    all_day: bool = Field(description="whole days in the house's zone (the run's day)")


class Teammate(BaseModel):
    participant_id: UUID
    name: str
    position: int | None


class MyPlace(BaseModel):
    """One of the caller's places: a detail held by a participant linked to them."""

    detail_id: UUID
    assignment_id: UUID
    assignment_name: str | None
    assignment_date: date
    status: str
    domain: PlaceDomain
    participant_id: UUID = Field(description="the caller's participant in that domain")
    target_id: UUID
    target_name: str
    position: int | None
    timezone: str = Field(description="the house's IANA zone")
    windows: list[PlaceWindow] = Field(
        description="the target's time window resolved in the run (one per occurrence), "
        "else the run's window or day"
    )
    others: list[Teammate] = Field(description="who else is on the same task in that run")
    outcome: str | None = Field(
        default=None, description="done | missed | covered | swapped | excused; null while open"
    )


class MyPlacePage(BaseModel):
    items: list[MyPlace]
    total: int
    limit: int
    offset: int
