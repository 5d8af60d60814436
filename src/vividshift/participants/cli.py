"""`vividshift import participants FILE`: the HTTP import, from a CSV or JSON file.

Same rules as `POST /api/participants/import` (all or nothing, ≤ 10 000 rows, each bad
row named); rows are written in chunks of 1 000 inside one transaction, with a progress
bar. `created_by` stays empty (no user acts). Rows go to their `domain` column, else to
`--domain`, else to `default`.
"""

import asyncio
from pathlib import Path
from typing import Annotated

import typer

from vividshift import cli_context
from vividshift.bulk_import import parse_csv_rows, parse_json_rows
from vividshift.db import connect
from vividshift.errors import AppError
from vividshift.participants import service


async def _import(url: str, rows: list, domain: str | None) -> int:
    async with connect(url) as conn:
        with typer.progressbar(length=len(rows), label="importing participants") as bar:
            result, _ = await service.import_participants(
                conn, None, rows, domain=domain, progress=bar.update
            )
    return result.created


def import_participants(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    domain: Annotated[
        str | None,
        typer.Option(help="domain (name or id) of rows without a domain column; default: default"),
    ] = None,
) -> None:
    """Import participants from FILE (.csv with a header row, or .json: an array)."""
    raw = file.read_bytes()
    try:
        if file.suffix.lower() == ".json":
            rows = parse_json_rows(raw)
        else:
            rows = parse_csv_rows(
                raw,
                list_fields=frozenset({"skills"}),
                json_fields=frozenset({"availability", "preferences", "metadata"}),
            )
        with cli_context.database_url(cli_context.settings()) as url:
            created = asyncio.run(_import(url, rows, domain))
    except AppError as exc:
        typer.echo(f"error: {exc.message}; nothing was imported", err=True)
        for entry in exc.details if isinstance(exc.details, list) else [exc.details]:
            typer.echo(f"  {entry}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"imported {created} participants")
