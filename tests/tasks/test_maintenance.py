"""Maintenance jobs run by a real procrastinate worker on a database of their own."""

import time

import psycopg
from procrastinate.periodic import PeriodicDeferrer

from tests.conftest import make_settings
from tests.tasks.conftest import add_sessions, session_tokens
from tests.tasks.conftest import job_statuses as all_job_statuses
from vividshift.tasks import maintenance
from vividshift.tasks.app import create_task_app


def job_statuses(url: str) -> list[tuple[str, str]]:
    """The maintenance jobs' statuses (the schedule tick and the stalled-job sweep of
    vividshift.tasks.generation run on the same minute crons; tests/schedules covers them)."""
    return [job for job in all_job_statuses(url) if job[0].startswith("purge_")]


async def run_queued_jobs(url: str, **settings: object) -> None:
    """One worker that runs every queued job, then stops. (Its periodic deferrer runs
    too, and may add a purge_sessions job when one fell due in the last 10 minutes.)"""
    app = create_task_app(make_settings(url, **settings), url)
    async with app.open_async():
        await app.run_worker_async(wait=False, install_signal_handlers=False)


async def test_session_cleanup_job_purges_dead_sessions(fresh_db_url: str) -> None:
    add_sessions(fresh_db_url)
    app = create_task_app(make_settings(fresh_db_url), fresh_db_url)
    async with app.open_async():
        await app.tasks["purge_sessions"].defer_async(timestamp=int(time.time()))
    assert session_tokens(fresh_db_url) == ["expired", "idle", "live", "revoked"]

    await run_queued_jobs(fresh_db_url)

    assert session_tokens(fresh_db_url) == ["live"]
    assert set(job_statuses(fresh_db_url)) == {("purge_sessions", "succeeded")}


async def test_periodic_jobs_are_deferred_once_per_due_time(fresh_db_url: str) -> None:
    add_sessions(fresh_db_url)
    app = create_task_app(make_settings(fresh_db_url), fresh_db_url)
    crons = {t.task.name: t.cron for t in app.periodic_registry.periodic_tasks.values()}
    assert crons == {
        "purge_sessions": maintenance.SESSIONS_CRON,
        "purge_history": maintenance.HISTORY_CRON,
        "schedule_tick": "* * * * *",
        "retry_stalled_jobs": "* * * * *",
    }
    now = time.time()
    async with app.open_async():
        # Two workers' deferrers reach the same due times: each job is deferred once.
        for _ in range(2):
            deferrer = PeriodicDeferrer(app.periodic_registry, max_delay=86400)
            await deferrer.defer_jobs(deferrer.get_previous_tasks(at=now))
    assert sorted(job_statuses(fresh_db_url)) == [
        ("purge_history", "todo"),
        ("purge_sessions", "todo"),
    ]

    await run_queued_jobs(fresh_db_url)

    assert sorted(job_statuses(fresh_db_url)) == [
        ("purge_history", "succeeded"),
        ("purge_sessions", "succeeded"),
    ]
    assert session_tokens(fresh_db_url) == ["live"]


HISTORY = """
INSERT INTO assignments (name, strategy_used)
    SELECT 'run ' || g, 'balanced_rotation' FROM generate_series(1, 4) g;
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
    result = await maintenance.purge_history(make_settings(fresh_db_url), fresh_db_url)
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
