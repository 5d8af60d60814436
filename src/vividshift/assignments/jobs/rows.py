"""Rows of generation jobs as the queries return them."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal
from uuid import UUID

JOB_COLUMNS = (
    "id, source, status, mode, request, actor_id, requested_by, domain_id, due_at,"
    " missed_runs, queue_job_id, attempts, progress, assignment_id, error, created_at,"
    " started_at, finished_at"
)


@dataclass(frozen=True)
class JobRow:
    """A generation job (`generation_jobs`)."""

    id: UUID
    source: Literal["api", "schedule", "manual"]
    status: Literal["queued", "running", "succeeded", "failed"]
    mode: Literal["worker", "in_process"]
    request: dict[str, Any]  # the stored request the job replays (JSON)
    actor_id: UUID | None
    requested_by: UUID | None
    domain_id: UUID | None
    due_at: datetime | None
    missed_runs: int
    queue_job_id: int | None
    attempts: int
    progress: dict[str, Any]  # {percent, stage} (JSON)
    assignment_id: UUID | None
    error: dict[str, Any] | None  # the error body the job ended with (JSON)
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


@dataclass(frozen=True)
class QueuedJob(JobRow):
    """A job with its procrastinate job's status and attempts (None: not queued)."""

    queue_status: str | None
    queue_attempts: int | None


@dataclass(frozen=True)
class ClaimedJob:
    """An abandoned in-process job claimed for a re-run."""

    id: UUID
    attempts: int
