"""Notification retention, run by a real procrastinate worker on a database of its own:
deliveries that ended longer ago than the retention go (with their attempts), then the
events nothing refers to; pending deliveries stay whatever their age."""

import time

import psycopg

from tests.conftest import make_settings
from tests.worker.helpers import maintenance_job_statuses as job_statuses
from tests.worker.helpers import run_queued_jobs
from vividshift.notifications import tasks
from vividshift.worker.app import create_task_app

# One event per delivery, so what is left of the events shows which deliveries went.
OUTBOX = """
INSERT INTO domains (name, display_name) VALUES ('retention-house', 'Retention House');
INSERT INTO notification_channels (domain_id, kind, name, url, secret)
    SELECT id, 'webhook', 'hook', 'https://hooks.example.org/x', 'whsec_x'
    FROM domains WHERE name = 'retention-house';
WITH rows (label, status, age) AS (
    VALUES ('old delivered', 'delivered', 100), ('old failed', 'failed', 100),
           ('old cancelled', 'cancelled', 100), ('old pending', 'pending', 100),
           ('new delivered', 'delivered', 5)
), events AS (
    INSERT INTO notification_events (domain_id, event_type, payload, created_at)
    SELECT d.id, 'run.published.v1', jsonb_build_object('label', r.label),
           now() - make_interval(days => r.age)
    FROM rows r CROSS JOIN domains d WHERE d.name = 'retention-house'
    RETURNING id, domain_id, payload->>'label' AS label
)
INSERT INTO notification_deliveries
    (event_id, domain_id, channel_id, kind, status, created_at, updated_at)
SELECT e.id, e.domain_id, c.id, 'webhook', r.status,
       now() - make_interval(days => r.age), now() - make_interval(days => r.age)
FROM events e JOIN rows r ON r.label = e.label CROSS JOIN notification_channels c;
INSERT INTO notification_attempts (delivery_id, attempt, outcome, duration_ms, started_at)
    SELECT id, 1, 'succeeded', 12, created_at FROM notification_deliveries;
"""


def left(url: str) -> tuple[list[str], list[str], int]:
    """(labels of the deliveries left, labels of the events left, attempts left)."""
    with psycopg.connect(url) as conn:
        deliveries = conn.execute(
            """SELECT e.payload->>'label' FROM notification_deliveries d
               JOIN notification_events e ON e.id = d.event_id ORDER BY 1"""
        ).fetchall()
        events = conn.execute(
            "SELECT payload->>'label' FROM notification_events ORDER BY 1"
        ).fetchall()
        attempts = conn.execute("SELECT count(*) FROM notification_attempts").fetchone()
    assert attempts is not None
    return [r[0] for r in deliveries], [r[0] for r in events], attempts[0]


async def test_retention_off_keeps_everything(fresh_db_url: str) -> None:
    with psycopg.connect(fresh_db_url, autocommit=True) as conn:
        conn.execute(OUTBOX)
    settings = make_settings(fresh_db_url, notification_retention_days=0)
    assert await tasks.purge(settings, fresh_db_url) == {"deliveries": 0, "events": 0}
    assert len(left(fresh_db_url)[0]) == 5


async def test_the_worker_deletes_ended_deliveries_and_their_events_past_the_age(
    fresh_db_url: str,
) -> None:
    with psycopg.connect(fresh_db_url, autocommit=True) as conn:
        conn.execute(OUTBOX)
    app = create_task_app(make_settings(fresh_db_url), fresh_db_url)
    async with app.open_async():
        await app.tasks["purge_notifications"].defer_async(timestamp=int(time.time()))

    await run_queued_jobs(fresh_db_url, notification_retention_days=30)

    assert ("purge_notifications", "succeeded") in job_statuses(fresh_db_url)
    kept = ["new delivered", "old pending"]
    assert left(fresh_db_url) == (kept, kept, 2)
