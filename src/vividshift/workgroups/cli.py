"""`vividshift import legacy-history FILE` and `vividshift seed-demo`: the work-groups
commands (see `legacy` and `demo` for what they write)."""

import asyncio
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from vividshift import cli_context
from vividshift.cli_messages import error_lines
from vividshift.db import connect
from vividshift.errors import AppError
from vividshift.ops.console import row_progress
from vividshift.workgroups import demo
from vividshift.workgroups.legacy import ImportSummary, import_legacy_history


def legacy_history_command(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    latest: Annotated[
        str | None,
        typer.Option(
            "--date", help="date of the latest run (YYYY-MM-DD); default: from the file name"
        ),
    ] = None,
) -> None:
    """Import a predecessor history file so the work-groups rotation continues from it."""
    try:
        day = date.fromisoformat(latest) if latest else None
    except ValueError:
        typer.echo(f"error: --date {latest!r} is not YYYY-MM-DD", err=True)
        raise typer.Exit(2) from None

    async def run(url: str) -> ImportSummary:
        async with connect(url) as conn:
            return await import_legacy_history(
                conn, file.read_bytes(), source=file.name, latest=day
            )

    with cli_context.database_url(cli_context.settings(), schema=True) as url:
        try:
            summary = asyncio.run(run(url))
        except AppError as exc:
            cli_context.fail(*error_lines(exc), "nothing was imported")
    typer.echo(summary.line())


def seed_demo() -> None:
    """Create a demo: the lodge's chore rotation (domain, people, chores, one run)."""

    async def work(url: str, step: Callable[[str], None]) -> demo.DemoSummary:
        async with connect(url) as conn:
            return await demo.seed(conn, progress=step)

    settings = cli_context.settings()
    try:
        with (
            cli_context.database_url(settings, create=True, schema=True) as url,
            row_progress("seed-demo") as (start, advance),
        ):
            start(3)
            summary = asyncio.run(work(url, lambda _name: advance(1)))
    except demo.AlreadySeeded as exc:
        typer.echo(f"seed-demo refused: {exc}; nothing was written", err=True)
        raise typer.Exit(1) from None
    for chore, people in summary.rotation.items():
        typer.echo(f"  {chore:<10} {', '.join(people)}")
    typer.echo(summary.line())
