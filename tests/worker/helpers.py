"""Helpers of the background-work tests: worker processes, a live app, a worker that
runs the queued jobs once, and rows in several states for the maintenance jobs."""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
from psycopg.rows import dict_row

from tests.conftest import make_settings
from vividshift.worker.app import create_task_app

VIVIDSHIFT = Path(sys.executable).parent / "vividshift"


def wait_for(condition: Callable[[], Any], timeout: float = 60.0) -> Any:
    started = time.monotonic()
    while True:
        value = condition()
        if value:
            return value
        assert time.monotonic() - started < timeout, "timed out"
        time.sleep(0.1)


def one(url: str, query: str, params: tuple = ()) -> Any:
    with psycopg.connect(url) as conn:
        row = conn.execute(query, params).fetchone()  # type: ignore[arg-type]
    return row[0] if row else None


def rows(url: str, query: str, params: tuple = ()) -> list[dict[str, Any]]:
    with psycopg.connect(url, row_factory=dict_row) as conn:
        return conn.execute(query, params).fetchall()  # type: ignore[arg-type]


def live_workers(url: str) -> int:
    return int(one(url, "SELECT count(*) FROM procrastinate_workers"))


def worker_env(url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VIVIDSHIFT_")}
    return env | {
        "DATABASE_URL": url,
        "VIVIDSHIFT_LOG_FORMAT": "text",
        "VIVIDSHIFT_MIGRATE_ON_START": "false",
    }


def start_worker(url: str, name: str, log: Path, *args: str) -> subprocess.Popen:
    """`vividshift worker` as operators run it, logging to `log`."""
    with log.open("w") as stderr:  # the child keeps its own descriptor
        return subprocess.Popen(
            [str(VIVIDSHIFT), "worker", "--name", name, "--concurrency", "2", *args],
            env=worker_env(url),
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )


def stop_worker(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


async def seed_people_and_targets(conn: Any, people: int = 6, targets: int = 2) -> None:
    """`people` participants and `targets` targets needing 2 each, committed."""
    for i in range(people):
        await conn.execute("INSERT INTO participants (name) VALUES (%s)", (f"person {i:02d}",))
    for i in range(targets):
        await conn.execute(
            "INSERT INTO assignment_targets (name, required_count) VALUES (%s, 2)",
            (f"task {i}",),
        )


async def run_queued_jobs(url: str, **settings: object) -> None:
    """One worker that runs every queued job, then stops. (Its periodic deferrer runs
    too, and may add a purge_sessions or purge_idempotency_keys job when one fell due in
    the last 10 minutes.)"""
    app = create_task_app(make_settings(url, **settings), url)
    async with app.open_async():
        await app.run_worker_async(wait=False, install_signal_handlers=False)


# Sessions in several states, for the cleanup tests.
SESSIONS = """
INSERT INTO users (username, email, password_hash) VALUES ('sam', 'sam@example.org', 'x');
INSERT INTO user_sessions (user_id, token_hash, expires_at, idle_expires_at, is_revoked)
SELECT u.id, s.token_hash, now() + s.expires, now() + s.idle, s.revoked
FROM users u,
     (VALUES ('live', interval '1 hour', interval '10 minutes', false),
             ('expired', interval '-1 minute', interval '10 minutes', false),
             ('idle', interval '1 hour', interval '-1 minute', false),
             ('revoked', interval '1 hour', interval '10 minutes', true))
         AS s(token_hash, expires, idle, revoked)
WHERE u.username = 'sam';
"""


def add_sessions(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(SESSIONS)


def session_tokens(url: str) -> list[str]:
    with psycopg.connect(url) as conn:
        rows = conn.execute("SELECT token_hash FROM user_sessions ORDER BY 1").fetchall()
    return [r[0] for r in rows]


def job_statuses(url: str) -> list[tuple[str, str]]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT task_name, status::text FROM procrastinate_jobs ORDER BY id"
        ).fetchall()
    return [(r[0], r[1]) for r in rows]


IDEMPOTENCY_KEYS = """
INSERT INTO users (username, email, password_hash) VALUES ('kim', 'kim@example.org', 'x');
INSERT INTO idempotency_keys (user_id, scope, key, request_hash, status_code, response,
                              created_at, expires_at)
SELECT u.id, 'POST /api/participants', k.key, repeat('0', 64), 201, '{}',
       now() + k.expires - interval '24 hours', now() + k.expires
FROM users u,
     (VALUES ('live', interval '23 hours'),
             ('nearly-expired', interval '1 minute'),
             ('expired', interval '-1 second'),
             ('long-expired', interval '-30 days'))
         AS k(key, expires)
WHERE u.username = 'kim';
"""


def add_idempotency_keys(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(IDEMPOTENCY_KEYS)


def idempotency_keys(url: str) -> list[str]:
    with psycopg.connect(url) as conn:
        rows = conn.execute("SELECT key FROM idempotency_keys ORDER BY 1").fetchall()
    return [r[0] for r in rows]


def maintenance_job_statuses(url: str) -> list[tuple[str, str]]:
    """The maintenance jobs' statuses (the schedule tick and the stalled-job sweep run on
    the same minute crons; tests/schedules covers them)."""
    return [job for job in job_statuses(url) if job[0].startswith("purge_")]
