"""Generation jobs, the schedule tick and the stalled-job sweep on the worker.

- `run_generation_job(job_id)` (queue `generation`): one `generation_jobs` row through
  `vividshift.jobs.service.run_job`; a lost database connection is retried (3 attempts
  in all, 5 s apart), business errors end the job as failed without retry.
- `schedule_tick` (queue `schedules`, every minute): claims due schedule runs
  (`vividshift.schedules.service.tick`).
- `retry_stalled_jobs` (queue `maintenance`, every minute): jobs still `doing` on a
  worker whose heartbeat is older than `VIVIDSHIFT_WORKER_STALE_SECONDS` (killed, lost
  its machine) go back to `todo` for another worker.
"""

import logging
from typing import Any
from uuid import UUID

import psycopg
from procrastinate import App, JobContext, RetryStrategy
from psycopg.rows import dict_row

from vividshift.config import Settings
from vividshift.jobs import queries as job_queries
from vividshift.jobs import service as jobs
from vividshift.schedules import service as schedules

log = logging.getLogger("vividshift.tasks")

TICK_CRON = "* * * * *"
STALLED_CRON = "* * * * *"


def _context(context: JobContext) -> tuple[Settings, str]:
    extra: dict[str, Any] = context.additional_context
    return extra["settings"], extra["database_url"]


async def run_generation(database_url: str, job_id: UUID) -> str:
    async with await psycopg.AsyncConnection.connect(
        database_url, autocommit=True, row_factory=dict_row
    ) as conn:
        return await jobs.run_job(conn, job_id)


async def schedule_tick(database_url: str) -> list[str]:
    async with await psycopg.AsyncConnection.connect(
        database_url, autocommit=True, row_factory=dict_row
    ) as conn:
        return [str(i) for i in await schedules.tick(conn)]


async def retry_stalled(app: App, stale_seconds: float) -> list[int]:
    """Put the jobs of silent workers back in the queue; their ids."""
    stalled = list(await app.job_manager.get_stalled_jobs(seconds_since_heartbeat=stale_seconds))
    for job in stalled:
        log.warning("job %s (%s) stalled on a silent worker: retried", job.id, job.task_name)
        await app.job_manager.retry_job(job)
    return [int(j.id) for j in stalled if j.id is not None]


def register(app: App) -> None:
    @app.task(
        name=job_queries.TASK,
        queue=job_queries.QUEUE,
        pass_context=True,
        retry=RetryStrategy(max_attempts=2, wait=5, retry_exceptions={psycopg.OperationalError}),
    )
    async def run_generation_job(context: JobContext, job_id: str) -> str:
        _, url = _context(context)
        return await run_generation(url, UUID(job_id))

    @app.periodic(cron=TICK_CRON, periodic_id="schedule_tick")
    @app.task(name="schedule_tick", queue="schedules", pass_context=True, queueing_lock="tick")
    async def schedule_tick_task(context: JobContext, timestamp: int) -> list[str]:
        _, url = _context(context)
        return await schedule_tick(url)

    @app.periodic(cron=STALLED_CRON, periodic_id="retry_stalled_jobs")
    @app.task(
        name="retry_stalled_jobs",
        queue="maintenance",
        pass_context=True,
        queueing_lock="retry_stalled_jobs",
    )
    async def retry_stalled_jobs_task(context: JobContext, timestamp: int) -> list[int]:
        settings, _ = _context(context)
        return await retry_stalled(app, settings.worker_stale_seconds)
