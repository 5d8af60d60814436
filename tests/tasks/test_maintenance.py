"""Maintenance jobs run by a real procrastinate worker on a database of their own."""

import time

import psycopg
from procrastinate.periodic import PeriodicDeferrer

from tests.conftest import make_settings
from tests.tasks.conftest import (
    add_idempotency_keys,
    add_sessions,
    idempotency_keys,
    session_tokens,
)
from tests.tasks.conftest import job_statuses as all_job_statuses
from vividshift.tasks import maintenance
from vividshift.tasks.app import create_task_app


def job_statuses(url: str) -> list[tuple[str, str]]:
    """The maintenance jobs' statuses (the schedule tick and the stalled-job sweep of
    vividshift.tasks.generation run on the same minute crons; tests/schedules covers them)."""
    return [job for job in all_job_statuses(url) if job[0].startswith("purge_")]


async def run_queued_jobs(url: str, **settings: object) -> None:
    """One worker that runs every queued job, then stops. (Its periodic deferrer runs
    too, and may add a purge_sessions or purge_idempotency_keys job when one fell due in
    the last 10 minutes.)"""
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
    assert ("purge_sessions", "succeeded") in job_statuses(fresh_db_url)
    assert {status for _, status in job_statuses(fresh_db_url)} == {"succeeded"}


async def test_idempotency_key_job_purges_only_expired_keys(fresh_db_url: str) -> None:
    add_idempotency_keys(fresh_db_url)
    app = create_task_app(make_settings(fresh_db_url), fresh_db_url)
    async with app.open_async():
        await app.tasks["purge_idempotency_keys"].defer_async(timestamp=int(time.time()))
    assert idempotency_keys(fresh_db_url) == ["expired", "live", "long-expired", "nearly-expired"]

    await run_queued_jobs(fresh_db_url)

    assert idempotency_keys(fresh_db_url) == ["live", "nearly-expired"]
    assert ("purge_idempotency_keys", "succeeded") in job_statuses(fresh_db_url)
    assert {status for _, status in job_statuses(fresh_db_url)} == {"succeeded"}
    # Idempotent: a second run finds nothing more to delete.
    assert await maintenance.purge_idempotency_keys(fresh_db_url) == {"idempotency_keys": 0}
    assert idempotency_keys(fresh_db_url) == ["live", "nearly-expired"]


async def test_periodic_jobs_are_deferred_once_per_due_time(fresh_db_url: str) -> None:
    add_sessions(fresh_db_url)
    app = create_task_app(make_settings(fresh_db_url), fresh_db_url)
    periodic = app.periodic_registry.periodic_tasks.values()
    crons = {t.task.name: t.cron for t in periodic}
    assert crons == {
        "purge_sessions": maintenance.SESSIONS_CRON,
        "purge_idempotency_keys": maintenance.IDEMPOTENCY_CRON,
        "purge_history": maintenance.HISTORY_CRON,
        "schedule_tick": "* * * * *",
        "retry_stalled_jobs": "* * * * *",
    }
    assert maintenance.IDEMPOTENCY_CRON == "41 * * * *"  # hourly
    queues = {t.task.name: t.task.queue for t in periodic}
    assert queues == {
        "purge_sessions": "maintenance",
        "purge_idempotency_keys": "maintenance",
        "purge_history": "maintenance",
        "schedule_tick": "schedules",
        "retry_stalled_jobs": "maintenance",
    }
    now = time.time()
    async with app.open_async():
        # Two workers' deferrers reach the same due times: each job is deferred once.
        for _ in range(2):
            deferrer = PeriodicDeferrer(app.periodic_registry, max_delay=86400)
            await deferrer.defer_jobs(deferrer.get_previous_tasks(at=now))
    assert sorted(job_statuses(fresh_db_url)) == [
        ("purge_history", "todo"),
        ("purge_idempotency_keys", "todo"),
        ("purge_sessions", "todo"),
    ]

    await run_queued_jobs(fresh_db_url)

    assert sorted(job_statuses(fresh_db_url)) == [
        ("purge_history", "succeeded"),
        ("purge_idempotency_keys", "succeeded"),
        ("purge_sessions", "succeeded"),
    ]
    assert session_tokens(fresh_db_url) == ["live"]


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
