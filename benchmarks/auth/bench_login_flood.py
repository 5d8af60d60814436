"""Benchmark: login throughput and /health latency during a login flood, with argon2 on
the event loop (the old way, as baseline) and in the hashing thread pool (1 thread and
the default), all clients on one account and each client on an account of its own,
same run.

    .venv/bin/python benchmarks/auth/bench_login_flood.py [--seconds 5] [--concurrency 16]

Each mode runs the app under uvicorn on 127.0.0.1 in its own process (one worker) on a
database of its own (DATABASE_URL's server, else the embedded PostgreSQL). For
`--seconds`, `--concurrency` clients log in with the right password in a loop while a
probe GETs /health every 20 ms. Bounded: six short floods and a few hundred probes.

Logins of one account are serialised (an advisory lock held through the verify, so the
failure limit cannot be raced past); a flood on one account therefore measures one
argon2 verify at a time whatever the pool, while a flood over many accounts shows what
the hashing pool can do.
"""

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import psycopg
from fastapi import FastAPI

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from scratch_db import scratch_database  # noqa: E402

from vividshift.app import create_app
from vividshift.auth import passwords
from vividshift.config import Settings

PORT = 8766
PASSWORD = "Bench-login-flood-7291"


def make_app() -> FastAPI:
    """The app under test; BENCH_MODE=loop puts hashing back on the event loop,
    BENCH_MODE=pool1 gives the hashing pool one thread."""
    if os.environ.get("BENCH_MODE") == "pool1":
        passwords._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="argon2")
    if os.environ.get("BENCH_MODE") == "loop":

        async def verify_on_loop(stored: str | None, password: str) -> bool:
            return passwords.verify_password(stored, password)

        async def hash_on_loop(password: str) -> str:
            return passwords.hash_password(password)

        passwords.verify_password_async = verify_on_loop  # type: ignore[assignment]
        passwords.hash_password_async = hash_on_loop  # type: ignore[assignment]
    return create_app(
        Settings(
            database_url=os.environ["BENCH_DATABASE_URL"],
            jwt_secret="bench-secret-" + "x" * 40,
            migrate_on_start=False,
            metrics_enabled=False,
            db_pool_max_size=10,
            login_max_failures_per_address=1_000_000,
        )
    )


def _wait_for_server() -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{PORT}/health", timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError("the server did not start")


async def _probe(http: httpx.AsyncClient, stop: asyncio.Event) -> list[float]:
    latencies = []
    while not stop.is_set():
        start = time.perf_counter()
        (await http.get("/health")).raise_for_status()
        latencies.append(time.perf_counter() - start)
        await asyncio.sleep(0.02)
    return latencies


async def _flood(seconds: float, concurrency: int, accounts: int) -> dict:
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{PORT}", timeout=60) as http:
        idle = await _probe_for(http, 1.0)
        stop = asyncio.Event()
        ok = errors = 0

        async def client(n: int) -> None:
            nonlocal ok, errors
            login = {"username": f"bench{n % accounts}", "password": PASSWORD}
            while not stop.is_set():
                r = await http.post("/auth/login", json=login)
                ok, errors = (ok + 1, errors) if r.status_code == 200 else (ok, errors + 1)

        probe = asyncio.create_task(_probe(http, stop))
        clients = [asyncio.create_task(client(n)) for n in range(concurrency)]
        began = time.perf_counter()
        await asyncio.sleep(seconds)
        stop.set()
        await asyncio.gather(*clients)
        elapsed = time.perf_counter() - began
        during = await probe
    return {"logins_per_s": ok / elapsed, "errors": errors, "idle": idle, "during": during}


async def _probe_for(http: httpx.AsyncClient, seconds: float) -> list[float]:
    stop = asyncio.Event()
    task = asyncio.create_task(_probe(http, stop))
    await asyncio.sleep(seconds)
    stop.set()
    return await task


def _ms(latencies: list[float], q: int) -> float:
    return statistics.quantiles(latencies, n=100, method="inclusive")[q - 1] * 1000


def _run_mode(mode: str, url: str, seconds: float, concurrency: int, accounts: int) -> dict:
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "bench_login_flood:make_app",
            "--app-dir",
            str(Path(__file__).parent),
            "--port",
            str(PORT),
            "--log-level",
            "warning",
        ],
        env=os.environ | {"BENCH_DATABASE_URL": url, "BENCH_MODE": mode},
    )
    try:
        _wait_for_server()
        return asyncio.run(_flood(seconds, concurrency, accounts))
    finally:
        server.terminate()
        server.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()

    modes = {
        "loop": "on the event loop",
        "pool1": "pool of 1 thread",
        "pool": f"pool of {passwords.HASH_THREADS} threads",
    }
    with scratch_database("vs_bench") as url:
        with psycopg.connect(url, autocommit=True) as conn:
            stored = passwords.hash_password(PASSWORD)
            for n in range(args.concurrency):
                conn.execute(
                    "INSERT INTO users (username, email, password_hash) VALUES (%s, %s, %s)",
                    (f"bench{n}", f"bench{n}@example.org", stored),
                )
        results = {
            (mode, accounts): _run_mode(mode, url, args.seconds, args.concurrency, accounts)
            for accounts in (1, args.concurrency)
            for mode in modes
        }
    print(
        f"login flood: {args.concurrency} clients for {args.seconds:g} s, "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}"
    )
    print(
        f"{'accounts':>8} {'argon2':<20} {'logins/s':>9} {'errors':>7} {'/health idle p50':>17}"
        f" {'flood p50':>10} {'flood p99':>10} {'flood max':>10}"
    )
    for (mode, accounts), r in results.items():
        print(
            f"{accounts:>8} {modes[mode]:<20} {r['logins_per_s']:9.1f} {r['errors']:7d}"
            f" {_ms(r['idle'], 50):14.1f} ms {_ms(r['during'], 50):7.1f} ms"
            f" {_ms(r['during'], 99):7.1f} ms {max(r['during']) * 1000:7.1f} ms"
        )


if __name__ == "__main__":
    main()
