"""`vividshift db upgrade|downgrade|current|history`: the schema's migrations (Alembic)."""

from typing import Annotated

import typer

from vividshift import cli_context, migrate

ShowSql = Annotated[bool, typer.Option("--sql", help="print the SQL that would run, run nothing")]


def _at(url: str) -> str:
    current = migrate.current_revision(url)
    if current is None:
        return "the database is empty (no revision)"
    head = " (head, up to date)" if current == migrate.head_revision() else ""
    return f"the database is at revision {current}{head}"


def upgrade(revision: Annotated[str, typer.Argument()] = "head", sql: ShowSql = False) -> None:
    """Apply migrations up to REVISION (default: head), then say where the database is."""
    # The one command besides serve/worker/seed-demo that may create the embedded cluster.
    with cli_context.database_url(cli_context.settings(), create=not sql) as url:
        if sql:
            migrate.script(url, revision, down=False, out=typer.get_text_stream("stdout"))
            return
        migrate.upgrade(url, revision)
        typer.echo(_at(url))


def downgrade(
    revision: Annotated[str, typer.Argument(help="'base' = empty schema, '-1' = one step")],
    sql: ShowSql = False,
) -> None:
    """Roll back migrations down to REVISION, then say where the database is."""
    with cli_context.database_url(cli_context.settings()) as url:
        if sql:
            migrate.script(url, revision, down=True, out=typer.get_text_stream("stdout"))
            return
        migrate.downgrade(url, revision)
        typer.echo(_at(url))


def current() -> None:
    """Show the revision the database is at."""
    with cli_context.database_url(cli_context.settings()) as url:
        typer.echo(_at(url))


def history() -> None:
    """List all revisions, oldest last."""
    with cli_context.database_url(cli_context.settings()) as url:
        migrate.history(url)
