"""`vividshift db stats`: the schema document's monitoring queries in one report.

pg_stat_statements is optional: the report says why slow statements are missing (not
loaded through shared_preload_libraries, or not created in this database) instead of
failing.
"""

from dataclasses import asdict, dataclass, field
from typing import Any

import psycopg
from psycopg import errors

from vividshift.ops import queries
from vividshift.ops.rows import DeadTuples, IndexUsage, SlowStatement, TableSize, UnusedIndex

NOT_LOADED = (
    "pg_stat_statements is not loaded: add it to shared_preload_libraries "
    "(ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements') and restart the server"
)
NOT_INSTALLED = (
    "pg_stat_statements is not installed in this database: CREATE EXTENSION pg_stat_statements"
)


@dataclass
class StatementStats:
    status: str  # "ok", "not_loaded", "not_installed"
    note: str | None = None
    min_mean_ms: float = 0.0
    statements: list[SlowStatement] = field(default_factory=list)


@dataclass
class Report:
    database: str
    server_version: str
    stats_reset: Any
    pg_stat_statements: StatementStats
    index_usage: list[IndexUsage]
    unused_indexes: list[UnusedIndex]
    table_sizes: list[TableSize]
    dead_tuples: list[DeadTuples]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def collect(url: str, *, min_mean_ms: float = 100.0, limit: int = 20) -> Report:
    """Every section of the report, read in one connection (read-only)."""
    with psycopg.connect(url, autocommit=True) as conn:
        info = queries.get_server_info(conn)
        return Report(
            database=info[0],
            server_version=info[1],
            stats_reset=info[3],
            pg_stat_statements=_statements(conn, info, min_mean_ms, limit),
            index_usage=queries.list_index_usage(conn),
            unused_indexes=queries.list_unused_indexes(conn),
            table_sizes=queries.list_table_sizes(conn),
            dead_tuples=queries.list_dead_tuples(conn),
        )


def _statements(
    conn: psycopg.Connection[Any], info: Any, min_mean_ms: float, limit: int
) -> StatementStats:
    preloaded = "pg_stat_statements" in info[2]
    if not info[4]:
        note = NOT_INSTALLED if preloaded else f"{NOT_LOADED}, then {NOT_INSTALLED}"
        return StatementStats("not_installed", note, min_mean_ms)
    try:
        rows = queries.list_slow_statements(conn, min_mean_ms=min_mean_ms, limit=limit)
    except errors.ObjectNotInPrerequisiteState:
        # Created in the database, but the library is not in shared_preload_libraries.
        return StatementStats("not_loaded", NOT_LOADED, min_mean_ms)
    return StatementStats("ok", None, min_mean_ms, rows)
