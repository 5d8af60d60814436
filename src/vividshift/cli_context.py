"""What every `vividshift` command runs with: its settings and its database.

Each domain's `cli.py` imports these at module top. They live outside the `cli/`
package on purpose: `cli/` assembles the domains' commands, so it imports every
domain, and no domain imports it back.
"""

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import typer

from vividshift.config import Settings
from vividshift.db import Connection, connect
from vividshift.embedded import EmbeddedPostgres
from vividshift.errors import AppError

T = TypeVar("T")


def settings() -> Settings:
    """The settings of this command, read from the environment when it runs."""
    return Settings()


@contextmanager
def database_url(settings: Settings) -> Iterator[str]:
    """DATABASE_URL when set; otherwise the embedded server, started for the command."""
    if settings.database_url:
        yield settings.database_url
        return
    embedded = EmbeddedPostgres(settings.resolved_data_dir())
    try:
        yield embedded.database_url()
    finally:
        embedded.stop()


def run_on_database(work: Callable[[Connection, Settings], Awaitable[T]]) -> T:
    """`work` on one connection to the command's database; an AppError it raises is
    printed (`error: message: details`) and exits 1."""
    settings_ = settings()

    async def main(url: str) -> T:
        async with connect(url) as conn:
            return await work(conn, settings_)

    with database_url(settings_) as url:
        try:
            return asyncio.run(main(url))
        except AppError as exc:
            detail = f": {exc.details}" if exc.details else ""
            typer.echo(f"error: {exc.message}{detail}", err=True)
            raise typer.Exit(1) from None
