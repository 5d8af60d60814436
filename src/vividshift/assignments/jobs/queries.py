"""SQL of generation jobs (our `generation_jobs` rows next to procrastinate's jobs)."""

from datetime import datetime
from typing import Any
from uuid import UUID

from psycopg.types.json import Jsonb

from vividshift.assignments.jobs.rows import JOB_COLUMNS, ClaimedJob, JobRow, QueuedJob
from vividshift.db import Connection, fetch_all, fetch_one, qualified

QUEUE = "generation"
TASK = "run_generation_job"

_JOB = qualified(JOB_COLUMNS, "g")
_SELECT = f"""
SELECT {_JOB}, q.status::text AS queue_status, q.attempts AS queue_attempts
  FROM generation_jobs g
  LEFT JOIN procrastinate_jobs q ON q.id = g.queue_job_id
"""


async def live_worker_exists(conn: Connection, stale_seconds: int) -> bool:
    """A procrastinate worker whose heartbeat is younger than `stale_seconds`."""
    cur = await conn.execute(
        """SELECT EXISTS (SELECT 1 FROM procrastinate_workers
                          WHERE last_heartbeat > now() - make_interval(secs => %s)) AS live""",
        (stale_seconds,),
    )
    row = await cur.fetchone()
    return bool(row and row["live"])


async def count_active(conn: Connection, table: str, domain_id: UUID) -> int:
    """The active rows of `table` in the domain."""
    assert table in ("participants", "assignment_targets")
    cur = await conn.execute(
        f"SELECT count(*) AS n FROM {table} WHERE domain_id = %s AND is_active", (domain_id,)
    )
    row = await cur.fetchone()
    return row["n"] if row else 0


async def insert_job(
    conn: Connection,
    *,
    source: str,
    mode: str,
    request: dict[str, Any],
    actor_id: UUID | None,
    requested_by: UUID | None,
    domain_id: UUID | None = None,
    due_at: datetime | None = None,
    missed_runs: int = 0,
) -> JobRow | None:
    """The new row; None when a schedule's (domain, due time) already has one."""
    return await fetch_one(
        conn,
        JobRow,
        f"""
        INSERT INTO generation_jobs
            (source, mode, request, actor_id, requested_by, domain_id, due_at, missed_runs)
        VALUES (%s, %s, %s, %s, %s, %s, %s, %s)
        ON CONFLICT (domain_id, due_at) WHERE source = 'schedule' DO NOTHING
        RETURNING {JOB_COLUMNS}
        """,
        (source, mode, Jsonb(request), actor_id, requested_by, domain_id, due_at, missed_runs),
    )


async def defer(conn: Connection, job_id: UUID) -> int:
    """Queue the procrastinate job that runs `job_id`, in the caller's transaction (the
    job and our row commit together or not at all)."""
    cur = await conn.execute(
        """
        SELECT (procrastinate_defer_jobs_v1(ARRAY[ROW(%s, %s, 0, NULL, NULL, %s, NULL)
                ::procrastinate_job_to_defer_v1]))[1] AS id
        """,
        (QUEUE, TASK, Jsonb({"job_id": str(job_id)})),
    )
    row = await cur.fetchone()
    assert row is not None
    await conn.execute(
        "UPDATE generation_jobs SET queue_job_id = %s WHERE id = %s", (row["id"], job_id)
    )
    return int(row["id"])


async def get_job(conn: Connection, job_id: UUID) -> QueuedJob | None:
    return await fetch_one(conn, QueuedJob, _SELECT + " WHERE g.id = %s", (job_id,))


async def domain_jobs(conn: Connection, domain_id: UUID, limit: int) -> list[QueuedJob]:
    sql = _SELECT + " WHERE g.domain_id = %s ORDER BY g.created_at DESC, g.id LIMIT %s"
    return await fetch_all(conn, QueuedJob, sql, (domain_id, limit))


