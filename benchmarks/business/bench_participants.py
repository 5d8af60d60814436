"""Benchmark: participants filtered by skill on 100 000 rows, through the HTTP stack,
next to `/health` and an authenticated no-op endpoint of the same app, same run; then
an import of 10 000 participants.

    .venv/bin/python benchmarks/business/bench_participants.py [--seconds 5] [--runs 5]
        [--baseline-src DIR]

The load comes from `wrk` (apt-get install wrk), started here against 127.0.0.1 for
`--seconds` per run, endpoints interleaved run by run; the table gives medians over
`--runs`. With `--baseline-src` (another copy of the project, e.g. `git archive main |
tar -x -C /tmp/before`), a second server runs that code (its `src` first on PYTHONPATH)
on the same database, its runs interleaved with ours, and the before → after ratios
are printed: same run, same load. The seeded table is vacuumed before measuring (the
steady state autovacuum leaves: a GIN index's pending list, which every search scans
until a vacuum, would otherwise make the timing depend on when autovacuum ran).
wrk is C and keeps up with far more than one uvicorn worker, so the server
is what is measured (a Python client tops out near 800 req/s). Each run also counts the
CPU time the server process and its PostgreSQL backends (by application_name) spent
per request: on a machine loaded by others, req/s follow the neighbours' load, while
CPU per request follows the work done, so its ratios are printed too. Uses DATABASE_URL
when set, else the embedded PostgreSQL (a database of its own, dropped at the end).
The app runs under uvicorn in its own process (one worker, pool of 10).

Four variants, same run: the session checked in the database or cached
(VIVIDSHIFT_SESSION_CACHE_SECONDS), each with the read cache off and on
(VIVIDSHIFT_READ_CACHE_SECONDS). With the read cache on, wrk repeats one identical
request, so the filtered list is measured on hits (a list reloaded with the same
query by the same account), not on building it; the body's SHA-1 is compared across
the variants (the cache must not change a byte).
"""

import argparse
import asyncio
import hashlib
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import psycopg
from fastapi import Depends, FastAPI

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from cpu_time import cpu_seconds  # noqa: E402
from scratch_db import scratch_database  # noqa: E402
from served import account_token  # noqa: E402

from vividshift.app import create_app
from vividshift.auth.deps import Authenticated, public
from vividshift.config import Settings
from vividshift.db import Db

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
        conn.execute("VACUUM ANALYZE participants")


def _wrk(path: str, headers: dict, seconds: int, connections: int, port: int = PORT) -> dict:
    """Requests per second and latency percentiles from one bounded wrk run."""
    args = ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--latency"]
    for name, value in headers.items():
        args += ["-H", f"{name}: {value}"]
    out = subprocess.run(
        [*args, f"http://127.0.0.1:{port}{path}"],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 30,
    ).stdout
    if "Non-2xx" in out:
        raise RuntimeError(f"{path}: non-2xx responses:\n{out}")

    def ms(label: str) -> float:
        found = re.search(rf"{label}%\s+([\d.]+)(us|ms|s)", out)
        assert found, out
        value, unit = float(found.group(1)), found.group(2)
        return value * {"us": 1e-3, "ms": 1.0, "s": 1e3}[unit]

    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    total = re.search(r"(\d+) requests in", out)
    assert rps and total, out
    return {
        "rps": float(rps.group(1)),
        "p50_ms": ms("50"),
        "p99_ms": ms("99"),
        "requests": int(total.group(1)),
    }


def _server_pids(url: str, server: subprocess.Popen, name: str) -> list[int]:
    """The server process and its PostgreSQL backends (named by PGAPPNAME)."""
    with psycopg.connect(url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE application_name = %s", (name,)
        ).fetchall()
    return [server.pid, *(row[0] for row in rows)]


def _wrk_with_cpu(
    url: str, server: subprocess.Popen, name: str, path: str, headers: dict, args: Any, port: int
) -> dict:
    """`_wrk`, plus the CPU the server and its PostgreSQL backends spent per request:
    work done, which a machine loaded by others slows less than it slows the clock."""
    pids = _server_pids(url, server, name)
    before = cpu_seconds(pids)
    result = _wrk(path, headers, args.seconds, args.connections, port)
    spent = cpu_seconds(pids) - before
    return result | {"cpu_ms": spent / max(result["requests"], 1) * 1e3}


async def _import(headers: dict, port: int = PORT) -> float:
    rows = [
        {"name": f"new {i}", "skills": ["skill1", "x"], "metadata": {"group": "A"}}
        for i in range(10_000)
    ]
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=120) as http:
        start = time.perf_counter()
        response = await http.post("/api/participants/import", json=rows, headers=headers)
        elapsed = time.perf_counter() - start
    response.raise_for_status()
    assert response.json()["created"] == 10_000
    return elapsed


def _settings(
    url: str, session_cache_seconds: float = 0.0, read_cache_seconds: float = 0.0
) -> Settings:
    # The read cache's setting only when on: a baseline tree may not know it.
    read = {"read_cache_seconds": read_cache_seconds} if read_cache_seconds else {}
    return Settings(
        database_url=url,
        jwt_secret="bench-secret-" + "x" * 40,
        migrate_on_start=False,
        metrics_enabled=False,
        session_cache_seconds=session_cache_seconds,
        **read,  # type: ignore[arg-type]
    )


