"""Shapes of GET /api/domains/{id}/schedule."""

from datetime import date, datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from vividshift.assignments.jobs.schemas import JobRead


class NextRun(BaseModel):
    at: datetime = Field(description="local time in the schedule's zone, with its UTC offset")
    at_utc: datetime
    assignment_date: date = Field(description="the date the run will carry")


class CursorRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    next_due_at: datetime = Field(description="next due time not yet claimed (UTC)")
    armed_at: datetime
    last_claimed_at: datetime | None


class ScheduleRead(BaseModel):
    """A domain's schedule, its next due times and its latest runs."""

    domain_id: UUID
    domain: str
    schedule: dict[str, Any] | None = Field(description="configuration.schedule; null: none")
    active: bool = Field(description="schedule present, enabled, and the domain active")
    timezone: str | None
    next_runs: list[NextRun]
    pending_catch_up: datetime | None = Field(
        description="a due time that passed while no worker ran: the next tick runs it once"
    )
    cursor: CursorRead | None = Field(
        description="where the workers stand (null until a worker's tick has seen the schedule)"
    )
    recent_jobs: list[JobRead] = Field(description="latest schedule and run-now jobs, newest first")