async def start(conn: Connection, job_id: UUID) -> JobRow | None:
    """Mark the job running (one more attempt); None when it has already ended — a
    retried queue job whose run was committed before its worker died."""
    return await fetch_one(
        conn,
        JobRow,
        f"""
        UPDATE generation_jobs
           SET status = 'running', attempts = attempts + 1, started_at = now(),
               progress = '{{"percent": 10, "stage": "generating"}}'
         WHERE id = %s AND status IN ('queued', 'running')
        RETURNING {JOB_COLUMNS}
        """,
        (job_id,),
    )


async def succeed(conn: Connection, job_id: UUID, assignment_id: UUID) -> None:
    await conn.execute(
        """
        UPDATE generation_jobs
           SET status = 'succeeded', assignment_id = %s, finished_at = now(), error = NULL,
               progress = '{"percent": 100, "stage": "done"}'
         WHERE id = %s
        """,
        (assignment_id, job_id),
    )


async def fail(conn: Connection, job_id: UUID, error: dict[str, Any]) -> None:
    await conn.execute(
        """
        UPDATE generation_jobs
           SET status = 'failed', error = %s, finished_at = now(),
               progress = progress || '{"stage": "failed"}'
         WHERE id = %s
        """,
        (Jsonb(error), job_id),
    )


async def fail_abandoned_in_process(conn: Connection, older_than_seconds: int) -> int:
    """In-process jobs still open long after they started: their API process died."""
    cur = await conn.execute(
        """
        UPDATE generation_jobs
           SET status = 'failed', finished_at = now(),
               error = '{"code": "INTERNAL_ERROR",
                         "error": "The API process running the job stopped"}'
         WHERE mode = 'in_process' AND status IN ('queued', 'running')
           AND coalesce(started_at, created_at) < now() - make_interval(secs => %s)
        """,
        (older_than_seconds,),
    )
    return cur.rowcount


async def claim_abandoned_in_process(
    conn: Connection, older_than_seconds: int, limit: int = 10
) -> list[ClaimedJob]:
    """In-process jobs open longer than `older_than_seconds` since they started (their API
    process died), claimed: `started_at` moves to now, so no other process takes them
    for another period. Locked rows are skipped (another API process is claiming)."""
    return await fetch_all(
        conn,
        ClaimedJob,
        """
        UPDATE generation_jobs j SET started_at = now()
          FROM (SELECT id FROM generation_jobs
                 WHERE mode = 'in_process' AND status IN ('queued', 'running')
                   AND coalesce(started_at, created_at) < now() - make_interval(secs => %s)
                 ORDER BY created_at LIMIT %s
                 FOR UPDATE SKIP LOCKED) stale
         WHERE j.id = stale.id
        RETURNING j.id, j.attempts
        """,
        (older_than_seconds, limit),
    )


async def active_ids(
    conn: Connection, table: str, domain_id: UUID | None, selection: dict[str, Any]
) -> list[UUID]:
    """Ids of the active rows of `table` in the domain (None: any) matching a schedule's
    selection (every filter given), by name."""
    assert table in ("participants", "assignment_targets")
    conditions = ["is_active"]
    params: dict[str, Any] = {}
    if domain_id is not None:
        conditions.append("domain_id = %(domain_id)s")
        params["domain_id"] = domain_id
    if selection.get("ids") is not None:
        conditions.append("id = ANY(%(ids)s::uuid[])")
        params["ids"] = selection["ids"]
    if selection.get("metadata"):
        conditions.append("metadata @> %(metadata)s")
        params["metadata"] = Jsonb(selection["metadata"])
    if selection.get("has_all_skills"):
        conditions.append("skills @> %(skills)s")
        params["skills"] = Jsonb(selection["has_all_skills"])
    cur = await conn.execute(
        f"SELECT id FROM {table} WHERE {' AND '.join(conditions)} ORDER BY name, id", params
    )
    return [r["id"] for r in await cur.fetchall()]