def make_app() -> FastAPI:
    """The app under test (in the uvicorn process), plus the bare SELECT 1 baseline."""
    cache = float(os.environ.get("BENCH_SESSION_CACHE", "0"))
    read = float(os.environ.get("BENCH_READ_CACHE", "0"))
    app = create_app(_settings(os.environ["BENCH_DATABASE_URL"], cache, read))

    @app.get("/bench/select1", dependencies=[Depends(public)])
    async def select1(db: Db) -> dict:
        await db.execute("SELECT 1")
        return {"ok": True}

    @app.get("/bench/noop")
    async def noop(user: Authenticated) -> dict:
        return {"ok": True}

    # First in the route table, as /health is: the no-op then measures authentication,
    # not the walk past the app's other routes.
    routes = app.router.routes
    routes[:0] = [routes.pop(), routes.pop()]

    return app


def _wait_for_server(port: int = PORT) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/health", timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError("the server did not start")


# (what is measured, (session cache seconds, read cache seconds)), in this order.
VARIANTS = (
    ("session checked in the database on every request (default)", (0.0, 0.0)),
    ("session cache on (VIVIDSHIFT_SESSION_CACHE_SECONDS=30)", (30.0, 0.0)),
    ("read cache on (VIVIDSHIFT_READ_CACHE_SECONDS=30)", (0.0, 30.0)),
    ("session and read caches on (both 30)", (30.0, 30.0)),
)

ENDPOINTS = (
    ("GET /health", "/health", False),
    ("GET /bench/select1 (SELECT 1, public)", "/bench/select1", False),
    ("GET /bench/noop (authenticated no-op)", "/bench/noop", True),
    (
        "GET /api/participants?has_skill=skill42",
        "/api/participants?has_skill=skill42&limit=50",
        True,
    ),  # noqa: E501
)


