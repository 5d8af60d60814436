"""A migrated database of a benchmark's own: on DATABASE_URL's server when set, else on
the embedded PostgreSQL (its cluster kept in the temp folder between runs); dropped at
the end, and the embedded server stopped."""

import os
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg

from vividshift import migrate
from vividshift.db import url_with_database
from vividshift.embedded import EmbeddedPostgres


@contextmanager
def scratch_database(prefix: str = "vs_bench") -> Iterator[str]:
    """The URL of a new database migrated to head."""
    embedded = None
    server_url = os.environ.get("DATABASE_URL")
    if not server_url:
        embedded = EmbeddedPostgres(Path(tempfile.gettempdir()) / "vividshift-bench-pg")
        server_url = embedded.admin_url
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        url = url_with_database(server_url, name)
        migrate.upgrade(url)
        yield url
    finally:
        with psycopg.connect(server_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if embedded is not None:
            embedded.stop()
