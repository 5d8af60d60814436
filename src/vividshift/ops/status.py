"""`vividshift db status`: what an operator checks first — the server, its connections
against `max_connections`, this service's pool settings, the database's size and the
schema revision (against the one this version needs)."""

from dataclasses import dataclass

import psycopg

from vividshift import migrate
from vividshift.config import Settings
from vividshift.ops import queries
from vividshift.ops.backup import human_bytes
from vividshift.ops.rows import ServerStatus


@dataclass(frozen=True)
class Status:
    server: ServerStatus
    revision: str | None
    head: str | None
    pool_min_size: int
    pool_max_size: int
    pool_timeout_seconds: float

    def lines(self) -> list[str]:
        v = self.server
        revision = self.revision or "none (empty database)"
        behind = "" if self.revision == self.head else f" — this version needs {self.head}"
        return [
            f"database:    {v.database} on PostgreSQL {v.server_version}",
            f"connections: {v.connections} of max_connections {v.max_connections} in use"
            f" ({v.connections_here} on this database)",
            f"pool:        {self.pool_min_size}–{self.pool_max_size} connections per API "
            f"process, {self.pool_timeout_seconds:g} s wait",
            f"size:        {human_bytes(v.size_bytes)}",
            f"revision:    {revision}{behind}",
        ]


def collect(url: str, settings: Settings) -> Status:
    with psycopg.connect(url, autocommit=True) as conn:
        server = queries.get_status(conn)
    return Status(
        server,
        revision=migrate.current_revision(url),
        head=migrate.head_revision(),
        pool_min_size=settings.db_pool_min_size,
        pool_max_size=settings.db_pool_max_size,
        pool_timeout_seconds=settings.db_pool_timeout_seconds,
    )