def _free_port() -> int:
    """A port nobody listens on now (other benchmarks may run on this machine)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _serve(
    url: str, caches: tuple[float, float], port: int, src: str | None, name: str
) -> subprocess.Popen:
    """The app under uvicorn on `port` with (session, read) caches of these seconds;
    with `src`, that source tree's code (read cache off: it may have none). Its
    database connections carry `name` as their application_name."""
    env = os.environ | {
        "BENCH_DATABASE_URL": url,
        "BENCH_SESSION_CACHE": str(caches[0]),
        "BENCH_READ_CACHE": str(caches[1] if src is None else 0.0),
        "PGAPPNAME": f"bench-{name}",
    }
    if src is not None:
        env["PYTHONPATH"] = str(Path(src).resolve() / "src")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "bench_participants:make_app",
            "--app-dir",
            str(Path(__file__).parent),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        env=env,
    )
    _wait_for_server(port)
    return server


def _serve_and_measure(
    url: str, caches: tuple[float, float], auth: dict, args: argparse.Namespace, last: bool
) -> dict[str, dict]:
    """Start the app (session and read caches on or off) — and the baseline's, when
    given — run wrk on every endpoint of each, interleaved, stop them. Results by tree
    (with the SHA-1 of the filtered list's body; in the `last` variant, the import)."""
    trees = {"after": None} if args.baseline_src is None else {"before": args.baseline_src}
    if args.baseline_src is not None:
        trees["after"] = None
    ports = {name: _free_port() for name in trees}
    servers: dict[str, subprocess.Popen] = {}
    results: dict[str, dict] = {name: {label: [] for label, _, _ in ENDPOINTS} for name in trees}
    try:
        for name, src in trees.items():
            servers[name] = _serve(url, caches, ports[name], src, name)
            listed = httpx.get(f"http://127.0.0.1:{ports[name]}{ENDPOINTS[3][1]}", headers=auth)
            results[name]["sha1"] = hashlib.sha1(listed.raise_for_status().content).hexdigest()
        for name in trees:  # warm up: connections, caches
            for _, path, needs in ENDPOINTS:
                _wrk(path, auth if needs else {}, 1, args.connections, ports[name])
        for _ in range(args.runs):
            for label, path, needs in ENDPOINTS:
                for name in trees:
                    results[name][label].append(
                        _wrk_with_cpu(
                            url,
                            servers[name],
                            f"bench-{name}",
                            path,
                            auth if needs else {},
                            args,
                            ports[name],
                        )
                    )
        if last:  # its 10 000 new rows must not sway the lists measured before
            for name in trees:
                results[name]["import"] = asyncio.run(_import(auth, ports[name]))
    finally:
        for server in servers.values():
            server.terminate()
            server.wait(timeout=10)
    return results


def _medians(results: dict) -> dict:
    return {
        label: {k: statistics.median(r[k] for r in runs) for k in runs[0]}
        for label, runs in results.items()
    }


def _report(variant: str, results: dict, args: argparse.Namespace) -> dict:
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    print(
        f"\n{variant}: wrk, {args.connections} connections, {args.seconds} s × {args.runs} "
        f"runs per endpoint (medians); {os.cpu_count()} cores, load average {load}\n"
    )
    print("| endpoint | req/s | p50 ms | p99 ms | CPU ms/request (server + PostgreSQL) |")
    print("|---|---|---|---|---|")
    median = _medians(results)
    for label, m in median.items():
        print(
            f"| {label} | {m['rps']:.0f} | {m['p50_ms']:.2f} | {m['p99_ms']:.2f}"
            f" | {m['cpu_ms']:.3f} |"
        )
    health, noop, skill = (median[ENDPOINTS[k][0]] for k in (0, 2, 3))
    ratios = {
        "list/noop": skill["rps"] / noop["rps"],
        "noop/health": noop["rps"] / health["rps"],
        # Throughput as CPU per request allows it (what a quiet machine would show).
        "cpu list/noop": noop["cpu_ms"] / skill["cpu_ms"],
        "cpu noop/health": health["cpu_ms"] / noop["cpu_ms"],
    }
    print(
        f"\nfiltered list / authenticated no-op: {ratios['list/noop']:.2f}× req/s "
        f"(goal ≥ 0.5); authenticated no-op / health: {ratios['noop/health']:.2f}× "
        "(goal ≥ 0.3)"
    )
    print(
        f"by CPU per request (requests per CPU-second): filtered list / no-op "
        f"{ratios['cpu list/noop']:.2f}×, no-op / health {ratios['cpu noop/health']:.2f}×"
    )
    return median | ratios


def _compare(variant: str, before: dict, after: dict) -> None:
    """Before → after, same run: req/s of each endpoint and the goal ratios."""
    print(f"\n{variant}: before → after (same run)\n")
    print("| | before | after | after ÷ before |")
    print("|---|---|---|---|")
    for label, _, _ in ENDPOINTS:
        b, a = before[label]["rps"], after[label]["rps"]
        print(f"| {label} req/s | {b:.0f} | {a:.0f} | {a / b:.2f}× |")
        b, a = before[label]["cpu_ms"], after[label]["cpu_ms"]
        print(f"| {label} CPU ms/request | {b:.3f} | {a:.3f} | {a / b:.2f}× |")
    for key in ("noop/health", "list/noop", "cpu noop/health", "cpu list/noop"):
        print(f"| ratio {key} | {before[key]:.2f} | {after[key]:.2f} | |")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=5, help="per wrk run")
    parser.add_argument("--runs", type=int, default=5, help="runs per endpoint (median)")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument(
        "--baseline-src", help="another checkout of the project, measured in the same run"
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed (apt-get install wrk): no measurement without it")

    with scratch_database("vs_bench") as url:
        t0 = time.perf_counter()
        _seed(url)
        print(f"seeded {ROWS} participants in {time.perf_counter() - t0:.1f} s")
        settings = _settings(url)
        token = asyncio.run(account_token(url, settings, "user"))
        auth = {"Authorization": f"Bearer {token}"}
        imports: dict[str, float] = {}
        bodies: dict[str, str] = {}  # variant [tree] → SHA-1 of the filtered list
        cpu_list: dict[str, float] = {}  # variant → list ÷ no-op (requests per CPU-second)
        rps_list: dict[str, float] = {}  # variant → list ÷ no-op (req/s)
        for k, (variant, caches) in enumerate(VARIANTS):
            if caches[1]:
                print(f"\n{variant}: wrk repeats one identical request: hits")
            by_tree = _serve_and_measure(url, caches, auth, args, last=k == len(VARIANTS) - 1)
            reported = {}
            for tree, results in by_tree.items():
                if "import" in results:
                    imports[tree] = results.pop("import")
                bodies[f"{variant} [{tree}]"] = results.pop("sha1")
                name = variant if len(by_tree) == 1 else f"{variant} [{tree}]"
                reported[tree] = _report(name, results, args)
            rps_list[variant] = reported["after"]["list/noop"]
            cpu_list[variant] = reported["after"]["cpu list/noop"]
            if len(by_tree) == 2:
                _compare(variant, reported["before"], reported["after"])
        assert len(set(bodies.values())) == 1, bodies
        print(f"\nSHA-1 of the filtered list: {bodies.popitem()[1]} in every variant")
        print("filtered list ÷ authenticated no-op, read cache off → on (same run; on =")
        print("repeated identical requests, i.e. hits), by req/s and by CPU per request:")
        for off, on in ((0, 2), (1, 3)):
            a, b = VARIANTS[off][0], VARIANTS[on][0]
            print(
                f"  {a} → {b}: {rps_list[a]:.2f}× → {rps_list[b]:.2f}× req/s,"
                f" {cpu_list[a]:.2f}× → {cpu_list[b]:.2f}× by CPU"
            )
        for tree, seconds in imports.items():
            print(
                f"import of 10 000 participants (POST /api/participants/import) [{tree}]: "
                f"{seconds:.2f} s"
            )


if __name__ == "__main__":
    main()
