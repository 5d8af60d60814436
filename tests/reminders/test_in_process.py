"""Without a worker the API process writes the reminders due; with a live worker it
leaves them to the worker's schedule."""

from datetime import timedelta

from tests.conftest import make_settings
from tests.reminders.test_reminders import DAY, _berlin, _reminded, _setup
from vividshift.db import Connection
from vividshift.reminders.in_process import remind_unless_worker


async def test_the_api_process_reminds_only_while_no_worker_runs(db: Connection):
    h = await _setup(db)
    settings = make_settings("postgresql://unused/x")
    due = _berlin(DAY, 0) - timedelta(hours=23)  # Ben's all-day turn is due
    await db.execute("INSERT INTO procrastinate_workers DEFAULT VALUES")
    assert await remind_unless_worker(db, settings, now=due) is None
    assert await _reminded(db) == []
    await db.execute("DELETE FROM procrastinate_workers")
    assert await remind_unless_worker(db, settings, now=due) == 1
    assert await _reminded(db) == [("Ben", h["ben"]["id"])]
