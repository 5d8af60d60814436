"""Rows of the operator tools' monitoring queries as they return them."""

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class SlowStatement:
    """A statement of pg_stat_statements, times in milliseconds."""

    query: str
    calls: int
    total_exec_time: float
    mean_exec_time: float
    stddev_exec_time: float
    rows: int


@dataclass(frozen=True)
class IndexUsage:
    schemaname: str
    tablename: str
    indexname: str
    idx_scan: int
    idx_tup_read: int
    idx_tup_fetch: int
    size_bytes: int


@dataclass(frozen=True)
class UnusedIndex:
    """An index never scanned since the statistics were reset."""

    schemaname: str
    tablename: str
    indexname: str
    size_bytes: int
    enforces_constraint: bool


@dataclass(frozen=True)
class TableSize:
    schemaname: str
    tablename: str
    live_rows_estimate: int
    total_bytes: int
    table_bytes: int
    index_bytes: int


@dataclass(frozen=True)
class DeadTuples:
    """A table's dead rows (what VACUUM has yet to reclaim) and its last vacuums."""

    schemaname: str
    tablename: str
    n_live_tup: int
    n_dead_tup: int
    dead_percent: float | None
    last_vacuum: datetime | None
    last_autovacuum: datetime | None
    last_analyze: datetime | None
    last_autoanalyze: datetime | None


@dataclass(frozen=True)
class ServerStatus:
    """Server version, connections in use against max_connections, database size."""

    database: str
    server_version: str
    connections: int
    connections_here: int
    max_connections: int
    size_bytes: int
