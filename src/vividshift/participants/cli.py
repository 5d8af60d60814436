"""`vividshift import participants FILE`: the HTTP import, from a CSV or JSON file.

Same rules as `POST /api/participants/import` (all or nothing, ≤ 10 000 rows, each bad
row named); rows are written in chunks of 1 000 inside one transaction, with a progress
bar. `created_by` stays empty (no user acts). Rows go to their `domain` column, else to
`--domain`, else to `default`. Unlike the HTTP import, people already there (same
email, else same name, in the row's domain) are found: `--on-duplicate`.
"""

import asyncio
from pathlib import Path
from typing import Annotated

import typer

from vividshift import cli_context
from vividshift.bulk_import import parse_csv_rows, parse_json_rows
from vividshift.cli_messages import error_lines
from vividshift.db import connect
from vividshift.errors import AppError
from vividshift.participants import service
from vividshift.participants.duplicates import ON_DUPLICATE, OnDuplicate
from vividshift.participants.schemas import ImportResult

HELP = """Import participants from FILE: .csv (UTF-8, a header row) or .json (an array of
objects, each the body of POST /api/participants).

\b
CSV columns (only `name` is required; empty cells take the defaults):
  name          text, 1–255 characters
  email         an email address (the duplicate key when present)
  phone         text
  skills        a list: "cleaning,cooking" or cleaning;cooking or a JSON array
  availability  JSON object, e.g. {"saturday": {"13:00": "unavailable"}}
  preferences   JSON object
  metadata      JSON object, e.g. {"group": "A"}
  is_active     true or false
  domain        domain name or id (else --domain, else default)
  user_id       id of an account this person is

All rows are imported or none: each bad row is named.

A person already in the row's domain (same email, or same name for a row without one) is a duplicate, and so is a second row of the file with the same key: see --on-duplicate.
"""  # noqa: E501 - typer rewraps paragraphs; hard line breaks would show


async def _import(
    url: str, rows: list, domain: str | None, on_duplicate: OnDuplicate
) -> ImportResult:
    async with connect(url) as conn:
        with typer.progressbar(length=len(rows), label="importing participants") as bar:
            result, _ = await service.import_participants(
                conn, None, rows, domain=domain, progress=bar.update, on_duplicate=on_duplicate
            )
    return result


def import_participants(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    domain: Annotated[
        str | None,
        typer.Option(help="domain (name or id) of rows without a domain column; default: default"),
    ] = None,
    on_duplicate: Annotated[
        str,
        typer.Option(
            help="what to do with people already there: fail (import nothing, name them), "
            "skip (keep the stored ones), update (write the file's cells onto them), "
            "create (add them again)"
        ),
    ] = "fail",
) -> None:
    if on_duplicate not in ON_DUPLICATE:
        typer.echo(f"error: --on-duplicate must be one of {', '.join(ON_DUPLICATE)}", err=True)
        raise typer.Exit(2)
    raw = file.read_bytes()
    settings = cli_context.settings()
    try:
        if file.suffix.lower() == ".json":
            rows = parse_json_rows(raw)
        else:
            rows = parse_csv_rows(
                raw,
                list_fields=frozenset({"skills"}),
                json_fields=frozenset({"availability", "preferences", "metadata"}),
            )
    except AppError as exc:
        cli_context.fail(*error_lines(exc), "nothing was imported")
    with cli_context.database_url(settings, schema=True) as url:
        try:
            result = asyncio.run(_import(url, rows, domain, on_duplicate))
        except AppError as exc:
            cli_context.fail(*error_lines(exc), "nothing was imported")
    typer.echo(
        f"imported {result.created} participants"
        + (f", updated {result.updated}" if result.updated else "")
        + (f", skipped {result.skipped} duplicates" if result.skipped else "")
    )


import_participants.__doc__ = HELP
