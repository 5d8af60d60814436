"""A worker whose generations stop mid-run (details written, not committed) until it is
killed: `python blocking_worker.py URL MARKER`. Writes MARKER when it is stuck there."""

import asyncio
import sys
from pathlib import Path
from uuid import UUID

from tests.conftest import make_settings
from vividshift.assignments import queries
from vividshift.worker.run import run_worker


def _mark(assignment_id: UUID) -> None:
    Path(sys.argv[2]).write_text(str(assignment_id))


async def _stuck(conn: object, assignment_id: UUID, *args: object) -> None:
    """In place of the run's last write (its `generate` history row), after the details."""
    _mark(assignment_id)
    await asyncio.sleep(3600)


if __name__ == "__main__":
    url = sys.argv[1]
    queries.insert_history = _stuck  # type: ignore[assignment]
    asyncio.run(run_worker(make_settings(url), url, name="doomed"))
