"""Worker processes and a live app for the job and schedule tests."""

import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import psycopg
from psycopg.rows import dict_row

from tests.assignments.helpers import LiveApp
from tests.conftest import make_settings
from vividshift.app import create_app

VIVIDSHIFT = Path(sys.executable).parent / "vividshift"


def wait_for(condition: Callable[[], Any], timeout: float = 60.0) -> Any:
    started = time.monotonic()
    while True:
        value = condition()
        if value:
            return value
        assert time.monotonic() - started < timeout, "timed out"
        time.sleep(0.1)


def one(url: str, query: str, params: tuple = ()) -> Any:
    with psycopg.connect(url) as conn:
        row = conn.execute(query, params).fetchone()  # type: ignore[arg-type]
    return row[0] if row else None


def rows(url: str, query: str, params: tuple = ()) -> list[dict[str, Any]]:
    with psycopg.connect(url, row_factory=dict_row) as conn:
        return conn.execute(query, params).fetchall()  # type: ignore[arg-type]


def live_workers(url: str) -> int:
    return int(one(url, "SELECT count(*) FROM procrastinate_workers"))


def worker_env(url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VIVIDSHIFT_")}
    return env | {
        "DATABASE_URL": url,
        "VIVIDSHIFT_LOG_FORMAT": "text",
        "VIVIDSHIFT_MIGRATE_ON_START": "false",
    }


def start_worker(url: str, name: str, log: Path, *args: str) -> subprocess.Popen:
    """`vividshift worker` as operators run it, logging to `log`."""
    with log.open("w") as stderr:  # the child keeps its own descriptor
        return subprocess.Popen(
            [str(VIVIDSHIFT), "worker", "--name", name, "--concurrency", "2", *args],
            env=worker_env(url),
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )


def stop_worker(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@asynccontextmanager
async def live_app(url: str, **overrides: object) -> AsyncIterator[LiveApp]:
    """The app with its own pool on `url` (no shared test connection)."""
    app = create_app(make_settings(url, db_pool_max_size=6, **overrides))
    conn = await psycopg.AsyncConnection.connect(url, autocommit=True, row_factory=dict_row)
    try:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
                yield LiveApp(http, url, conn)
    finally:
        await conn.close()


async def seed_people_and_tasks(conn: Any, people: int = 6, tasks: int = 2) -> None:
    """`people` participants and `tasks` targets needing 2 each, committed."""
    for i in range(people):
        await conn.execute("INSERT INTO participants (name) VALUES (%s)", (f"person {i:02d}",))
    for i in range(tasks):
        await conn.execute(
            "INSERT INTO assignment_targets (name, required_count) VALUES (%s, 2)",
            (f"task {i}",),
        )
