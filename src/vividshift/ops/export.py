"""`vividshift export participants|targets|assignments`: CSV or JSON, streamed.

Rows are read with a server-side cursor in one snapshot (REPEATABLE READ, read only),
so a big table costs constant memory and the file is consistent. CSV cells holding
lists or objects are JSON text, and participants' CSV has the columns `vividshift
import participants` reads back (`skills` as a JSON array). JSON is one array of
objects. `assignments` gives one row per detail (run, date, status, strategy, domain,
target, position, participant, score). Times are ISO 8601 UTC.
"""

import csv
import io
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from time import perf_counter
from typing import Any, Literal, TextIO
from uuid import UUID

import psycopg
from psycopg.rows import dict_row
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

Kind = Literal["participants", "targets", "assignments"]
Format = Literal["csv", "json"]

QUERIES: dict[str, tuple[str, str]] = {
    "participants": (
        "SELECT count(*) FROM participants",
        """SELECT id, name, email, phone, skills, availability, preferences, metadata,
                  is_active, created_at, updated_at
             FROM participants ORDER BY name, id""",
    ),
    "targets": (
        "SELECT count(*) FROM assignment_targets",
        """SELECT id, name, description, required_count, required_skills, constraints,
                  metadata, is_active, created_at, updated_at
             FROM assignment_targets ORDER BY name, id""",
    ),
    "assignments": (
        "SELECT count(*) FROM assignment_details",
        """SELECT a.id AS assignment_id, a.name AS assignment_name, a.assignment_date,
                  a.status, a.strategy_used, a.configuration->>'domain' AS domain,
                  t.id AS target_id, t.name AS target_name, d.position,
                  p.id AS participant_id, p.name AS participant_name,
                  (d.metadata->>'score')::numeric AS score, a.created_at
             FROM assignment_details d
             JOIN assignments a ON a.id = d.assignment_id
             JOIN participants p ON p.id = d.participant_id
             JOIN assignment_targets t ON t.id = d.target_id
            ORDER BY a.assignment_date, a.created_at, a.id, t.name, d.position, p.name""",
    ),
}
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


def _csv_cell(value: Any) -> str:
    value = _cell(value)
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _rows(url: str, kind: Kind, on_start: Callable[[int], None]) -> Iterator[Any]:
    """The column names, then each row (a dict)."""
    count_sql, select_sql = QUERIES[kind]
    with psycopg.connect(url, row_factory=dict_row) as conn:
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        total = conn.execute(count_sql).fetchone()
        on_start(int(next(iter(total.values()))) if total else 0)
        with conn.cursor(name="vividshift_export") as cur:
            cur.itersize = BATCH
            cur.execute(select_sql)
            yield [c.name for c in cur.description or []]
            yield from cur


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
    writer = csv.writer(out, lineterminator="\n")
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


@contextmanager
def row_progress(description: str) -> Iterator[tuple[Callable[[int], None], Callable[[int], None]]]:
    """(on_start, on_rows) driving a rich progress bar on stderr (only on a terminal)."""
    err = Console(stderr=True)
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    ) as progress:
        task = progress.add_task(description, total=None)
        yield (
            lambda total: progress.update(task, total=total),
            lambda n: progress.update(task, advance=n),
        )
