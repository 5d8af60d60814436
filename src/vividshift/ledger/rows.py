"""Rows of the ledger as the queries return them: closed places, people, tasks, absences."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID


@dataclass(frozen=True)
class ClosedPlace:
    """A place with an outcome, its task's effort and the windows its length is read from."""

    participant_id: UUID
    rota_participant_id: UUID | None
    target_id: UUID
    outcome: str
    effort: float
    assignment_date: date
    time_window: Any = None  # the task's stored `constraints.time_window` (JSON)
    run_window: Any = None  # the run's stored `configuration.window` (JSON)


@dataclass(frozen=True)
class LedgerPerson:
    """A participant of the domain: who has a share."""

    id: UUID
    name: str
    is_active: bool
    user_id: UUID | None = None


@dataclass(frozen=True)
class LedgerTarget:
    """A task of the domain with its effort."""

    id: UUID
    name: str
    effort: float
    is_active: bool


@dataclass(frozen=True)
class AbsenceSpan:
    """An absence of a participant: [starts_at, ends_at)."""

    participant_id: UUID
    starts_at: datetime
    ends_at: datetime
