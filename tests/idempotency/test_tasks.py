"""The purge of expired Idempotency-Key records, run by a real procrastinate worker on a
database of its own."""

import time

from tests.conftest import make_settings
from tests.worker.helpers import add_idempotency_keys, idempotency_keys, run_queued_jobs
from tests.worker.helpers import maintenance_job_statuses as job_statuses
from vividshift.idempotency import tasks
from vividshift.worker.app import create_task_app


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
    assert await tasks.purge_idempotency_keys(fresh_db_url) == {"idempotency_keys": 0}
    assert idempotency_keys(fresh_db_url) == ["live", "nearly-expired"]
