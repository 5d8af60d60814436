"""`vividshift worker`: a procrastinate worker until SIGTERM or Ctrl-C.

On the first signal the worker takes no new job, lets running ones finish (at most
`shutdown_timeout` seconds, then aborts them: an aborted job is retried by a later
worker) and unregisters; procrastinate installs the signal handlers for its run.
Any number of workers, on any machines, may serve one database.
"""

from collections.abc import Sequence

from procrastinate.app import WorkerOptions

from vividshift.config import Settings
from vividshift.worker.app import create_task_app


async def run_worker(
    settings: Settings,
    database_url: str,
    *,
    queues: Sequence[str] = (),
    concurrency: int = 1,
    name: str | None = None,
    shutdown_timeout: float | None = None,
) -> None:
    """Run jobs of `queues` (all when empty) until stopped by a signal."""
    app = create_task_app(settings, database_url)
    # procrastinate's WorkerOptions types these without None, though its Worker takes None.
    # Left out, queues and shutdown_graceful_timeout are None (every queue, no timeout).
    options: WorkerOptions = {"concurrency": concurrency}
    if queues:
        options["queues"] = list(queues)
    if shutdown_timeout is not None:
        options["shutdown_graceful_timeout"] = shutdown_timeout
    # Left out, name would be "worker"; None keeps the worker unnamed.
    options["name"] = name  # type: ignore[typeddict-item]  # Worker(name: str | None)
    async with app.open_async():
        await app.run_worker_async(**options)
