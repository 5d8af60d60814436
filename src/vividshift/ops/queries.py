"""SQL of the operator tools: what a database holds (backup/restore), the monitoring
queries of the schema document (stats) and the rows of `vividshift export`. Plain
synchronous psycopg: only the CLI runs these, one connection at a time."""

from collections.abc import Iterator
from typing import Any

from psycopg import Connection, sql
from psycopg.rows import class_row, dict_row, tuple_row

from vividshift.ops.rows import (
    DeadTuples,
    IndexUsage,
    ServerStatus,
    SlowStatement,
    TableSize,
    UnusedIndex,
)

# Schemas that belong to PostgreSQL itself, never to a backup's content.
_USER_SCHEMA = "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_'"
# Objects an extension created belong to the extension, not to the database's content.
_NOT_EXTENSION_MEMBER = (
    "NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = {oid} AND d.deptype = 'e')"
)

Table = tuple[str, str]  # (schema, name)


def list_tables(conn: Connection[Any]) -> list[Table]:
    """Ordinary tables of the database's own schemas (partition parents hold no rows)."""
    rows = conn.execute(
        f"""SELECT n.nspname, c.relname
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind = 'r' AND {_USER_SCHEMA}
              AND {_NOT_EXTENSION_MEMBER.format(oid="c.oid")}
            ORDER BY 1, 2"""
    ).fetchall()
    return [(r[0], r[1]) for r in rows]


def count_rows(conn: Connection[Any], table: Table) -> int:
    row = conn.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(*table))).fetchone()
    assert row is not None
    return int(row[0])


def count_objects(conn: Connection[Any]) -> dict[str, int]:
    """Relations, functions, types and schemas the database holds beyond PostgreSQL's
    own and its extensions' (an empty database has none)."""
    row = conn.execute(
        f"""SELECT
              (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
               WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND {_USER_SCHEMA}
                 AND {_NOT_EXTENSION_MEMBER.format(oid="c.oid")}) AS relations,
              (SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
               WHERE {_USER_SCHEMA} AND {_NOT_EXTENSION_MEMBER.format(oid="p.oid")}) AS functions,
              (SELECT count(*) FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
               WHERE t.typtype IN ('e', 'c', 'd', 'r', 'm') AND {_USER_SCHEMA}
                 AND NOT EXISTS (SELECT 1 FROM pg_class c WHERE c.reltype = t.oid)
                 AND {_NOT_EXTENSION_MEMBER.format(oid="t.oid")}) AS types,
              (SELECT count(*) FROM pg_namespace n
               WHERE {_USER_SCHEMA} AND n.nspname <> 'public'
                 AND {_NOT_EXTENSION_MEMBER.format(oid="n.oid")}) AS schemas"""
    ).fetchone()
    assert row is not None
    return {"relations": row[0], "functions": row[1], "types": row[2], "schemas": row[3]}


def export_snapshot(conn: Connection[Any]) -> str:
    """Names the snapshot of the transaction `conn` is in (a repeatable-read one), so
    pg_dump (--snapshot) and our row counts see the very same data."""
    row = conn.execute("SELECT pg_export_snapshot()").fetchone()
    assert row is not None
    return str(row[0])


# --- monitoring (SCHEMA.md, "Query Performance Monitoring", "Index Usage Analysis") ----
# The document names pg_stat_statements' columns of PostgreSQL ≤ 12 (total_time,
# mean_time, stddev_time); 13 renamed them *_exec_time, and we need 15 or newer. It also
# selects tablename/indexname from pg_stat_user_indexes, whose columns are
# relname/indexrelname.


def get_server_info(conn: Connection[Any]) -> tuple[Any, ...]:
    """(database, server_version, shared_preload_libraries, stats_reset, has pg_stat_statements)"""
    row = conn.execute(
        """SELECT current_database() AS database,
                  current_setting('server_version') AS server_version,
                  current_setting('shared_preload_libraries') AS shared_preload_libraries,
                  (SELECT stats_reset FROM pg_stat_database
                   WHERE datname = current_database()) AS stats_reset,
                  EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_stat_statements')
                      AS pg_stat_statements_installed"""
    ).fetchone()
    assert row is not None
    return tuple(row)


