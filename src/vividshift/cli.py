"""The `vividshift` command: serve the API and manage the database schema."""

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Annotated

import typer
import uvicorn
from uvicorn.main import STARTUP_FAILURE

from vividshift import migrate
from vividshift.auth.cli import sessions_app, users_app
from vividshift.config import Settings
from vividshift.embedded import EmbeddedPostgres
from vividshift.legacy import legacy_history_command
from vividshift.observability.logs import configure_logging
from vividshift.participants.cli import import_app as participants_import_app

app = typer.Typer(help="VividShift: fair, valid assignments over PostgreSQL.", no_args_is_help=True)
db_app = typer.Typer(
    help="Migrations, backup/restore and statistics on DATABASE_URL or the embedded server."
)
app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")
app.add_typer(sessions_app, name="sessions")
app.add_typer(participants_import_app, name="import")
participants_import_app.command("legacy-history")(legacy_history_command)


def _settings() -> Settings:
    return Settings()


@app.callback()
def _configure_logging() -> None:
    configure_logging(_settings())


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


def server_config(
    settings: Settings, *, host: str | None = None, port: int | None = None
) -> uvicorn.Config:
    """What `serve` runs: the app under uvicorn, built but not started.

    The client address (login throttling, sessions' `ip_address`) and scheme come from
    `X-Forwarded-For` / `X-Forwarded-Proto` only when the connecting peer is one of
    VIVIDSHIFT_FORWARDED_ALLOW_IPS (uvicorn's ProxyHeadersMiddleware); from any other
    peer those headers are ignored and the socket's address counts."""
    from vividshift.app import create_app

    return uvicorn.Config(
        create_app(settings),
        host=host or settings.host,
        port=port or settings.port,
        log_level=settings.log_level,
        log_config=None,  # keep our log format (configure_logging) for uvicorn's records
        access_log=False,  # the app logs each request itself, with its request id
        proxy_headers=True,
        forwarded_allow_ips=settings.forwarded_allow_ips,
    )


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="address to listen on")] = None,
    port: Annotated[int | None, typer.Option(help="port to listen on")] = None,
) -> None:
    """Serve the API (on the embedded PostgreSQL when DATABASE_URL is unset)."""
    server = uvicorn.Server(server_config(_settings(), host=host, port=port))
    with suppress(KeyboardInterrupt):
        server.run()
    if not server.started:  # as uvicorn.run: a failed startup exits non-zero
        raise typer.Exit(STARTUP_FAILURE)


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


@db_app.command("backup")
def db_backup(file: Annotated[Path, typer.Argument(help="archive to write")]) -> None:
    """Write the database to FILE (pg_dump custom format)."""
    from vividshift.ops import backup, console

    with database_url(_settings()) as url, console.table_progress("backup") as (start, step):
        summary = backup.backup(url, file, on_start=start, on_table=step)
    typer.echo(summary.line())


@db_app.command("restore")
def db_restore(
    file: Annotated[Path, typer.Argument(help="archive written by `db backup`")],
    force: Annotated[
        bool, typer.Option(help="restore into a non-empty database, replacing the backup's objects")
    ] = False,
) -> None:
    """Load FILE into an empty database, all or nothing (--force: a non-empty one)."""
    from vividshift.ops import backup, console, pgtools

    try:
        with database_url(_settings()) as url, console.table_progress("restore") as (start, step):
            summary = backup.restore(url, file, force=force, on_start=start, on_table=step)
    except (backup.RestoreRefused, pgtools.ToolFailed, FileNotFoundError) as exc:
        typer.echo(
            f"restore refused: {exc}"
            if isinstance(exc, backup.RestoreRefused)
            else f"restore failed: {exc}",
            err=True,
        )
        raise typer.Exit(1) from None
    if summary.kept_tables:
        typer.echo(f"kept (not in the backup): {', '.join(summary.kept_tables)}", err=True)
    typer.echo(summary.line())


@db_app.command("stats")
def db_stats(
    as_json: Annotated[bool, typer.Option("--json", help="JSON instead of tables")] = False,
    min_mean_ms: Annotated[float, typer.Option(help="slow statement threshold (mean ms)")] = 100.0,
    limit: Annotated[int, typer.Option(help="most slow statements shown")] = 20,
) -> None:
    """Slow statements, index usage, unused indexes, table sizes, dead tuples."""
    from vividshift.ops import console, stats

    with database_url(_settings()) as url:
        report = stats.collect(url, min_mean_ms=min_mean_ms, limit=limit)
    if as_json:
        typer.echo(console.report_json(report))
    else:
        console.print_report(report)


@app.command()
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
    from vividshift.tasks.worker import run_worker

    settings = _settings()
    with database_url(settings) as url:
        if settings.migrate_on_start:
            migrate.upgrade(url)
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


@app.command("export")
def export_command(
    kind: Annotated[
        str, typer.Argument(help="participants | targets | assignments (one row per detail)")
    ],
    fmt: Annotated[str, typer.Option("--format", "-f", help="csv | json")] = "csv",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="file to write; stdout when unset")
    ] = None,
) -> None:
    """Export participants, targets or assignments as CSV or JSON."""
    from vividshift.ops import export

    if kind not in export.QUERIES:
        typer.echo(f"unknown kind {kind!r}: use participants, targets or assignments", err=True)
        raise typer.Exit(2)
    if fmt not in ("csv", "json"):
        typer.echo(f"unknown format {fmt!r}: use csv or json", err=True)
        raise typer.Exit(2)
    if output is not None and (output.is_dir() or not output.parent.is_dir()):
        typer.echo(f"cannot write {output}: not a file in an existing folder", err=True)
        raise typer.Exit(2)
    with database_url(_settings()) as url, export.row_progress(f"export {kind}") as (start, rows):
        summary = export.export(
            url,
            kind,  # type: ignore[arg-type]
            fmt,  # type: ignore[arg-type]
            output,
            stdout=typer.get_text_stream("stdout"),
            on_start=start,
            on_rows=rows,
        )
    # With the data on stdout, the summary goes to stderr (the data stays pipeable).
    typer.echo(summary.line(), err=output is None)


@app.command("seed-demo")
def seed_demo() -> None:
    """Create a demo: the lodge's chore rotation (domain, people, chores, one run)."""
    import psycopg
    from psycopg.rows import dict_row

    from vividshift import demo
    from vividshift.ops.export import row_progress

    async def work(url: str, step: object) -> demo.DemoSummary:
        async with await psycopg.AsyncConnection.connect(
            url, autocommit=True, row_factory=dict_row
        ) as conn:
            return await demo.seed(conn, progress=step)

    settings = _settings()
    try:
        with database_url(settings) as url, row_progress("seed-demo") as (start, advance):
            if settings.migrate_on_start:
                migrate.upgrade(url)
            start(3)
            summary = asyncio.run(work(url, lambda _name: advance(1)))
    except demo.AlreadySeeded as exc:
        typer.echo(f"seed-demo refused: {exc}; nothing was written", err=True)
        raise typer.Exit(1) from None
    for chore, people in summary.rotation.items():
        typer.echo(f"  {chore:<10} {', '.join(people)}")
    typer.echo(summary.line())
