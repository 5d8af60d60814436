"""Benchmark: the end-to-end generate request of `bench_generate.py` (10 000 × 1 000, 8 000
places, 10 runs of history), this checkout's code next to an earlier revision's (the
baseline: `--before`, default `main`), both served at once on one seeded database and
asked in turn (ABBA), so that a machine shared with other work loads both alike. Prints
the medians of each phase and their ratio.

    .venv/bin/python benchmarks/assignments/bench_generate_ab.py [--before main] [--runs 6]

The earlier code is `git archive`d into a temporary folder and served with it first on
`PYTHONPATH` (same virtual environment, same migrations: the database is migrated by
this checkout; both servers start with `VIVIDSHIFT_MIGRATE_ON_START=false`). The first
request to each is a warm-up and not counted. Uses DATABASE_URL when set, else the
embedded PostgreSQL (`scratch_db`).
"""

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from contextlib import ExitStack
from io import BytesIO
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))
from bench_generate import _seed  # noqa: E402
from scratch_db import scratch_database  # noqa: E402
from served import admin_token, served  # noqa: E402

BODY = {
    "strategy": "optimal",
    "participants": [],
    "targets": [],
    "parameters": {"skill_threshold": 1.0},
    "async": False,
}
PHASES = ("wall", "load", "solve", "engine", "persist", "respond", "outside the engine")


def _source_of(revision: str, into: Path) -> Path:
    """`src/` of `revision`, extracted under `into`."""
    root = subprocess.run(
        ["git", "rev-parse", "--show-toplevel"], cwd=HERE, capture_output=True, text=True
    ).stdout.strip()
    archive = subprocess.run(
        ["git", "archive", revision, "src"], cwd=root, capture_output=True, check=True
    ).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into / "src"


def _phases(wall: float, meta: dict) -> dict[str, float]:
    timings, engine = meta["timings_ms"], meta["solver"]["timings_ms"]["total_ms"]
    return {
        "wall": wall,
        "load": timings["load_ms"],
        "solve": timings["solve_ms"],
        "engine": engine,
        "persist": timings["persist_ms"],
        "respond": wall - timings["total_ms"],
        "outside the engine": wall - engine,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default="main", help="the baseline's git revision")
    parser.add_argument("--runs", type=int, default=6, help="counted requests to each")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, scratch_database("vs_ab") as url:
        before_src = _source_of(args.before, Path(folder))
        _seed(url, 10_000, 1_000, 8, 10)
        token = asyncio.run(admin_token(url))
        quiet = {"VIVIDSHIFT_MIGRATE_ON_START": "false"}
        with ExitStack() as stack:
            ports = {
                f"before ({args.before})": stack.enter_context(
                    served(url, PYTHONPATH=str(before_src), **quiet)
                ),
                "after (this checkout)": stack.enter_context(served(url, **quiet)),
            }
            names = list(ports)
            # ABBA: each gets the first and the second place of a pair equally often.
            order = [n for i in range(args.runs + 1) for n in (names if i % 2 else names[::-1])]
            got: dict[str, list[dict[str, float]]] = {name: [] for name in names}
            seen: set[str] = set()
            headers = {"Authorization": f"Bearer {token}"}
            with httpx.Client(timeout=300, headers=headers) as http:
                for day, who in enumerate(order):
                    date = f"2026-{1 + day // 28:02d}-{1 + day % 28:02d}"  # one run per date
                    started = time.perf_counter()
                    r = http.post(
                        f"http://127.0.0.1:{ports[who]}/api/assignments/generate",
                        json=BODY | {"assignment_date": date},
                    )
                    wall = (time.perf_counter() - started) * 1e3
                    r.raise_for_status()
                    if who in seen:  # the first request of each warms it up
                        got[who].append(_phases(wall, r.json()["metadata"]))
                    seen.add(who)
    med = statistics.median
    print(
        f"generate 10 000 × 1 000 with 10 runs of history: medians of {args.runs} requests "
        f"each, alternating (1-minute load average at the end {os.getloadavg()[0]:.1f})"
    )
    print(f"  {'phase':<20} {names[0]:>22} {names[1]:>22}   ratio")
    for phase in PHASES:
        before, after = (med(r[phase] for r in got[n]) for n in names)
        print(f"  {phase:<20} {before:19.0f} ms {after:19.0f} ms   {after / before:.2f}×")


if __name__ == "__main__":
    main()
