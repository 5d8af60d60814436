"""Generation jobs: submit, run (on a worker or in the API process), read.

Decisions:
- **Which path.** `POST /api/assignments/generate` runs as a job when the body says
  `"async": true`, or when it leaves `async` unset and participants × targets (the
  lists sent, else the active rows) exceed `VIVIDSHIFT_ASYNC_GENERATION_THRESHOLD`
  (default 200 000; 0 = only on request). `"async": false` always answers synchronously.
- **Who runs it.** A worker is *running* when a row of `procrastinate_workers` has a
  heartbeat younger than `VIVIDSHIFT_WORKER_STALE_SECONDS` (default 60; workers beat
  every 10 s). Then our `generation_jobs` row and the procrastinate job (queue
  `generation`) are written in one transaction and a worker takes it. Otherwise the
  job is marked `in_process` and the API process runs it itself right after answering
  202 (a background task on its own pooled connection): the embedded default with no
  worker still works. A worker that serves only other queues (`--queue maintenance`)
  still counts as running: run at least one worker on all queues or on `generation`.
- **The run** goes through `assignments.generation.generate_run`, the function the API uses,
  in one transaction together with the job's `succeeded` mark: a job is either
  succeeded with its run, or there is no run. A business error (422/409 of the
  synchronous endpoint) fails the job with that error body, without retry.
- **Retries.** A worker killed mid-run leaves no partial run (its transaction dies
  with its connection); its procrastinate job stays `doing` until the
  `retry_stalled_jobs` periodic task (every minute) finds its worker silent for
  `VIVIDSHIFT_WORKER_STALE_SECONDS` and puts the job back to `todo`; the next worker
  runs it again. A retry of a job whose run was committed just before the crash finds
  the job succeeded and does nothing: exactly one run. Lost connections are retried up
  to 3 attempts; after that the job reads `failed`.
- **Domains.** A job is of the domain it generates in (`generation_jobs.domain_id`).
  Submitting one needs the manager role there (checked when it is submitted: 404 for
  a domain the caller may not see, 403 without the role); the job then runs as the
  system, attributed to its actor. Reading a job needs a role in its domain (a job of
  a domain the caller may not see is the job's 404; jobs made before domains, without
  one, are of `default`). A schedule's selections match rows of its domain only.
- **Progress** is coarse and honest: 0 queued, 10 generating, 100 done (the solver
  reports no intermediate progress).
- In-process jobs still open VIVIDSHIFT_IN_PROCESS_JOB_TIMEOUT_SECONDS (15 min) after
  they started (their API process died) are run once more, then failed, by any live
  API process (`jobs.recovery`, every minute); the schedule tick still fails those open
  an hour, for installs where only workers run.
"""

from __future__ import annotations

import logging
from typing import Any
from uuid import UUID

from fastapi.encoders import jsonable_encoder
from psycopg_pool import AsyncConnectionPool

from vividshift.assignments import generation
from vividshift.assignments.jobs import queries
from vividshift.assignments.jobs.schemas import JobRead
from vividshift.assignments.schemas import GenerateRequest
from vividshift.auth.deps import Principal
from vividshift.config import Settings
from vividshift.db import Connection, transaction
from vividshift.domains.access import Access, domain_access, row_access
from vividshift.errors import AppError, NotFound, ValidationFailed
from vividshift.idempotency.service import run_idempotent
from vividshift.notifications import events

log = logging.getLogger("vividshift.jobs")

IN_PROCESS_ABANDONED_SECONDS = 3600


async def worker_running(conn: Connection, settings: Settings) -> bool:
    return await queries.live_worker_exists(conn, settings.worker_stale_seconds)


async def generation_access(
    conn: Connection, principal: Principal | None, body: GenerateRequest
) -> Access:
    """The caller's access to the body's domain, when it lets them generate there (404
    unseen, 403 below manager)."""
    return (await domain_access(conn, principal, body.domain)).require("manager")


async def should_run_async(
    conn: Connection, settings: Settings, body: GenerateRequest, principal: Principal | None
) -> bool:
    """The body's `async`, else the size rule (see the module's decisions) on the
    domain's active rows."""
    if body.async_ is not None:
        return body.async_
    threshold = settings.async_generation_threshold
    if threshold == 0:
        return False
    domain_id = (await generation_access(conn, principal, body)).domain_id
    people = len(body.participants) or await queries.count_active(conn, "participants", domain_id)
    targets = len(body.targets) or await queries.count_active(conn, "assignment_targets", domain_id)
    return people * targets > threshold


async def submit_generation(
    conn: Connection, settings: Settings, principal: Principal, body: GenerateRequest
) -> JobRead:
    """A generation job of the API, in the body's domain (where the caller manages)."""
    access = await generation_access(conn, principal, body)
    return await submit(
        conn,
        settings,
        source="api",
        request=generation_request(body),
        actor_id=principal.id,
        requested_by=principal.id,
        domain_id=access.domain_id,
    )


