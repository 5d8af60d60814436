"""Shapes of the rota API: turns, absences, plans."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictFloat, StrictInt

from vividshift.fields import Description, IsoMoment, LocalDateTime, Note


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TurnRead(BaseModel):
    """One turn: UTC instants and the local wall times they came from."""

    index: int = Field(description="0 = the turn starting on the rota's anchor")
    start: datetime = Field(description="UTC instant the turn starts")
    end: datetime = Field(description="UTC instant the turn ends (exclusive)")
    local_start: LocalDateTime = Field(
        description="the local wall time the start came from (a time in a spring gap is "
        "kept here while `start` moves to the next valid time)"
    )
    local_end: LocalDateTime
    timezone: str
    hours: float = Field(description="length in elapsed hours (167 or 169 for a week over DST)")


class TurnList(BaseModel):
    timezone: str
    has_rota: bool = Field(description="false: the domain has no configuration.rota (no turns)")
    turns: list[TurnRead]


class PlanRequest(_Strict):
    """Plan the next `turns` turns starting at or after `from` in one optimisation."""

    start: IsoMoment = Field(
        alias="from",
        description="local date, local wall time or instant; the first turn starts at or after it",
    )
    turns: Annotated[StrictInt, Field(ge=1, le=104)] = Field(description="how many turns (K)")
    time_limit_s: Annotated[StrictFloat, Field(gt=0, le=60)] = Field(
        default=20.0, description="the solver's time limit in seconds"
    )
    seed: Annotated[StrictInt, Field(ge=0, le=2**31 - 1)] = 0

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class PlacePlanned(BaseModel):
    target_id: UUID
    target_name: str
    participant_id: UUID
    participant_name: str
    position: int
    effort: float


class TurnPlanned(BaseModel):
    index: int = Field(description="0 = the plan's first turn")
    start: datetime
    end: datetime
    local_start: LocalDateTime
    run_id: UUID | None = Field(description="the turn's run once published")
    places: list[PlacePlanned]


class PersonLoad(BaseModel):
    """A person over the horizon: places, effort, and the fair share they are held to."""

    participant_id: UUID
    name: str
    count: int
    effort: float
    share: float = Field(description="fair share of the horizon's effort, by presence")
    balance: float = Field(description="effort before the horizon beyond their share of it")
    present_turns: int
    per_turn: list[str | None] = Field(
        description="the grid row: per turn, the target names (joined) or null"
    )


class SolverReport(BaseModel):
    status: Literal["optimal", "feasible"]
    repeats: int = Field(description="same person, same target within the no-repeat window")
    max_deviation: float
    gap: float = Field(description="relative gap of the last objective (0 when proven)")
    changes: int | None = None
    changes_proven: bool = False
    variables: int
    wall_s: float
    phases: list[dict[str, Any]]


class PlanRead(BaseModel):
    """A plan of turns: the grid (people × turns), each person's load, the solver's report."""

    id: UUID
    domain_id: UUID
    kind: Literal["plan", "replan"]
    status: Literal["draft", "published", "discarded"]
    timezone: str
    turns: list[TurnPlanned]
    people: list[PersonLoad]
    solver: SolverReport
    created_at: datetime
    published_at: datetime | None


class AbsenceCreate(_Strict):
    """A time away. Dates are whole local days in the domain's zone, `end` included
    (`{"start": "2030-07-01", "end": "2030-07-14"}` is two weeks); date-times are instants
    (naive ones local wall times), `end` excluded."""

    start: IsoMoment
    end: IsoMoment
    reason: Note | None = None


class AbsenceRead(BaseModel):
    id: UUID
    participant_id: UUID
    domain_id: UUID
    start: datetime = Field(description="UTC instant the absence starts")
    end: datetime = Field(description="UTC instant it ends (exclusive)")
    reason: str | None
    created_by: UUID | None
    created_at: datetime
    published_turns: list[UUID] = Field(
        default_factory=list,
        description="active turn runs that place this person during the absence",
    )
    replan_proposal: UUID | None = Field(
        default=None,
        description="a re-plan proposal for those turns not yet started "
        "(GET/POST /api/domains/{id}/replans/{plan_id}[/apply])",
    )
    replan_problem: str | None = Field(
        default=None, description="why no proposal could be made (no valid plan exists)"
    )


class ReplanRequest(_Strict):
    """Re-plan the published turns starting in [from, to) that have not started."""

    start: IsoMoment = Field(alias="from")
    end: IsoMoment = Field(alias="to")
    time_limit_s: Annotated[StrictFloat, Field(gt=0, le=60)] = 20.0
    seed: Annotated[StrictInt, Field(ge=0, le=2**31 - 1)] = 0

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class PersonRef(BaseModel):
    participant_id: UUID
    name: str


class PlaceChange(BaseModel):
    """One place of a turn that changes hands (a count change leaves one side empty)."""

    target_id: UUID
    target_name: str
    leaves: PersonRef | None
    takes: PersonRef | None


class TurnDiff(BaseModel):
    index: int
    run_id: UUID
    start: datetime
    local_start: LocalDateTime
    changes: list[PlaceChange]


class ReplanRead(BaseModel):
    """A re-plan proposal: the new plan, how many places change (and whether that is the
    proven minimum), and the diff against the published plan, per turn."""

    plan: PlanRead
    changes: int = Field(description="published places whose person leaves")
    changes_proven: bool = Field(description="the solver proved no valid plan changes fewer")
    diff: list[TurnDiff]


class PlaceRead(BaseModel):
    """A place of a run: who does it, the rota's own person while someone stands in, and
    whether re-planning may move it."""

    id: UUID
    assignment_id: UUID
    target_id: UUID
    participant_id: UUID
    rota_participant_id: UUID | None
    position: int
    pinned: bool


class OverrideCreate(_Strict):
    """Put `participant_id` on this one place (a cover); the rota's person is kept."""

    participant_id: UUID
    reason: Description | None = None
    force: StrictBool = Field(
        default=False, description="keep the change even if a validator reports an error"
    )


class OverrideRemove(_Strict):
    reason: Description | None = None
    force: StrictBool = False
