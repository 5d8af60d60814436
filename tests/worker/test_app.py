"""The task app: every periodic job, its schedule and queue, deferred once per due time
however many workers defer it."""

import time

from procrastinate.periodic import PeriodicDeferrer

from tests.conftest import make_settings
from tests.worker.helpers import add_sessions, run_queued_jobs, session_tokens
from tests.worker.helpers import maintenance_job_statuses as job_statuses
from vividshift.assignments import tasks as assignment_tasks
from vividshift.auth import tasks as auth_tasks
from vividshift.fairshare import tasks as fairshare_tasks
from vividshift.idempotency import tasks as idempotency_tasks
from vividshift.notifications import tasks as notification_tasks
from vividshift.worker.app import create_task_app


async def test_periodic_jobs_are_deferred_once_per_due_time(fresh_db_url: str) -> None:
    add_sessions(fresh_db_url)
    app = create_task_app(make_settings(fresh_db_url), fresh_db_url)
    periodic = app.periodic_registry.periodic_tasks.values()
    crons = {t.task.name: t.cron for t in periodic}
    assert crons == {
        "purge_sessions": auth_tasks.SESSIONS_CRON,
        "purge_idempotency_keys": idempotency_tasks.IDEMPOTENCY_CRON,
        "purge_history": assignment_tasks.HISTORY_CRON,
        "schedule_tick": "* * * * *",
        "retry_stalled_jobs": "* * * * *",
        "close_ended_places": fairshare_tasks.CLOSE_CRON,
        "ask_for_cover": fairshare_tasks.WAVES_CRON,
        "sweep_notifications": "* * * * *",
        "purge_notifications": notification_tasks.PURGE_CRON,
        "remind_turns": "*/5 * * * *",
    }
    assert idempotency_tasks.IDEMPOTENCY_CRON == "41 * * * *"  # hourly
    queues = {t.task.name: t.task.queue for t in periodic}
    assert queues == {
        "purge_sessions": "maintenance",
        "purge_idempotency_keys": "maintenance",
        "purge_history": "maintenance",
        "schedule_tick": "schedules",
        "retry_stalled_jobs": "maintenance",
        "close_ended_places": "maintenance",
        "ask_for_cover": "maintenance",
        "sweep_notifications": "notifications",
        "purge_notifications": "maintenance",
        "remind_turns": "notifications",
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
        ("purge_notifications", "todo"),
        ("purge_sessions", "todo"),
    ]

    await run_queued_jobs(fresh_db_url)

    assert sorted(job_statuses(fresh_db_url)) == [
        ("purge_history", "succeeded"),
        ("purge_idempotency_keys", "succeeded"),
        ("purge_notifications", "succeeded"),
        ("purge_sessions", "succeeded"),
    ]
    assert session_tokens(fresh_db_url) == ["live"]
