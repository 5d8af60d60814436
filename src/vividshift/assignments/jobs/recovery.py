"""The API's own sweep of in-process jobs whose API process died.

With no worker running, the API runs a 202-answered job itself; if that process dies
(kill -9, a crash, a redeploy) the job would stay `running` forever, since no worker
exists to retry it. Every API process therefore checks, every minute, for in-process
jobs still open VIVIDSHIFT_IN_PROCESS_JOB_TIMEOUT_SECONDS after they started: it claims
them (row lock, SKIP LOCKED: one process per job) and runs each once more; a job that
was already attempted twice is failed with `INTERNAL_ERROR` ("The API process running
the job stopped") instead. A re-run is safe: a job's run and its `succeeded` mark
commit together, so a job either has its run or none.
"""

import asyncio
import logging
from uuid import UUID

from psycopg_pool import AsyncConnectionPool

from vividshift.assignments.jobs import queries
from vividshift.assignments.jobs.service import run_job
from vividshift.config import Settings

log = logging.getLogger("vividshift.jobs")

SWEEP_SECONDS = 60.0
MAX_ATTEMPTS = 2
ABANDONED = {"error": "The API process running the job stopped", "code": "INTERNAL_ERROR"}


async def recover_abandoned(pool: AsyncConnectionPool, settings: Settings) -> dict[UUID, str]:
    """Re-run or fail the abandoned in-process jobs; {job id: what became of it}."""
    outcome: dict[UUID, str] = {}
    async with pool.connection() as conn:
        claimed = await queries.claim_abandoned_in_process(
            conn,  # type: ignore[arg-type]
            settings.in_process_job_timeout_seconds,
        )
        for job in claimed:
            if job.attempts >= MAX_ATTEMPTS:
                await queries.fail(conn, job.id, ABANDONED | {"details": None})  # type: ignore[arg-type]
                outcome[job.id] = "failed"
                log.warning("abandoned in-process job %s failed", job.id)
                continue
            log.warning("abandoned in-process job %s: running it again", job.id)
            try:
                outcome[job.id] = await run_job(conn, job.id)  # type: ignore[arg-type]
            except Exception:
                log.exception("re-run of in-process job %s crashed", job.id)
                await queries.fail(conn, job.id, ABANDONED | {"details": None})  # type: ignore[arg-type]
                outcome[job.id] = "failed"
    return outcome


async def sweep_forever(pool: AsyncConnectionPool, settings: Settings) -> None:
    """`recover_abandoned` every SWEEP_SECONDS until cancelled (the app's lifespan)."""
    while True:
        await asyncio.sleep(SWEEP_SECONDS)
        try:
            await recover_abandoned(pool, settings)
        except Exception:  # noqa: BLE001 - a database hiccup must not end the sweep
            log.warning("abandoned-job sweep failed; trying again later", exc_info=True)
