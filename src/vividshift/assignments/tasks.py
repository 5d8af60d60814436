"""The assignments' background jobs.

- `run_generation_job(job_id)` (queue `generation`): one `generation_jobs` row through
  `vividshift.assignments.jobs.service.run_job`; a lost database connection is retried
  (3 attempts in all, 5 s apart), business errors end the job as failed without retry.
- `retry_stalled_jobs` (queue `maintenance`, every minute): jobs still `doing` on a
  worker whose heartbeat is older than `VIVIDSHIFT_WORKER_STALE_SECONDS` (killed, lost
  its machine) go back to `todo` for another worker.
- `purge_history` (queue `maintenance`, daily at 03:17): when
  `VIVIDSHIFT_HISTORY_RETENTION_DAYS` is set, history rows older than that, in batches.
"""

import logging
from uuid import UUID

import psycopg
from procrastinate import App, JobContext, RetryStrategy

from vividshift.assignments import queries
from vividshift.assignments.jobs import queries as job_queries
from vividshift.assignments.jobs import service as jobs
from vividshift.config import Settings
from vividshift.db import connect

log = logging.getLogger("vividshift.tasks")

STALLED_CRON = "* * * * *"
HISTORY_CRON = "17 3 * * *"
HISTORY_BATCH = 5000


async def run_generation(database_url: str, job_id: UUID) -> str:
    """Run one generation job; its final status."""
    async with connect(database_url) as conn:
        return await jobs.run_job(conn, job_id)


async def retry_stalled(app: App, stale_seconds: float) -> list[int]:
    """Put the jobs of silent workers back in the queue; their ids."""
    stalled = list(await app.job_manager.get_stalled_jobs(seconds_since_heartbeat=stale_seconds))
    for job in stalled:
        log.warning("job %s (%s) stalled on a silent worker: retried", job.id, job.task_name)
        await app.job_manager.retry_job(job)
    return [int(j.id) for j in stalled if j.id is not None]


async def purge_history(settings: Settings, database_url: str) -> dict[str, int]:
    """Delete assignment_history rows older than VIVIDSHIFT_HISTORY_RETENTION_DAYS
    (nothing when it is 0, the default)."""
    days = settings.history_retention_days
    if days == 0:
        return {"history_rows": 0}
    total = await delete_history_older_than(database_url, days)
    log.info("history retention: %d rows older than %d days deleted", total, days)
    return {"history_rows": total}


async def delete_history_older_than(database_url: str, days: int) -> int:
    """Delete `assignment_history` rows older than `days`, in batches (each its own
    transaction, so a big purge never holds long locks); how many."""
    total = 0
    async with connect(database_url) as conn:
        while True:
            deleted = await queries.delete_history_batch(
                conn, older_than_days=days, batch_size=HISTORY_BATCH
            )
            total += deleted
            if deleted < HISTORY_BATCH:
                return total


def register(app: App) -> None:
    """Register the generation job, the stalled-job sweep and the history retention (and
    their schedules) on `app`."""

    @app.task(
        name=job_queries.TASK,
        queue=job_queries.QUEUE,
        pass_context=True,
        retry=RetryStrategy(max_attempts=2, wait=5, retry_exceptions={psycopg.OperationalError}),
    )
    async def run_generation_job(context: JobContext, job_id: str) -> str:
        return await run_generation(context.additional_context["database_url"], UUID(job_id))

    @app.periodic(cron=STALLED_CRON, periodic_id="retry_stalled_jobs")
    @app.task(
        name="retry_stalled_jobs",
        queue="maintenance",
        pass_context=True,
        queueing_lock="retry_stalled_jobs",
    )
    async def retry_stalled_jobs_task(context: JobContext, timestamp: int) -> list[int]:
        settings: Settings = context.additional_context["settings"]
        return await retry_stalled(app, settings.worker_stale_seconds)

    @app.periodic(cron=HISTORY_CRON, periodic_id="purge_history")
    @app.task(name="purge_history", queue="maintenance", pass_context=True, queueing_lock="history")
    async def purge_history_task(context: JobContext, timestamp: int) -> dict[str, int]:
        extra = context.additional_context
        return await purge_history(extra["settings"], extra["database_url"])
