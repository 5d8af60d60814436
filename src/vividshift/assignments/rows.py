"""Rows of assignment runs as the queries return them: runs, their places (with names),
their history, a participant's places across runs."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from vividshift.db import qualified

RUN_FIELDS = (
    "id, name, description, assignment_date, strategy_used, configuration, metadata, status,"
    " created_by, created_at, updated_at, domain_id, turn_start, turn_end, turn_local_start,"
    " plan_id"
)
RUN_COLUMNS = qualified(RUN_FIELDS, "a")  # aliased `a`


@dataclass(frozen=True)
class AssignmentRow:
    """A run (`assignments`): a plain run of a date, or a rota's turn."""

    id: UUID
    name: str | None
    description: str | None
    assignment_date: date
    strategy_used: str
    configuration: dict[str, Any] | None  # the request it was made from (JSON)
    metadata: dict[str, Any] | None  # solver facts and the caller's keys (JSON)
    status: str
    created_by: UUID | None
    created_at: datetime
    updated_at: datetime
    domain_id: UUID
    turn_start: datetime | None
    turn_end: datetime | None
    turn_local_start: datetime | None
    plan_id: UUID | None


@dataclass(frozen=True)
class PastRun:
    """A run generation reads the history of: its id and when it was."""

    id: UUID
    assignment_date: date
    created_at: datetime


@dataclass(frozen=True)
class ListedRun(AssignmentRow):
    """A run of a list page, with its count of places and the count of all matching."""

    detail_count: int
    total: int


@dataclass(frozen=True)
class RunDetail:
    """A place of a run with its person's and task's names."""

    id: UUID
    participant_id: UUID
    target_id: UUID
    position: int | None
    metadata: dict[str, Any] | None
    created_at: datetime
    outcome: str | None
    participant_name: str
    target_name: str


@dataclass(frozen=True)
class DetailRow:
    """A place of a run as stored (`assignment_details`)."""

    id: UUID
    assignment_id: UUID
    participant_id: UUID
    target_id: UUID
    position: int | None
    metadata: dict[str, Any] | None
    created_at: datetime
    rota_participant_id: UUID | None
    pinned: bool
    outcome: str | None
    outcome_at: datetime | None
    outcome_by: UUID | None


@dataclass(frozen=True)
class HistoryRow:
    """A recorded change of a run, with the changer's username."""

    id: UUID
    action: str
    changes: Any  # what changed (JSON)
    changed_by: UUID | None
    changed_by_username: str | None
    changed_at: datetime
    metadata: dict[str, Any] | None


@dataclass(frozen=True)
class RotaPlace:
    """A participant's place in a run (their rota), with the count of all matching."""

    detail_id: UUID
    assignment_id: UUID
    assignment_name: str | None
    assignment_date: date
    status: str
    strategy_used: str
    target_id: UUID
    target_name: str
    position: int | None
    metadata: dict[str, Any] | None
    total: int
