"""`vividshift db maintenance --vacuum --analyze`: VACUUM and/or ANALYZE every table of
the database, one at a time (autovacuum does this on its own; run it after a large
import or purge, or when `db stats` shows many dead rows)."""

import time
from collections.abc import Callable

import psycopg

from vividshift.ops import queries


def run(
    url: str,
    *,
    vacuum: bool,
    analyze: bool,
    on_start: Callable[[int], None] = lambda _: None,
    on_table: Callable[[str], None] = lambda _: None,
) -> tuple[int, float]:
    """(tables done, seconds)."""
    started = time.monotonic()
    with psycopg.connect(url, autocommit=True) as conn:
        tables = queries.list_tables(conn)
        on_start(len(tables))
        for table in tables:
            if vacuum:
                queries.vacuum(conn, table, analyze=analyze)
            else:
                queries.analyze(conn, table)
            on_table(".".join(table))
    return len(tables), time.monotonic() - started
