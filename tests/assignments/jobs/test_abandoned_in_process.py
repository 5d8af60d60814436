"""An async job answered 202 whose API process died (no worker runs): another API
process re-runs it after VIVIDSHIFT_IN_PROCESS_JOB_TIMEOUT_SECONDS, or fails it after
a second attempt — it never stays `running` forever."""

import psycopg
from psycopg.rows import dict_row

from tests.conftest import make_settings
from tests.worker.helpers import seed_people_and_targets
from vividshift.assignments.jobs import queries
from vividshift.assignments.jobs.recovery import recover_abandoned
from vividshift.db import create_pool


async def _job(conn, *, attempts: int, minutes_ago: int) -> object:  # type: ignore[no-untyped-def]
    row = await queries.insert_job(
        conn,
        source="api",
        mode="in_process",
        request={"generate": {"seed": 3}},
        actor_id=None,
        requested_by=None,
    )
    assert row is not None
    await conn.execute(
        "UPDATE generation_jobs SET status = 'running', attempts = %s,"
        " started_at = now() - make_interval(mins => %s) WHERE id = %s",
        (attempts, minutes_ago, row.id),
    )
    return row.id


async def test_a_dead_processes_job_is_rerun_then_failed(fresh_db_url: str) -> None:
    settings = make_settings(fresh_db_url, in_process_job_timeout_seconds=600)
    async with await psycopg.AsyncConnection.connect(
        fresh_db_url, autocommit=True, row_factory=dict_row
    ) as conn:
        await seed_people_and_targets(conn)
        orphan = await _job(conn, attempts=1, minutes_ago=11)  # died during its 1st run
        twice = await _job(conn, attempts=2, minutes_ago=30)  # died during its re-run too
        young = await _job(conn, attempts=1, minutes_ago=2)  # may still be running
        pool = create_pool(fresh_db_url, settings)
        await pool.open()
        try:
            outcome = await recover_abandoned(pool, settings)
            assert outcome == {orphan: "succeeded", twice: "failed"}
            assert await recover_abandoned(pool, settings) == {}  # nothing left to sweep
        finally:
            await pool.close()
        cur = await conn.execute(
            "SELECT id, status, assignment_id, error FROM generation_jobs ORDER BY created_at"
        )
        jobs = {r["id"]: r for r in await cur.fetchall()}
        assert jobs[orphan]["status"] == "succeeded" and jobs[orphan]["assignment_id"]
        assert jobs[twice]["status"] == "failed"
        assert jobs[twice]["error"]["error"] == "The API process running the job stopped"
        assert jobs[young]["status"] == "running"
        cur = await conn.execute("SELECT count(*) AS n FROM assignments")
        assert (await cur.fetchone())["n"] == 1
