"""The `vividshift` command: serve the API and manage the database schema."""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
import uvicorn

from vividshift import migrate
from vividshift.config import Settings
from vividshift.embedded import EmbeddedPostgres

app = typer.Typer(help="VividShift: fair, valid assignments over PostgreSQL.", no_args_is_help=True)
db_app = typer.Typer(help="Schema migrations (Alembic) on DATABASE_URL or the embedded server.")
app.add_typer(db_app, name="db")


def _settings() -> Settings:
    return Settings()


@app.callback()
def _configure_logging() -> None:
    logging.basicConfig(
        level=_settings().log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
    )


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


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="address to listen on")] = None,
    port: Annotated[int | None, typer.Option(help="port to listen on")] = None,
) -> None:
    """Serve the API (on the embedded PostgreSQL when DATABASE_URL is unset)."""
    from vividshift.app import create_app

    settings = _settings()
    uvicorn.run(
        create_app(settings),
        host=host or settings.host,
        port=port or settings.port,
        log_level=settings.log_level,
    )


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument()] = "head") -> None:
    """Apply migrations up to REVISION (default: head)."""
    with database_url(_settings()) as url:
        migrate.upgrade(url, revision)


@db_app.command("downgrade")
def db_downgrade(revision: Annotated[str, typer.Argument(help="'base' = empty schema")]) -> None:
    """Roll back migrations down to REVISION."""
    with database_url(_settings()) as url:
        migrate.downgrade(url, revision)


@db_app.command("current")
def db_current() -> None:
    """Show the revision the database is at."""
    with database_url(_settings()) as url:
        migrate.current(url)


@db_app.command("history")
def db_history() -> None:
    """List all revisions, oldest last."""
    with database_url(_settings()) as url:
        migrate.history(url)
