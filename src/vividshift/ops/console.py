"""Terminal output of the operator tools (rich): progress bars and report tables.

Progress goes to stderr and only on a terminal; summaries and reports go to stdout so
they can be piped or captured.
"""

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from vividshift.ops.backup import human_bytes
from vividshift.ops.rows import DeadTuples, IndexUsage, TableSize, UnusedIndex
from vividshift.ops.stats import Report, StatementStats


@contextmanager
def table_progress(description: str) -> Iterator[tuple[Any, Any]]:
    """(on_start, on_table) callbacks driving a progress bar of tables."""
    err = Console(stderr=True)
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[table]}"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    ) as progress:
        task = progress.add_task(description, total=None, table="")

        def on_start(total: int) -> None:
            progress.update(task, total=total)

        def on_table(name: str) -> None:
            progress.update(task, advance=1, table=name)

        yield on_start, on_table


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


def print_report(report: Report, console: Console | None = None) -> None:
    """The report as a heading and one table per section."""
    out = console or Console()
    since = (
        f"statistics since {report.stats_reset.isoformat(' ', 'seconds')}"
        if report.stats_reset
        else "statistics never reset"
    )
    out.print(f"[bold]{report.database}[/] on PostgreSQL {report.server_version}, {since}")
    pss = report.pg_stat_statements
    if pss.status != "ok":
        out.print(f"[yellow]note:[/] {pss.note}")
    else:
        out.print(_slow_statements(pss))
    out.print(_index_usage(report.index_usage))
    out.print(_unused_indexes(report.unused_indexes))
    out.print(_table_sizes(report.table_sizes))
    out.print(_dead_tuples(report.dead_tuples))


def _slow_statements(pss: StatementStats) -> Table:
    return _table(
        f"Slowest statements (mean > {pss.min_mean_ms:g} ms)",
        ["query", "calls", "total ms", "mean ms", "stddev ms", "rows"],
        [
            [
                _short(s.query),
                s.calls,
                s.total_exec_time,
                s.mean_exec_time,
                s.stddev_exec_time,
                s.rows,
            ]
            for s in pss.statements
        ],
        empty="no statement above the threshold",
    )


def _index_usage(rows: list[IndexUsage]) -> Table:
    return _table(
        "Index usage",
        ["table", "index", "scans", "tuples read", "tuples fetched", "size"],
        [
            [
                _name(i),
                i.indexname,
                i.idx_scan,
                i.idx_tup_read,
                i.idx_tup_fetch,
                human_bytes(i.size_bytes),
            ]
            for i in rows
        ],
    )


def _unused_indexes(rows: list[UnusedIndex]) -> Table:
    return _table(
        "Unused indexes (never scanned)",
        ["table", "index", "size", "enforces a constraint"],
        [
            [
                _name(i),
                i.indexname,
                human_bytes(i.size_bytes),
                "yes" if i.enforces_constraint else "no",
            ]
            for i in rows
        ],
        empty="none",
    )


def _table_sizes(rows: list[TableSize]) -> Table:
    return _table(
        "Table sizes",
        ["table", "rows (est.)", "total", "table", "indexes"],
        [
            [
                _name(t),
                t.live_rows_estimate,
                human_bytes(t.total_bytes),
                human_bytes(t.table_bytes),
                human_bytes(t.index_bytes),
            ]
            for t in rows
        ],
    )


def _dead_tuples(rows: list[DeadTuples]) -> Table:
    return _table(
        "Dead tuples",
        ["table", "live", "dead", "dead %", "last vacuum", "last autovacuum"],
        [
            [
                _name(t),
                t.n_live_tup,
                t.n_dead_tup,
                t.dead_percent,
                _when(t.last_vacuum),
                _when(t.last_autovacuum),
            ]
            for t in rows
        ],
    )


def report_json(report: Report) -> str:
    return json.dumps(report.as_dict(), default=_jsonable, indent=2)


def _table(title: str, columns: list[str], rows: list[list[Any]], empty: str = "") -> Table:
    table = Table(title=title, title_justify="left", caption=None if rows else empty)
    for i, column in enumerate(columns):
        table.add_column(column, justify="left" if i < 2 else "right", overflow="fold")
    for row in rows:
        table.add_row(*(_cell(v) for v in row))
    return table


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _name(row: IndexUsage | UnusedIndex | TableSize | DeadTuples) -> str:
    schema = row.schemaname
    return row.tablename if schema == "public" else f"{schema}.{row.tablename}"


def _short(query: str, width: int = 80) -> str:
    flat = " ".join(query.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def _when(value: datetime | None) -> str:
    return value.isoformat(" ", "seconds") if value else "never"


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)
