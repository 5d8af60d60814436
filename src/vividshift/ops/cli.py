"""`vividshift db backup|restore|stats` and `vividshift export`: the operator tools."""

from pathlib import Path
from typing import Annotated

import typer

from vividshift import cli_context
from vividshift.ops import backup, console, export, pgtools, stats


def db_backup(file: Annotated[Path, typer.Argument(help="archive to write")]) -> None:
    """Write the database to FILE (pg_dump custom format)."""
    with (
        cli_context.database_url(cli_context.settings()) as url,
        console.table_progress("backup") as (start, step),
    ):
        summary = backup.backup(url, file, on_start=start, on_table=step)
    typer.echo(summary.line())


def db_restore(
    file: Annotated[Path, typer.Argument(help="archive written by `db backup`")],
    force: Annotated[
        bool, typer.Option(help="restore into a non-empty database, replacing the backup's objects")
    ] = False,
) -> None:
    """Load FILE into an empty database, all or nothing (--force: a non-empty one)."""
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
