"""Benchmark: 50 concurrent generations against a pool of 10 connections, through
`vividshift serve` on 127.0.0.1: how many answers are 201, 409, 503 (with Retry-After)
and 500 (goal: 0), and the latency.

    .venv/bin/python benchmarks/assignments/bench_generate_overload.py [--concurrency 50]

Each request generates a run for a date of its own (so they do not serialise on one
date's lock) on --people people and --targets tasks (60 and 8). Two rounds in the same run: with an
`Idempotency-Key` on each request (that path keeps its connection through the solve, as
every generation did before: the baseline) and without (the connection is given back
while the solver runs). Uses DATABASE_URL's server, else the embedded one.
"""

import argparse
import asyncio
import collections
import statistics
import sys
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

import httpx
import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from scratch_db import scratch_database  # noqa: E402
from served import admin_token, served  # noqa: E402

BIN = Path(sys.executable).parent


def seed(url: str, people: int, targets: int) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO participants (name) SELECT 'p' || g FROM generate_series(1, %s) g",
            (people,),
        )
        conn.execute(
            "INSERT INTO assignment_targets (name, required_count)"
            " SELECT 't' || g, 3 FROM generate_series(1, %s) g",
            (targets,),
        )


async def flood(
    port: int, token: str, concurrency: int, *, hold: bool, offset: int
) -> tuple[collections.Counter, list]:
    statuses: collections.Counter = collections.Counter()
    latencies: list[float] = []
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=120) as http:

        async def one(i: int) -> None:
            day = (date(2030, 1, 1) + timedelta(days=offset + i)).isoformat()
            key = {"Idempotency-Key": uuid.uuid4().hex} if hold else {}
            start = time.perf_counter()
            r = await http.post(
                "/api/assignments/generate",
                json={"assignment_date": day, "strategy": "optimal", "async": False},
                headers=headers | key,
            )
            latencies.append(time.perf_counter() - start)
            key = f"{r.status_code}" + (" +Retry-After" if "retry-after" in r.headers else "")
            statuses[key] += 1

        await asyncio.gather(*(one(i) for i in range(concurrency)))
    return statuses, latencies


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--people", type=int, default=60)
    parser.add_argument("--targets", type=int, default=8)
    args = parser.parse_args()
    with scratch_database("vs_overload") as url:
        seed(url, args.people, args.targets)
        token = asyncio.run(admin_token(url))
        with served(url, VIVIDSHIFT_DB_POOL_MAX_SIZE="10") as port:
            rounds = {}
            for offset, (label, hold) in enumerate(
                (
                    ("connection held while solving (baseline)", True),
                    ("connection released", False),
                )
            ):
                began = time.perf_counter()
                statuses, latencies = asyncio.run(
                    flood(port, token, args.concurrency, hold=hold, offset=offset * 1000)
                )
                rounds[label] = (statuses, latencies, time.perf_counter() - began)
    for label, (statuses, latencies, elapsed) in rounds.items():
        print(f"{args.concurrency} concurrent generations, pool of 10, {label}: {elapsed:.1f} s")
        for status, count in sorted(statuses.items()):
            print(f"  {status:<18} {count}")
        print(f"  500s: {sum(c for s, c in statuses.items() if s.startswith('500'))}")
        print(f"  latency p50 {statistics.median(latencies):.2f} s, max {max(latencies):.2f} s")


if __name__ == "__main__":
    main()