def list_slow_statements(
    conn: Connection[Any], *, min_mean_ms: float, limit: int
) -> list[SlowStatement]:
    """Statements of this database slower than `min_mean_ms` on average, slowest first."""
    with conn.cursor(row_factory=class_row(SlowStatement)) as cur:
        return cur.execute(
            """SELECT query, calls, total_exec_time, mean_exec_time, stddev_exec_time, rows
               FROM pg_stat_statements
               WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
                 AND mean_exec_time > %s
               ORDER BY mean_exec_time DESC
               LIMIT %s""",
            (min_mean_ms, limit),
        ).fetchall()


def list_index_usage(conn: Connection[Any]) -> list[IndexUsage]:
    """Every index with its scans, most used first."""
    with conn.cursor(row_factory=class_row(IndexUsage)) as cur:
        return cur.execute(
            """SELECT s.schemaname, s.relname AS tablename, s.indexrelname AS indexname,
                      s.idx_scan, s.idx_tup_read, s.idx_tup_fetch,
                      pg_relation_size(s.indexrelid) AS size_bytes
               FROM pg_stat_user_indexes s
               ORDER BY s.idx_scan DESC, s.schemaname, s.relname, s.indexrelname"""
        ).fetchall()


def list_unused_indexes(conn: Connection[Any]) -> list[UnusedIndex]:
    """Indexes never scanned since the statistics were reset. A unique or primary-key
    index still does its job (it enforces the constraint), so it is flagged, not hidden."""
    with conn.cursor(row_factory=class_row(UnusedIndex)) as cur:
        return cur.execute(
            """SELECT s.schemaname, s.relname AS tablename, s.indexrelname AS indexname,
                      pg_relation_size(s.indexrelid) AS size_bytes,
                      i.indisunique OR i.indisprimary AS enforces_constraint
               FROM pg_stat_user_indexes s JOIN pg_index i ON i.indexrelid = s.indexrelid
               WHERE s.idx_scan = 0 AND s.schemaname = 'public'
               ORDER BY pg_relation_size(s.indexrelid) DESC, s.relname, s.indexrelname"""
        ).fetchall()


def list_table_sizes(conn: Connection[Any]) -> list[TableSize]:
    """Tables by total size (table, its indexes and TOAST), largest first."""
    with conn.cursor(row_factory=class_row(TableSize)) as cur:
        return cur.execute(
            """SELECT schemaname, relname AS tablename, n_live_tup AS live_rows_estimate,
                      pg_total_relation_size(relid) AS total_bytes,
                      pg_relation_size(relid) AS table_bytes,
                      pg_indexes_size(relid) AS index_bytes
               FROM pg_stat_user_tables
               ORDER BY pg_total_relation_size(relid) DESC, schemaname, relname"""
        ).fetchall()


def list_dead_tuples(conn: Connection[Any]) -> list[DeadTuples]:
    """Tables by dead rows (what VACUUM has yet to reclaim), most first."""
    with conn.cursor(row_factory=class_row(DeadTuples)) as cur:
        return cur.execute(
            """SELECT schemaname, relname AS tablename, n_live_tup, n_dead_tup,
                      round(100.0 * n_dead_tup / NULLIF(n_live_tup + n_dead_tup, 0), 1)::float
                          AS dead_percent,
                      last_vacuum, last_autovacuum, last_analyze, last_autoanalyze
               FROM pg_stat_user_tables
               ORDER BY n_dead_tup DESC, schemaname, relname"""
        ).fetchall()


