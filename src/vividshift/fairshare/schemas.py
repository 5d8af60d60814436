"""Shapes of fair share: outcomes of places, the fairness view, alternatives."""

from datetime import date, datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from vividshift.fields import Description, Note

Outcome = Literal["done", "missed", "covered", "swapped", "excused"]
PARTNERED = frozenset({"covered", "swapped"})


class OutcomeRequest(BaseModel):
    """What became of a place. A member may send `done` for their own place; a manager
    any outcome, or null to reopen it. `covered`/`swapped` name who did it in `by`."""

    # `by` goes with covered / swapped only, and they need it (stated for clients).
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "if": {"properties": {"outcome": {"enum": ["covered", "swapped"]}}},
            "then": {"required": ["by"], "properties": {"by": {"type": "string"}}},
            "else": {"properties": {"by": {"type": "null"}}},
        },
    )

    outcome: Outcome | None = Field(
        description="done | missed (no-show) | covered (by `by`) | swapped (with `by`) | "
        "excused (away); null reopens the place (manager)"
    )
    by: UUID | None = Field(
        default=None,
        description="covered / swapped: the participant (of the run's domain) who did the "
        "place; they become its doer and the rota's person is kept as rota_participant_id",
    )
    note: Description | None = None


class OutcomeRead(BaseModel):
    """A place after its marking."""

    detail_id: UUID
    assignment_id: UUID
    target_id: UUID
    participant_id: UUID = Field(description="who does (did) the place")
    rota_participant_id: UUID | None = Field(
        description="the rota's own person when someone else stood in"
    )
    outcome: Outcome | None
    outcome_at: datetime | None
    outcome_by: UUID | None = Field(description="the user who marked it; null: the worker")


class PersonFairness(BaseModel):
    participant_id: UUID
    name: str
    present_days: float
    fair_share: float = Field(description="effort done by all × present days ÷ all present days")
    done: float = Field(description="effort of the places done (incl. covers and swaps)")
    missed: float = Field(description="effort of the places not turned up to")
    covered: float = Field(description="effort done standing in for others")
    covered_for: float = Field(description="effort others did standing in for this person")
    places: int
    balance: float = Field(description="done − fair_share: positive is ahead of the share")


class TargetCount(BaseModel):
    participant_id: UUID
    name: str
    count: int


class TargetFairness(BaseModel):
    target_id: UUID
    name: str
    effort: float
    done_by: list[TargetCount] = Field(description="how often each person did it")


class FairnessRead(BaseModel):
    """A domain's balance over a period, from the outcomes of its places."""

    domain_id: UUID
    from_: date = Field(alias="from", serialization_alias="from")
    to: date
    total_effort: float
    people: list[PersonFairness]
    targets: list[TargetFairness]

    model_config = ConfigDict(populate_by_name=True)


class Alternative(BaseModel):
    participant_id: UUID
    name: str
    balance: float = Field(description="the ledger's done − fair share (negative: owes)")
    last_did: date | None = Field(description="latest run date they did this target")
    asks: int = Field(description="how often asked to cover or swap in the recent weeks")
    explanation: str


class Excluded(BaseModel):
    participant_id: UUID
    name: str
    reasons: list[str]


class AlternativesRead(BaseModel):
    """Who else could take a place: ranked, and who cannot with why."""

    assignment_id: UUID
    detail_id: UUID
    target_id: UUID
    candidates: list[Alternative] = Field(
        description="eligible and free, least loaded first, then longest since they last "
        "did the target, then fewest recent asks"
    )
    excluded: list[Excluded]


class PlaceRequestCreate(BaseModel):
    """Ask others to take a place: `cover` (they take it) or `swap` (they give one of
    theirs in exchange). `participant_id` names the one asked; absent: anyone eligible."""

    # Finding cover automatically goes with covers only (stated for clients).
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "if": {"properties": {"kind": {"const": "swap"}}},
            "then": {"properties": {"auto_find": {"const": False}}},
        },
    )

    kind: Literal["cover", "swap"]
    participant_id: UUID | None = Field(default=None, description="ask this person only")
    auto_find: StrictBool = Field(
        default=False,
        description="cover only: the worker asks the best-ranked eligible people in waves",
    )
    note: Note | None = None


class PlaceRequestAccept(BaseModel):
    """Take the place. `participant_id`: who takes it (default: the caller's own person in
    the domain; a manager may name anyone); `detail_id`: for a swap, the acceptor's place
    given in exchange."""

    model_config = ConfigDict(extra="forbid")

    participant_id: UUID | None = None
    detail_id: UUID | None = None


class PlaceRequestEvent(BaseModel):
    action: str = Field(description="requested | asked | accepted | approved | refused | cancelled")
    participant_id: UUID | None
    user_id: UUID | None
    details: dict[str, object]
    created_at: datetime


class PlaceRequestRead(BaseModel):
    id: UUID
    domain_id: UUID
    assignment_id: UUID
    detail_id: UUID
    kind: str
    status: str = Field(
        description="open | accepted (awaiting a manager's approval) | done | refused | cancelled"
    )
    requester_id: UUID
    asked_participant_id: UUID | None
    accepted_participant_id: UUID | None
    accepted_detail_id: UUID | None
    accepted_at: datetime | None
    auto_find: bool
    note: str | None
    created_at: datetime
    events: list[PlaceRequestEvent]
