"""Benchmark: participants filtered by skill on 100 000 rows, through the HTTP stack,
next to a bare `SELECT 1` endpoint of the same app in the same run; then an import of
10 000 participants.

    .venv/bin/python benchmarks/business/bench_participants.py [--requests 2000]

Uses DATABASE_URL when set, else the embedded PostgreSQL (a database of its own,
dropped at the end). The app runs under uvicorn on 127.0.0.1 in its own process (one
worker, pool of 10); the client keeps `--concurrency` requests in flight over loopback.
"""

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx
import psycopg
from fastapi import Depends, FastAPI
from psycopg.rows import dict_row

from vividshift import migrate
from vividshift.app import create_app
from vividshift.auth.deps import public
from vividshift.auth.service import ClientInfo, open_session
from vividshift.auth.tokens import resolve_signing_key
from vividshift.config import Settings
from vividshift.db import Db, url_with_database
from vividshift.embedded import EmbeddedPostgres

ROWS = 100_000
PORT = 8765


def _seed(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            """
            INSERT INTO participants (name, email, skills, availability, metadata)
            SELECT 'person ' || i, 'p' || i || '@example.org',
                   jsonb_build_array('skill' || (i %% 200), 'team' || (i %% 7)),
                   jsonb_build_object('monday', jsonb_build_object((i %% 24) || ':00',
                                                                   'available')),
                   jsonb_build_object('group', chr(65 + i %% 3))
              FROM generate_series(1, %s) AS i
            """,
            (ROWS,),
        )
        conn.execute("ANALYZE participants")


async def _token(url: str, settings: Settings) -> str:
    async with await psycopg.AsyncConnection.connect(
        url, autocommit=True, row_factory=dict_row
    ) as conn:
        cur = await conn.execute(
            "INSERT INTO users (username, email, password_hash, role)"
            " VALUES ('bench', 'bench@example.org', 'x', 'user') RETURNING *"
        )
        user = await cur.fetchone()
        issued = await open_session(
            conn, settings, resolve_signing_key(settings), user, ClientInfo("127.0.0.1", "bench")
        )
    return issued.access_token


async def _measure(path: str, headers: dict, requests: int, concurrency: int) -> dict:
    latencies: list[float] = []
    queue = iter(range(requests))
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{PORT}", timeout=30) as http:
        for _ in range(50):  # warm up: connections, prepared statements, caches
            (await http.get(path, headers=headers)).raise_for_status()

        async def worker() -> None:
            for _ in queue:
                start = time.perf_counter()
                response = await http.get(path, headers=headers)
                latencies.append(time.perf_counter() - start)
                response.raise_for_status()

        began = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - began
    cuts = statistics.quantiles(latencies, n=100)
    return {"p50_ms": cuts[49] * 1000, "p99_ms": cuts[98] * 1000, "rps": requests / elapsed}


async def _import(headers: dict) -> float:
    rows = [
        {"name": f"new {i}", "skills": ["skill1", "x"], "metadata": {"group": "A"}}
        for i in range(10_000)
    ]
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{PORT}", timeout=120) as http:
        start = time.perf_counter()
        response = await http.post("/api/participants/import", json=rows, headers=headers)
        elapsed = time.perf_counter() - start
    response.raise_for_status()
    assert response.json()["created"] == 10_000
    return elapsed


def _settings(url: str) -> Settings:
    return Settings(
        database_url=url,
        jwt_secret="bench-secret-" + "x" * 40,
        migrate_on_start=False,
        metrics_enabled=False,
    )


def make_app() -> FastAPI:
    """The app under test (in the uvicorn process), plus the bare SELECT 1 baseline."""
    app = create_app(_settings(os.environ["BENCH_DATABASE_URL"]))

    @app.get("/bench/select1", dependencies=[Depends(public)])
    async def select1(db: Db) -> dict:
        await db.execute("SELECT 1")
        return {"ok": True}

    return app


def _wait_for_server() -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{PORT}/health", timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError("the server did not start")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()

    embedded = None
    server_url = os.environ.get("DATABASE_URL")
    if not server_url:
        embedded = EmbeddedPostgres(Path(tempfile.gettempdir()) / "vividshift-bench-pg")
        server_url = embedded.admin_url
    name = f"vs_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = url_with_database(server_url, name)
    try:
        migrate.upgrade(url)
        t0 = time.perf_counter()
        _seed(url)
        print(f"seeded {ROWS} participants in {time.perf_counter() - t0:.1f} s")
        settings = _settings(url)
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "--factory",
                "bench_participants:make_app",
                "--app-dir",
                str(Path(__file__).parent),
                "--port",
                str(PORT),
                "--log-level",
                "warning",
            ],
            env=os.environ | {"BENCH_DATABASE_URL": url},
        )
        _wait_for_server()
        try:
            headers = {"Authorization": f"Bearer {asyncio.run(_token(url, settings))}"}
            base = asyncio.run(_measure("/bench/select1", headers, args.requests, args.concurrency))
            skill = asyncio.run(
                _measure(
                    "/api/participants?has_skill=skill42&limit=50",
                    headers,
                    args.requests,
                    args.concurrency,
                )
            )
            seconds = asyncio.run(_import(headers))
        finally:
            server.terminate()
            server.wait(timeout=10)
        print(f"{'endpoint':<44} {'p50 ms':>8} {'p99 ms':>8} {'req/s':>8}")
        for label, m in (
            ("GET /bench/select1 (SELECT 1)", base),
            ("GET /api/participants?has_skill=skill42", skill),
        ):
            print(f"{label:<44} {m['p50_ms']:8.2f} {m['p99_ms']:8.2f} {m['rps']:8.0f}")
        print(
            f"ratio skill/SELECT 1: p50 x{skill['p50_ms'] / base['p50_ms']:.2f}, "
            f"req/s x{skill['rps'] / base['rps']:.2f}"
        )
        print(f"import of 10 000 participants (POST /api/participants/import): {seconds:.2f} s")
    finally:
        with psycopg.connect(server_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if embedded is not None:
            embedded.stop()


if __name__ == "__main__":
    main()
