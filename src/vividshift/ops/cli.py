"""`vividshift db backup|restore|stats|status|validate|maintenance`, `vividshift export`
and `vividshift cleanup`: the operator tools."""

import asyncio
import re
from pathlib import Path
from typing import Annotated

import typer

from vividshift import cli_context
from vividshift.assignments import tasks
from vividshift.ops import (
    backup,
    console,
    export,
    maintenance,
    pgtools,
    schema_check,
    stats,
    status,
)


def db_backup(
    file: Annotated[Path, typer.Argument(help="archive to write")],
    verify: Annotated[
        bool,
        typer.Option(help="restore it into a scratch database and compare every table's rows"),
    ] = False,
) -> None:
    """Write the database to FILE (pg_dump custom format)."""
    with (
        cli_context.database_url(cli_context.settings()) as url,
        console.table_progress("backup") as (start, step),
    ):
        summary = backup.backup(url, file, on_start=start, on_table=step)
        typer.echo(summary.line())
        if verify:
            problems = backup.verify(url, file, summary.rows_by_table)
            if problems:
                cli_context.fail("verify: the restored copy differs:", *problems)
            typer.echo(f"verify: restored into a scratch database, {summary.rows:,} rows match")


def db_restore(
    file: Annotated[Path, typer.Argument(help="archive written by `db backup`")],
    force: Annotated[
        bool, typer.Option(help="restore into a non-empty database, replacing the backup's objects")
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="say what would be restored, restore nothing")
    ] = False,
) -> None:
    """Load FILE into an empty database, all or nothing (--force: a non-empty one)."""
    if dry_run:
        with cli_context.database_url(cli_context.settings()) as url:
            try:
                lines = backup.plan_restore(url, file, force=force)
            except (backup.RestoreRefused, pgtools.ToolFailed, FileNotFoundError) as exc:
                cli_context.fail(f"restore would be refused: {exc}")
        for line in lines:
            typer.echo(line)
        return
    try:
        with (
            cli_context.database_url(cli_context.settings()) as url,
            console.table_progress("restore") as (start, step),
        ):
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


def db_stats(
    as_json: Annotated[bool, typer.Option("--json", help="JSON instead of tables")] = False,
    min_mean_ms: Annotated[float, typer.Option(help="slow statement threshold (mean ms)")] = 100.0,
    limit: Annotated[int, typer.Option(help="most slow statements shown")] = 20,
) -> None:
    """Slow statements, index usage, unused indexes, table sizes, dead tuples."""
    with cli_context.database_url(cli_context.settings()) as url:
        report = stats.collect(url, min_mean_ms=min_mean_ms, limit=limit)
    if as_json:
        typer.echo(console.report_json(report))
    else:
        console.print_report(report)


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
    if kind not in export.KINDS:
        typer.echo(f"unknown kind {kind!r}: use participants, targets or assignments", err=True)
        raise typer.Exit(2)
    if fmt not in ("csv", "json"):
        typer.echo(f"unknown format {fmt!r}: use csv or json", err=True)
        raise typer.Exit(2)
    if output is not None and (output.is_dir() or not output.parent.is_dir()):
        typer.echo(f"cannot write {output}: not a file in an existing folder", err=True)
        raise typer.Exit(2)
    with (
        cli_context.database_url(cli_context.settings(), schema=True) as url,
        console.row_progress(f"export {kind}") as (start, rows),
    ):
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


def db_status() -> None:
    """Server version, connections in use vs max_connections, pool, size, revision."""
    settings = cli_context.settings()
    with cli_context.database_url(settings) as url:
        for line in status.collect(url, settings).lines():
            typer.echo(line)


def db_validate() -> None:
    """Compare the live schema with what the migrations make; exit 1 on any drift."""
    with cli_context.database_url(cli_context.settings()) as url:
        revision, drift = schema_check.validate(url)
    at = revision or "no revision (empty database)"
    if drift:
        cli_context.fail(
            f"schema drift at {at}: {len(drift)} difference(s)", *(d.line() for d in drift)
        )
    typer.echo(f"schema matches the migrations at {at}")


def db_maintenance(
    vacuum: Annotated[bool, typer.Option("--vacuum", help="VACUUM every table")] = False,
    analyze: Annotated[
        bool, typer.Option("--analyze", help="refresh the planner's statistics")
    ] = False,
) -> None:
    """VACUUM and/or ANALYZE every table (give --vacuum, --analyze or both)."""
    if not (vacuum or analyze):
        typer.echo("error: give --vacuum, --analyze or both", err=True)
        raise typer.Exit(2)
    with (
        cli_context.database_url(cli_context.settings()) as url,
        console.table_progress("maintenance") as (start, step),
    ):
        tables, seconds = maintenance.run(
            url, vacuum=vacuum, analyze=analyze, on_start=start, on_table=step
        )
    done = " and ".join(w for w, on in (("vacuumed", vacuum), ("analyzed", analyze)) if on)
    typer.echo(f"maintenance: {tables} tables {done} in {seconds:.2f} s")


def cleanup(
    history: Annotated[
        bool, typer.Option("--history", help="delete assignment_history rows")
    ] = False,
    older_than: Annotated[
        str, typer.Option(help="age of the rows to delete: days, e.g. 365d or 365")
    ] = "",
) -> None:
    """Delete old records now (the worker's retention, on demand): --history --older-than 365d."""
    if not history:
        typer.echo("error: say what to clean up: --history", err=True)
        raise typer.Exit(2)
    match = re.fullmatch(r"\s*(\d+)\s*d?\s*", older_than)
    if not match or int(match[1]) < 1:
        typer.echo("error: --older-than takes a number of days of at least 1, e.g. 365d", err=True)
        raise typer.Exit(2)
    days = int(match[1])
    with cli_context.database_url(cli_context.settings(), schema=True) as url:
        deleted = asyncio.run(tasks.delete_history_older_than(url, days))
    typer.echo(f"cleanup: deleted {deleted:,} assignment_history rows older than {days} days")
