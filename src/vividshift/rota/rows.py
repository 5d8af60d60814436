"""Rows of the rota as the queries return them: plans and their places, turn runs,
absences and prior load."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal
from uuid import UUID

PLAN_COLUMNS = (
    "id, domain_id, kind, status, first_turn_start, last_turn_end, turn_count, solver,"
    " summary, created_by, published_by, published_at, created_at, updated_at"
)
ABSENCE_COLUMNS = (
    "id, participant_id, domain_id, starts_at, ends_at, reason, created_by, created_at, updated_at"
)


@dataclass(frozen=True)
class PlanRow:
    """A plan (kind `plan`) or a re-plan proposal (kind `replan`) of a domain's turns."""

    id: UUID
    domain_id: UUID
    kind: Literal["plan", "replan"]
    status: Literal["draft", "published", "discarded"]
    first_turn_start: datetime
    last_turn_end: datetime
    turn_count: int
    solver: dict[str, Any]
    summary: dict[str, Any]  # timezone, turns, people, … as the planner stored them
    created_by: UUID | None
    published_by: UUID | None
    published_at: datetime | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class PlanPlace:
    """A place of a plan's turn, with the names and the task's effort."""

    id: UUID
    plan_id: UUID
    turn_index: int
    turn_start: datetime
    turn_end: datetime
    turn_local_start: datetime
    participant_id: UUID
    target_id: UUID
    position: int
    run_id: UUID | None
    created_at: datetime
    participant_name: str
    target_name: str
    effort: Decimal


@dataclass(frozen=True)
class PreviousTurn:
    """A run of an earlier turn with its [participant_id, target_id] pairs (JSON)."""

    id: UUID
    turn_start: datetime
    pairs: list[list[str]]


@dataclass(frozen=True)
class EffortDone:
    """A participant's effort in runs before a moment."""

    id: UUID
    created_at: datetime
    effort: Decimal


@dataclass(frozen=True)
class AbsenceSpan:
    participant_id: UUID
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True)
class AbsenceRow:
    """A participant's time away."""

    id: UUID
    participant_id: UUID
    domain_id: UUID
    starts_at: datetime
    ends_at: datetime
    reason: str | None
    created_by: UUID | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class TurnRun:
    """An active run of one turn."""

    id: UUID
    turn_start: datetime
    turn_end: datetime
    turn_local_start: datetime


@dataclass(frozen=True)
class PlacedRun:
    """A turn run that places someone."""

    id: UUID
    turn_start: datetime


@dataclass(frozen=True)
class RunPlace:
    """A place of a published run with names: who does it, the rota's own person while
    someone stands in, and whether it is pinned."""

    id: UUID
    assignment_id: UUID
    participant_id: UUID
    target_id: UUID
    position: int
    pinned: bool
    rota_participant_id: UUID | None
    participant_name: str
    target_name: str


@dataclass(frozen=True)
class PlaceRow:
    """A place of a run as pins and stand-ins change it."""

    id: UUID
    assignment_id: UUID
    participant_id: UUID
    target_id: UUID
    position: int
    pinned: bool
    rota_participant_id: UUID | None
