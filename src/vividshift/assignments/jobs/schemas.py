"""Shapes of GET /api/jobs/{id} and of the 202 answers that point at it."""

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, Field

from vividshift.assignments.jobs.rows import QueuedJob

JobStatus = Literal["queued", "running", "succeeded", "failed"]


class JobProgress(BaseModel):
    percent: int = Field(description="0 queued, 10 generating, 100 done")
    stage: str = Field(description="queued | generating | done | failed")


class JobRead(BaseModel):
    """A generation job: what it does, where it stands, and the run it made (or why not)."""

    id: UUID
    url: str = Field(description="this job: GET /api/jobs/{id}")
    status: JobStatus
    source: Literal["api", "schedule", "manual"]
    mode: Literal["worker", "in_process"] = Field(
        description="run by a `vividshift worker`, or inside the API process (no live worker)"
    )
    progress: JobProgress
    assignment_id: UUID | None = Field(description="the run made, once succeeded")
    result_url: str | None = Field(description="GET /api/assignments/{assignment_id}")
    error: dict[str, Any] | None = Field(
        description="{error, code, details} as the synchronous endpoint would have answered"
    )
    domain_id: UUID | None
    due_at: datetime | None = Field(description="schedule runs: the cron time it stands for")
    missed_runs: int = Field(description="schedule runs: earlier due times skipped (catch-up)")
    attempts: int
    actor_id: UUID | None = Field(description="the user the run is attributed to (null: system)")
    requested_by: UUID | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None

    @classmethod
    def from_row(cls, row: QueuedJob) -> "JobRead":
        status, error = row.status, row.error
        if status in ("queued", "running") and row.queue_status in (
            "failed",
            "cancelled",
            "aborted",
        ):
            # Our row never learned the end: the worker gave up (retries exhausted).
            status = "failed"
            error = error or {
                "error": "The worker gave up on the job",
                "code": "INTERNAL_ERROR",
                "details": {"queue_status": row.queue_status},
            }
        progress = dict(row.progress or {})
        if status == "failed":
            progress["stage"] = "failed"
        aid = row.assignment_id
        return cls(
            id=row.id,
            url=f"/api/jobs/{row.id}",
            status=status,
            source=row.source,
            mode=row.mode,
            progress=JobProgress(
                percent=int(progress.get("percent", 0)), stage=str(progress.get("stage", ""))
            ),
            assignment_id=aid,
            result_url=f"/api/assignments/{aid}" if aid else None,
            error=error,
            domain_id=row.domain_id,
            due_at=row.due_at,
            missed_runs=row.missed_runs,
            attempts=row.attempts,
            actor_id=row.actor_id,
            requested_by=row.requested_by,
            created_at=row.created_at,
            started_at=row.started_at,
            finished_at=row.finished_at,
        )