# --- export (`vividshift export`): (count, rows) per kind ----------------------------
_EXPORTS: dict[str, tuple[str, str]] = {
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
EXPORT_KINDS = tuple(_EXPORTS)


def count_export_rows(conn: Connection[Any], kind: str) -> int:
    """How many rows `list_export_rows(conn, kind)` gives."""
    with conn.cursor(row_factory=tuple_row) as cur:
        row = cur.execute(_EXPORTS[kind][0]).fetchone()
    return int(row[0]) if row else 0


def list_export_rows(conn: Connection[Any], kind: str, *, batch: int) -> Iterator[Any]:
    """The column names, then each row (a dict), read `batch` rows at a time through a
    server-side cursor (inside the caller's transaction)."""
    with conn.cursor("vividshift_export", row_factory=dict_row) as cur:
        cur.itersize = batch
        cur.execute(_EXPORTS[kind][1])
        yield [c.name for c in cur.description or []]
        yield from cur


# --- operator commands: status, schema validation, maintenance -------------------------


def get_status(conn: Connection[Any]) -> ServerStatus:
    """Server version, connections in use against max_connections, database size."""
    with conn.cursor(row_factory=class_row(ServerStatus)) as cur:
        row = cur.execute(
            """SELECT current_database() AS database,
                      current_setting('server_version') AS server_version,
                      (SELECT count(*) FROM pg_stat_activity
                       WHERE backend_type = 'client backend') AS connections,
                      (SELECT count(*) FROM pg_stat_activity
                       WHERE backend_type = 'client backend'
                         AND datname = current_database()) AS connections_here,
                      current_setting('max_connections')::int AS max_connections,
                      pg_database_size(current_database()) AS size_bytes"""
        ).fetchone()
    assert row is not None
    return row


# Each kind of schema object as (key, definition) pairs: equal keys with different
# definitions are changed objects. Names of NOT NULL constraints are left out (their
# generated names differ between servers), as are extensions' members.
SCHEMA_OBJECTS: dict[str, str] = {
    "tables": f"""
        SELECT n.nspname || '.' || c.relname, c.relkind::text
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p', 'v', 'm') AND {_USER_SCHEMA}
          AND {_NOT_EXTENSION_MEMBER.format(oid="c.oid")}""",
    "columns": f"""
        SELECT n.nspname || '.' || c.relname || '.' || a.attname,
               format_type(a.atttypid, a.atttypmod)
               || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END
               || coalesce(' DEFAULT ' || pg_get_expr(d.adbin, d.adrelid), '')
        FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
          AND {_USER_SCHEMA} AND {_NOT_EXTENSION_MEMBER.format(oid="c.oid")}""",
    "constraints": f"""
        SELECT n.nspname || '.' || c.relname || '.' || k.conname, pg_get_constraintdef(k.oid)
        FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE k.contype <> 'n' AND {_USER_SCHEMA}
          AND {_NOT_EXTENSION_MEMBER.format(oid="c.oid")}""",
    "indexes": f"""
        SELECT n.nspname || '.' || i.relname, pg_get_indexdef(i.oid)
        FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
        JOIN pg_class c ON c.oid = x.indrelid JOIN pg_namespace n ON n.oid = i.relnamespace
        WHERE {_USER_SCHEMA} AND {_NOT_EXTENSION_MEMBER.format(oid="c.oid")}""",
    "triggers": f"""
        SELECT n.nspname || '.' || c.relname || '.' || t.tgname, pg_get_triggerdef(t.oid)
        FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE NOT t.tgisinternal AND {_USER_SCHEMA}
          AND {_NOT_EXTENSION_MEMBER.format(oid="c.oid")}""",
}


def list_schema_objects(conn: Connection[Any]) -> dict[str, dict[str, str]]:
    """{kind: {name: definition}} of the database's tables, columns, constraints,
    indexes and triggers."""
    with conn.cursor(row_factory=tuple_row) as cur:
        return {
            kind: {row[0]: row[1] for row in cur.execute(query).fetchall()}
            for kind, query in SCHEMA_OBJECTS.items()
        }


def create_database(conn: Connection[Any], name: str) -> None:
    conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop_database(conn: Connection[Any], name: str) -> None:
    conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def vacuum(conn: Connection[Any], table: Table, *, analyze: bool) -> None:
    """VACUUM one table, with ANALYZE when asked (autocommit: VACUUM cannot run in a
    transaction)."""
    verb = "VACUUM (ANALYZE) {}" if analyze else "VACUUM {}"
    conn.execute(sql.SQL(verb).format(sql.Identifier(*table)))


def analyze(conn: Connection[Any], table: Table) -> None:
    conn.execute(sql.SQL("ANALYZE {}").format(sql.Identifier(*table)))
