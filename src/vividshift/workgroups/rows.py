"""Rows of the work-groups compatibility layer as the queries return them."""

from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID


@dataclass(frozen=True)
class DayRun:
    """A run of one of the most recent dates; `n` its rank within its date (1 = first)."""

    id: UUID
    assignment_date: date
    created_at: datetime
    updated_at: datetime
    n: int
    day_rank: int


@dataclass(frozen=True)
class LatestRun:
    """The latest run of a date."""

    id: UUID
    assignment_date: date
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class RunPair:
    """Who does which chore in a run, by name."""

    assignment_id: UUID
    target: str
    person: str
