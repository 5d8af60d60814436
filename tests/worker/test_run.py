"""`vividshift worker` as operators run it: a process that takes jobs and stops cleanly
on SIGTERM, logging JSON lines when its stderr is not a terminal."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg

from tests.worker.helpers import add_sessions, job_statuses, session_tokens

VIVIDSHIFT = Path(sys.executable).parent / "vividshift"


def wait_for(condition, timeout: float = 30.0) -> None:  # type: ignore[no-untyped-def]
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < timeout, "timed out"
        time.sleep(0.1)


def workers(url: str) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT count(*) FROM procrastinate_workers").fetchone()
    assert row is not None
    return int(row[0])


def test_worker_runs_a_job_and_stops_on_sigterm(fresh_db_url: str, tmp_path: Path) -> None:
    add_sessions(fresh_db_url)
    env = {k: v for k, v in os.environ.items() if not k.startswith("VIVIDSHIFT_")}
    env |= {"DATABASE_URL": fresh_db_url, "VIVIDSHIFT_LOG_FORMAT": "auto"}
    stderr = (tmp_path / "worker.log").open("w+")
    proc = subprocess.Popen(
        [str(VIVIDSHIFT), "worker", "--queue", "maintenance", "--concurrency", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=stderr,
    )
    try:
        wait_for(lambda: workers(fresh_db_url) == 1)
        with psycopg.connect(fresh_db_url, autocommit=True) as conn:
            conn.execute(
                """SELECT procrastinate_defer_jobs_v1(ARRAY[ROW('maintenance',
                       'purge_sessions', 0, NULL, NULL, '{"timestamp": 0}', NULL)
                       ::procrastinate_job_to_defer_v1])"""
            )
        wait_for(lambda: ("purge_sessions", "succeeded") in job_statuses(fresh_db_url))
        assert session_tokens(fresh_db_url) == ["live"]

        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert workers(fresh_db_url) == 0  # unregistered on the way out

    stderr.seek(0)
    lines = [json.loads(line) for line in stderr.read().splitlines() if line.strip()]
    stderr.close()
    assert lines, "the worker logged nothing"
    assert {"ts", "level", "logger", "message"} <= set(lines[0])
    assert any(line["logger"].startswith("procrastinate") for line in lines)
    assert not any("postgresql://" in json.dumps(line) for line in lines)
