"""`vividshift export participants|targets|assignments`: CSV or JSON, streamed.

Rows are read with a server-side cursor in one snapshot (REPEATABLE READ, read only),
so a big table costs constant memory and the file is consistent. CSV cells holding
lists or objects are JSON text, formula-looking text gets a leading apostrophe
(`vividshift.csv_writer`, the HTTP exports' writer), and participants' CSV has the
columns `vividshift import participants` reads back (`skills` as a JSON array). JSON is one array of
objects. `assignments` gives one row per detail (run, date, status, strategy, domain,
target, position, participant, score). Times are ISO 8601 UTC.
"""

import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from time import perf_counter
from typing import Any, Literal, TextIO
from uuid import UUID

import psycopg

from vividshift.csv_writer import CsvWriter
from vividshift.ops import queries

Kind = Literal["participants", "targets", "assignments"]
Format = Literal["csv", "json"]

KINDS = queries.EXPORT_KINDS
BATCH = 1000


@dataclass(frozen=True)
class ExportSummary:
    kind: str
    format: str
    rows: int
    seconds: float
    destination: str

    def line(self) -> str:
        return (
            f"export: {self.rows:,} {self.kind} as {self.format.upper()} "
            f"in {self.seconds:.2f} s ({self.destination})"
        )


def _cell(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, Decimal):
        return float(value)
    return value


def _csv_cell(value: Any) -> Any:
    """Lists and objects as JSON, booleans as true/false; text and numbers as they are
    (the writer defuses formula-looking text, not numbers)."""
    value = _cell(value)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def _rows(url: str, kind: Kind, on_start: Callable[[int], None]) -> Iterator[Any]:
    """The column names, then each row (a dict), all read in one snapshot."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        with conn.transaction():
            on_start(queries.count_export_rows(conn, kind))
            yield from queries.list_export_rows(conn, kind, batch=BATCH)


def write(
    url: str,
    kind: Kind,
    fmt: Format,
    out: TextIO,
    *,
    on_start: Callable[[int], None] = lambda _: None,
    on_rows: Callable[[int], None] = lambda _: None,
) -> int:
    """Write every row of `kind` to `out`; how many."""
    n = 0
    rows = _rows(url, kind, on_start)
    columns = next(rows)
    writer = CsvWriter(out, lineterminator="\n")
    if fmt == "csv":
        writer.writerow(columns)
    else:
        out.write("[")
    for row in rows:
        if fmt == "csv":
            writer.writerow([_csv_cell(v) for v in row.values()])
        else:
            out.write(",\n" if n else "\n")
            out.write(json.dumps({k: _cell(v) for k, v in row.items()}, ensure_ascii=False))
        n += 1
        if n % 100 == 0:
            on_rows(100)
    on_rows(n % 100)
    if fmt == "json":
        out.write("\n]\n" if n else "]\n")
    return n


def export(
    url: str,
    kind: Kind,
    fmt: Format,
    output: Path | None,
    *,
    stdout: TextIO,
    on_start: Callable[[int], None] = lambda _: None,
    on_rows: Callable[[int], None] = lambda _: None,
) -> ExportSummary:
    """To `output` (written whole, then renamed into place) or to `stdout`."""
    started = perf_counter()
    if output is None:
        n = write(url, kind, fmt, stdout, on_start=on_start, on_rows=on_rows)
        destination = "stdout"
    else:
        partial = output.with_name(f".{output.name}.partial")
        try:
            with partial.open("w", encoding="utf-8", newline="") as fh:
                n = write(url, kind, fmt, fh, on_start=on_start, on_rows=on_rows)
            partial.replace(output)
        finally:
            partial.unlink(missing_ok=True)
        destination = str(output)
    return ExportSummary(kind, fmt, n, perf_counter() - started, destination)


def to_string(url: str, kind: Kind, fmt: Format) -> str:
    buffer = io.StringIO()
    write(url, kind, fmt, buffer)
    return buffer.getvalue()
