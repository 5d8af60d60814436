"""The session purge, run by a real procrastinate worker on a database of its own."""

import time

from tests.conftest import make_settings
from tests.worker.helpers import add_sessions, run_queued_jobs, session_tokens
from tests.worker.helpers import maintenance_job_statuses as job_statuses
from vividshift.worker.app import create_task_app


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
