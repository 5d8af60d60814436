"""History retention, run by a real procrastinate worker on a database of its own."""

import time

import psycopg

from tests.conftest import make_settings
from tests.worker.helpers import maintenance_job_statuses as job_statuses
from tests.worker.helpers import run_queued_jobs
from vividshift.assignments import tasks
from vividshift.worker.app import create_task_app

HISTORY = """
INSERT INTO assignments (name, strategy_used, assignment_date)
    SELECT 'run ' || g, 'balanced_rotation', DATE '2026-01-01' + g FROM generate_series(1, 4) g;
UPDATE assignment_history SET changed_at = now() - interval '40 days'
    WHERE assignment_id IN (SELECT id FROM assignments WHERE name IN ('run 1', 'run 2'));
"""


def history_runs(url: str) -> list[str]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            """SELECT a.name FROM assignment_history h JOIN assignments a
               ON a.id = h.assignment_id ORDER BY 1"""
        ).fetchall()
    return [r[0] for r in rows]


async def test_history_retention_is_off_by_default(fresh_db_url: str) -> None:
    with psycopg.connect(fresh_db_url, autocommit=True) as conn:
        conn.execute(HISTORY)
    result = await tasks.purge_history(make_settings(fresh_db_url), fresh_db_url)
    assert result == {"history_rows": 0}
    assert history_runs(fresh_db_url) == ["run 1", "run 2", "run 3", "run 4"]


async def test_history_retention_deletes_rows_older_than_the_age(fresh_db_url: str) -> None:
    with psycopg.connect(fresh_db_url, autocommit=True) as conn:
        conn.execute(HISTORY)
    app = create_task_app(make_settings(fresh_db_url), fresh_db_url)
    async with app.open_async():
        await app.tasks["purge_history"].defer_async(timestamp=int(time.time()))

    await run_queued_jobs(fresh_db_url, history_retention_days=30)

    assert ("purge_history", "succeeded") in job_statuses(fresh_db_url)
    assert {status for _, status in job_statuses(fresh_db_url)} == {"succeeded"}
    assert history_runs(fresh_db_url) == ["run 3", "run 4"]
    with psycopg.connect(fresh_db_url) as conn:
        assert conn.execute("SELECT count(*) FROM assignments").fetchone() == (4,)
