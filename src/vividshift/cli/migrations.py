"""`vividshift db upgrade|downgrade|current|history`: the schema's migrations (Alembic)."""

from typing import Annotated

import typer

from vividshift import cli_context, migrate


def upgrade(revision: Annotated[str, typer.Argument()] = "head") -> None:
    """Apply migrations up to REVISION (default: head)."""
    with cli_context.database_url(cli_context.settings()) as url:
        migrate.upgrade(url, revision)


def downgrade(revision: Annotated[str, typer.Argument(help="'base' = empty schema")]) -> None:
    """Roll back migrations down to REVISION."""
    with cli_context.database_url(cli_context.settings()) as url:
        migrate.downgrade(url, revision)


def current() -> None:
    """Show the revision the database is at."""
    with cli_context.database_url(cli_context.settings()) as url:
        migrate.current(url)


def history() -> None:
    """List all revisions, oldest last."""
    with cli_context.database_url(cli_context.settings()) as url:
        migrate.history(url)
