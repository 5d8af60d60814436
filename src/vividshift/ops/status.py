"""`vividshift db status`: what an operator checks first — the server, its connections
against `max_connections`, this service's pool settings, the database's size and the
schema revision (against the one this version needs)."""

from dataclasses import dataclass
from typing import Any

import psycopg

from vividshift import migrate
from vividshift.config import Settings
from vividshift.ops import queries
from vividshift.ops.backup import human_bytes


@dataclass(frozen=True)
class Status:
    values: dict[str, Any]

    def lines(self) -> list[str]:
        v = self.values
        revision = v["revision"] or "none (empty database)"
        behind = "" if v["revision"] == v["head"] else f" — this version needs {v['head']}"
        return [
            f"database:    {v['database']} on PostgreSQL {v['server_version']}",
            f"connections: {v['connections']} of max_connections {v['max_connections']} in use"
            f" ({v['connections_here']} on this database)",
            f"pool:        {v['pool_min_size']}–{v['pool_max_size']} connections per API "
            f"process, {v['pool_timeout_seconds']:g} s wait",
            f"size:        {human_bytes(v['size_bytes'])}",
            f"revision:    {revision}{behind}",
        ]


def collect(url: str, settings: Settings) -> Status:
    with psycopg.connect(url, autocommit=True) as conn:
        values = dict(queries.get_status(conn))
    values |= {
        "revision": migrate.current_revision(url),
        "head": migrate.head_revision(),
        "pool_min_size": settings.db_pool_min_size,
        "pool_max_size": settings.db_pool_max_size,
        "pool_timeout_seconds": settings.db_pool_timeout_seconds,
    }
    return Status(values)
