"""A worker killed mid-generation leaves no partial run, and the job is retried."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import psycopg

from tests.assignments.helpers import live_app
from tests.conftest import ROOT, make_settings
from tests.worker.helpers import one, seed_people_and_targets, wait_for, worker_env
from vividshift.assignments.tasks import retry_stalled
from vividshift.worker.app import create_task_app


def start_doomed_worker(url: str, marker: Path, log_path: Path) -> subprocess.Popen:
    """A worker (tests/assignments/jobs/blocking_worker.py) that stops mid-generation."""
    with log_path.open("w") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "tests.assignments.jobs.blocking_worker", url, str(marker)],
            cwd=ROOT,
            env=worker_env(url) | {"PYTHONPATH": str(ROOT)},
            stdout=subprocess.DEVNULL,
            stderr=log,
        )


async def test_killed_worker_leaves_nothing_and_the_job_is_retried(
    fresh_db_url: str, tmp_path: Path
) -> None:
    marker = tmp_path / "stuck"
    doomed = start_doomed_worker(fresh_db_url, marker, tmp_path / "doomed.log")
    try:
        wait_for(lambda: one(fresh_db_url, "SELECT count(*) FROM procrastinate_workers") == 1)
        async with live_app(fresh_db_url) as live:
            await seed_people_and_targets(live.conn)
            headers, _ = await live.headers("user")
            answer = await live.client.post(
                "/api/assignments/generate", json={"async": True}, headers=headers
            )
            assert answer.status_code == 202 and answer.json()["mode"] == "worker"
            job_url = answer.json()["url"]

            wait_for(marker.exists)  # the details are written, the transaction is open
            os.kill(doomed.pid, signal.SIGKILL)
            doomed.wait(timeout=10)

            # Nothing of the run survived the crash; the job is stuck "running".
            wait_for(lambda: one(fresh_db_url, "SELECT count(*) FROM assignments") == 0)
            assert one(fresh_db_url, "SELECT count(*) FROM assignment_details") == 0
            assert one(fresh_db_url, "SELECT count(*) FROM assignment_history") == 0
            state = (await live.client.get(job_url, headers=headers)).json()
            assert state["status"] == "running" and state["assignment_id"] is None

            # The dead worker stops beating: once silent long enough, the sweep retries.
            app = create_task_app(make_settings(fresh_db_url), fresh_db_url)
            async with app.open_async():
                assert await retry_stalled(app, 60) == []  # not silent long enough yet
                with psycopg.connect(fresh_db_url, autocommit=True) as conn:
                    conn.execute(
                        "UPDATE procrastinate_workers"
                        " SET last_heartbeat = now() - interval '5 minutes'"
                    )
                retried = await retry_stalled(app, 60)
                assert len(retried) == 1
                assert (
                    one(
                        fresh_db_url,
                        "SELECT status::text FROM procrastinate_jobs WHERE id = %s",
                        (retried[0],),
                    )
                    == "todo"
                )
                # Another worker takes it and finishes it: exactly one run.
                await app.run_worker_async(
                    wait=False, install_signal_handlers=False, queues=["generation"]
                )

            state = (await live.client.get(job_url, headers=headers)).json()
            assert state["status"] == "succeeded", state
            assert state["attempts"] == 2
            assert one(fresh_db_url, "SELECT count(*) FROM assignments") == 1
            run = (await live.client.get(state["result_url"], headers=headers)).json()
            assert len(run["details"]) == 4
    finally:
        if doomed.poll() is None:
            doomed.kill()
            doomed.wait()
