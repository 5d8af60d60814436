"""`vividshift serve` on 127.0.0.1 for a benchmark, on a database of its own, with an
admin's access token made directly in the database."""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import psycopg
from psycopg.rows import dict_row

from vividshift.auth.service import ClientInfo, open_session
from vividshift.auth.tokens import resolve_signing_key
from vividshift.config import Settings

SECRET = "benchmark-secret-" + "x" * 40
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def account_token(url: str, settings: Settings, role: str = "admin") -> str:
    """An access token of a new account with `role` in `url`'s database, signed with
    `settings`' key."""
    async with await psycopg.AsyncConnection.connect(
        url, autocommit=True, row_factory=dict_row
    ) as conn:
        cur = await conn.execute(
            "INSERT INTO users (username, email, password_hash, role)"
            " VALUES (%s, %s, 'x', %s) RETURNING *",
            (f"bench-{role}", f"bench-{role}@example.org", role),
        )
        user = await cur.fetchone()
        issued = await open_session(
            conn, settings, resolve_signing_key(settings), user, ClientInfo("127.0.0.1", "bench")
        )
        return issued.access_token


async def admin_token(url: str) -> str:
    """An admin's access token for the server `served` starts."""
    return await account_token(url, Settings(database_url=url, jwt_secret=SECRET))


@contextmanager
def served(url: str, **settings: str) -> Iterator[int]:
    """The port of `vividshift serve` on `url`'s database, started with the benchmark's
    secret and `settings` (VIVIDSHIFT_… environment variables); stopped on exit."""
    port = free_port()
    env = os.environ | {
        "DATABASE_URL": url,
        "VIVIDSHIFT_JWT_SECRET": SECRET,
        "VIVIDSHIFT_LOG_LEVEL": "critical",
    }
    server = subprocess.Popen(
        [str(BIN / "vividshift"), "serve", "--port", str(port)],
        env=env | settings,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"http://127.0.0.1:{port}/health", timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("the server did not start") from None
                time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=20)