def generation_request(body: GenerateRequest) -> dict[str, Any]:
    """The stored form of a request (what the job replays)."""
    return {"generate": body.model_dump(mode="json", exclude={"async_"}, exclude_none=True)}


async def submit(
    conn: Connection,
    settings: Settings,
    *,
    source: str,
    request: dict[str, Any],
    actor_id: UUID | None,
    requested_by: UUID | None,
    domain_id: UUID | None = None,
) -> JobRead:
    """Record a job and queue it for a worker, or mark it for this process when no
    worker is running (the caller then runs `run_in_process` after answering)."""
    on_worker = await worker_running(conn, settings)
    async with transaction(conn, acting_user=requested_by):
        row = await queries.insert_job(
            conn,
            source=source,
            mode="worker" if on_worker else "in_process",
            request=request,
            actor_id=actor_id,
            requested_by=requested_by,
            domain_id=domain_id,
        )
        assert row is not None
        if on_worker:
            await queries.defer(conn, row.id)
        job = await queries.get_job(conn, row.id)
    assert job is not None
    log.info("generation job %s queued (%s, %s)", job.id, source, job.mode)
    return JobRead.from_row(job)


async def submit_generation_once(
    conn: Connection,
    settings: Settings,
    principal: Principal,
    body: GenerateRequest,
    idempotency_key: str | None,
) -> tuple[JobRead, bool]:
    """`submit_generation`, at most once per Idempotency-Key: a repeated key with the
    same body answers the same job (True)."""
    if idempotency_key is None:
        return await submit_generation(conn, settings, principal, body), False
    async with transaction(conn, acting_user=principal.id):
        job, replayed = await run_idempotent(
            conn,
            idempotency_key,
            user_id=principal.id,
            scope="assignments.generate.async",
            body=body.model_dump(mode="json"),
            model=JobRead,
            create=lambda: submit_generation(conn, settings, principal, body),
        )
    return await get_job(conn, principal, job.id), replayed


async def get_job(conn: Connection, principal: Principal | None, job_id: UUID) -> JobRead:
    """A job of a domain the caller sees (the job's 404 otherwise)."""
    not_found = NotFound("Job not found", details={"id": str(job_id)})
    row = await queries.get_job(conn, job_id)
    if row is None:
        raise not_found
    if row.domain_id is None:
        await domain_access(conn, principal, None)
    else:
        await row_access(conn, principal, row.domain_id, not_found)
    return JobRead.from_row(row)


async def _body(
    conn: Connection, request: dict[str, Any], domain_id: UUID | None
) -> GenerateRequest:
    body = GenerateRequest.model_validate(request["generate"])
    selection = request.get("selection")
    if not selection:
        return body
    people = await queries.active_ids(
        conn, "participants", domain_id, selection.get("participants") or {}
    )
    targets = await queries.active_ids(
        conn, "assignment_targets", domain_id, selection.get("targets") or {}
    )
    if not people:
        raise ValidationFailed("The schedule's participant selection matches no active row")
    if not targets:
        raise ValidationFailed("The schedule's target selection matches no active row")
    return body.model_copy(update={"participants": people, "targets": targets})


async def run_job(conn: Connection, job_id: UUID) -> str:
    """Run one job on `conn` (autocommit); its final status. Business errors end the job
    as failed; anything else propagates (the queue retries or fails it)."""
    row = await queries.start(conn, job_id)
    if row is None:
        current = await queries.get_job(conn, job_id)
        log.info("generation job %s already ended; nothing to do", job_id)
        return current.status if current else "missing"
    try:
        body = await _body(conn, row.request, row.domain_id)
        async with conn.transaction():
            result = await generation.generate_run(conn, None, body, actor=row.actor_id)
            await queries.succeed(conn, job_id, result.id)
    except AppError as exc:
        error = {"error": exc.message, "code": exc.code, "details": jsonable_encoder(exc.details)}
        async with transaction(conn):
            await queries.fail(conn, job_id, error)
            if row.domain_id is not None:
                await events.generation_failed(
                    conn, row.domain_id, job_id, error, requested_by=row.requested_by
                )
        log.info("generation job %s failed: %s %s", job_id, exc.code, exc.message)
        return "failed"
    log.info(
        "generation job %s succeeded: assignment %s (%d placements)",
        job_id,
        result.id,
        len(result.details),
    )
    return "succeeded"


async def run_in_process(pool: AsyncConnectionPool, job_id: UUID) -> None:
    """The API's fallback when no worker runs: the job on a pooled connection of its own."""
    try:
        async with pool.connection() as conn:
            try:
                await run_job(conn, job_id)  # type: ignore[arg-type]
            except Exception:
                log.exception("in-process generation job %s crashed", job_id)
                await queries.fail(
                    conn,  # type: ignore[arg-type]
                    job_id,
                    {"error": "Internal error", "code": "INTERNAL_ERROR", "details": None},
                )
    except Exception:  # noqa: BLE001 - the pool itself failed; the tick will sweep the job
        log.exception("in-process generation job %s could not get a connection", job_id)
