"""`vividshift worker`: serve the job queue from the command line (see `run`)."""

import asyncio
from typing import Annotated

import typer

from vividshift import cli_context
from vividshift.worker.run import run_worker


def worker(
    queue: Annotated[
        list[str] | None,
        typer.Option("--queue", "-q", help="queue to serve (repeat); all when unset"),
    ] = None,
    concurrency: Annotated[int, typer.Option(min=1, help="jobs run at once")] = 1,
    name: Annotated[str | None, typer.Option(help="worker name in logs and job records")] = None,
    shutdown_timeout: Annotated[
        float | None, typer.Option(help="seconds running jobs get after SIGTERM/Ctrl-C")
    ] = None,
) -> None:
    """Run background jobs (procrastinate) until SIGTERM or Ctrl-C."""
    settings = cli_context.settings()
    with cli_context.database_url(settings, create=True, schema=True) as url:
        asyncio.run(
            run_worker(
                settings,
                url,
                queues=queue or (),
                concurrency=concurrency,
                name=name,
                shutdown_timeout=shutdown_timeout,
            )
        )
