"""Benchmark: GET /api/me/assignments ("My turns") on 100 000 participants and 1 000 runs
(50 000 places), next to GET /health measured in the same run through the same app.

    .venv/bin/python benchmarks/me/bench_me_assignments.py [--requests 300]
        [--baseline-src DIR [--rounds 3]]

10 houses of 10 000 people and 20 chores each, 100 runs per house (50 places each; the
first 50 dated in the past, completed; the last 50 upcoming, active). One account is
linked to a participant in 3 houses, who is on every run of those houses: 300 places,
150 upcoming. Requests go through the real app (lifespan, pool, middleware, auth) over
httpx's ASGI transport, one at a time, the two endpoints interleaved; the medians are
printed with their ratio (goal: ≤ 3× /health). GET /api/me (the session check every
signed-in request pays, plus one row) is printed as a reference: /health reads nothing.
The whole measurement runs four times in the same run: with the session checked in
the database on every request, and with the session cache
(VIVIDSHIFT_SESSION_CACHE_SECONDS), each with the read cache off and on
(VIVIDSHIFT_READ_CACHE_SECONDS). With the read cache on, every measured request repeats
an identical read, so it measures hits (what a page reloaded by the same person costs),
not the building of an answer. The SHA-1 of each endpoint's body is compared across
the four: the cache must not change a byte.

With `--baseline-src` (a copy of the project before a change), each measurement runs in
a process of its own, rounds alternating between that code and ours on the same
database, and the ratios to /health are printed before → after. That database is
migrated by the current code, so the baseline runs with the current indexes too: the
comparison shows the code's change, not the indexes'.

Uses DATABASE_URL when set, else the embedded PostgreSQL (a database of its own,
dropped at the end).
"""

import argparse
import asyncio
import hashlib
import json
import os
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import psycopg
from psycopg.rows import dict_row

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from cpu_time import cpu_seconds  # noqa: E402
from scratch_db import scratch_database  # noqa: E402

from vividshift.app import create_app
from vividshift.auth.service import ClientInfo, open_session
from vividshift.auth.tokens import resolve_signing_key
from vividshift.config import Settings

HOUSES = 10
PEOPLE_PER_HOUSE = 10_000
CHORES_PER_HOUSE = 20
RUNS_PER_HOUSE = 100
PLACES_PER_RUN = 50
LINKED_HOUSES = 3

SEED = """
INSERT INTO domains (name, display_name, configuration)
SELECT 'house-' || h, 'House ' || h,
       jsonb_build_object('timezone', CASE WHEN h %% 2 = 0 THEN 'Europe/Berlin' ELSE 'UTC' END)
  FROM generate_series(0, %(houses)s - 1) AS h;

CREATE TEMP TABLE house AS
SELECT id, substr(name, 7)::int AS h FROM domains WHERE name LIKE 'house-%%';

INSERT INTO participants (domain_id, name, metadata)
SELECT house.id, 'person ' || i, jsonb_build_object('i', i)
  FROM house, generate_series(0, %(people)s - 1) AS i;

INSERT INTO assignment_targets (domain_id, name, required_count, metadata)
SELECT house.id, 'chore ' || c, 3, jsonb_build_object('c', c)
  FROM house, generate_series(0, %(chores)s - 1) AS c;

CREATE TEMP TABLE run AS
SELECT gen_random_uuid() AS id, house.id AS domain_id, house.h, r,
       current_date + (r - %(runs)s / 2) * 7 AS day
  FROM house, generate_series(0, %(runs)s - 1) AS r;

INSERT INTO assignments (id, domain_id, name, assignment_date, strategy_used, status,
                         configuration, metadata)
SELECT id, domain_id, 'Week ' || r, day, 'balanced_rotation',
       CASE WHEN day < current_date THEN 'completed' ELSE 'active' END,
       jsonb_build_object('domain_id', domain_id), '{}'
  FROM run;

INSERT INTO assignment_details (assignment_id, participant_id, target_id, position, metadata)
SELECT run.id, p.id, t.id, k / %(chores)s, '{}'
  FROM run
  CROSS JOIN generate_series(0, %(places)s - 1) AS k
  JOIN participants AS p
    ON p.domain_id = run.domain_id
   AND (p.metadata->>'i')::int
       = CASE WHEN k = 0 THEN 0 ELSE (run.r * %(places)s + k) %% (%(people)s - 1) + 1 END
  JOIN assignment_targets AS t
    ON t.domain_id = run.domain_id AND (t.metadata->>'c')::int = k %% %(chores)s;
"""


def _seed(url: str, user_id: uuid.UUID) -> None:
    params = {
        "houses": HOUSES,
        "people": PEOPLE_PER_HOUSE,
        "chores": CHORES_PER_HOUSE,
        "runs": RUNS_PER_HOUSE,
        "places": PLACES_PER_RUN,
    }
    with psycopg.connect(url, autocommit=True) as conn:
        with conn.transaction():
            for statement in SEED.split(";\n"):
                if statement.strip():
                    conn.execute(statement, params)
            # The account is "person 0" of the first LINKED_HOUSES houses, and a member.
            conn.execute(
                """
                UPDATE participants AS p SET user_id = %(user)s
                  FROM house
                 WHERE p.domain_id = house.id AND house.h < %(linked)s AND p.name = 'person 0'
                """,
                {"user": user_id, "linked": LINKED_HOUSES},
            )
            conn.execute(
                """
                INSERT INTO domain_members (domain_id, user_id, role)
                SELECT id, %(user)s, 'member' FROM house WHERE h < %(linked)s
                """,
                {"user": user_id, "linked": LINKED_HOUSES},
            )
        for table in ("participants", "assignments", "assignment_details", "assignment_targets"):
            conn.execute(f"ANALYZE {table}")


# (session cache seconds, read cache seconds) of each measurement, in this order.
VARIANTS = ((0.0, 0.0), (30.0, 0.0), (0.0, 30.0), (30.0, 30.0))


def _settings(
    url: str, session_cache_seconds: float = 0, read_cache_seconds: float = 0
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


async def _user_and_token(url: str, settings: Settings) -> tuple[uuid.UUID, str]:
    async with await psycopg.AsyncConnection.connect(
        url, autocommit=True, row_factory=dict_row
    ) as conn:
        cur = await conn.execute(
            "INSERT INTO users (username, email, password_hash, role)"
            " VALUES ('bench', 'bench@example.org', 'x', 'user') RETURNING *"
        )
        user = await cur.fetchone()
        assert user is not None
        issued = await open_session(
            conn, settings, resolve_signing_key(settings), user, ClientInfo("127.0.0.1", "bench")
        )
    return user["id"], issued.access_token


def _backend_pids(url: str) -> list[int]:
    """The PostgreSQL backends of the app's pool (every other session of the database
    but this query's)."""
    with psycopg.connect(url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchall()
    return [row[0] for row in rows]


async def _measure(
    settings: Settings, token: str, requests: int
) -> tuple[dict[str, list[float]], dict[str, str]]:
    """Wall time of each request by endpoint, and (under "cpu: …") the CPU time this
    process (client and app) and PostgreSQL spent on it: on a machine loaded by others
    the clock follows their load, CPU time the work done. Also each endpoint's body's
    SHA-1 (the same in every request)."""
    app = create_app(settings)
    headers = {"Authorization": f"Bearer {token}"}
    paths = {
        "GET /health": "/health",
        "GET /api/me (auth + one query, reference)": "/api/me",
        "GET /api/me/assignments": "/api/me/assignments",
        "GET /api/me/assignments?when=past": "/api/me/assignments?when=past",
    }
    times: dict[str, list[float]] = {label: [] for label in paths}
    cpu = {label: [0.0, 0.0] for label in paths}  # this process, PostgreSQL (seconds)
    digests: dict[str, set[str]] = {label: set() for label in paths}
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
            first = (await http.get("/api/me/assignments", headers=headers)).json()
            assert first["total"] == LINKED_HOUSES * RUNS_PER_HOUSE // 2, first["total"]
            assert len(first["items"]) == 50 and first["items"][0]["others"]
            for _ in range(30):  # warm up: pool connections, prepared statements, caches
                for path in paths.values():
                    (await http.get(path, headers=headers)).raise_for_status()
            backends = _backend_pids(str(settings.database_url))
            for _ in range(requests):
                for label, path in paths.items():
                    db_before, own_before = cpu_seconds(backends), time.process_time()
                    start = time.perf_counter()
                    response = await http.get(path, headers=headers)
                    times[label].append(time.perf_counter() - start)
                    cpu[label][0] += time.process_time() - own_before
                    cpu[label][1] += cpu_seconds(backends) - db_before
                    response.raise_for_status()
                    digests[label].add(hashlib.sha1(response.content).hexdigest())
    for label, (own, db) in cpu.items():
        times[f"cpu: {label}"] = [own / requests, db / requests]
    for label, seen in digests.items():
        assert len(seen) == 1, f"{label}: {len(seen)} different bodies"
    return times, {label: seen.pop() for label, seen in digests.items()}


def _measure_in_child(
    url: str, token: str, caches: tuple[float, float], requests: int, src: str | None
) -> tuple[dict[str, list[float]], dict[str, str]]:
    """`_measure` in a process of its own, on the code of `src` (a copy of the project)
    or on ours."""
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = str(Path(src).resolve() / "src")
    out = subprocess.run(
        [sys.executable, __file__, "--requests", str(requests)]
        + ["--measure", url, token, *map(str, caches)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    ).stdout
    times, digests = json.loads(out.strip().splitlines()[-1])
    return times, digests


def _cpu_table(times: dict[str, list[float]]) -> dict[str, float]:
    """CPU ms per request (this process incl. the client, PostgreSQL), and each
    endpoint's total ÷ /health's (pooled rounds: averages of their averages)."""
    totals = {}
    print(f"{'CPU per request':<50} {'app+client':>10} {'PostgreSQL':>10}")
    for label, values in times.items():
        if not label.startswith("cpu: "):
            continue
        own, db = values[0::2], values[1::2]
        own_ms, db_ms = statistics.mean(own) * 1e3, statistics.mean(db) * 1e3
        totals[label[5:]] = own_ms + db_ms
        print(f"{label[5:]:<50} {own_ms:10.3f} {db_ms:10.3f}")
    base = totals["GET /health"]
    for label, total in list(totals.items())[1:]:
        print(f"cpu ratio {label} / GET /health: x{total / base:.2f}")
    return {label: total / base for label, total in totals.items()}


def _print_table(title: str, times: dict[str, list[float]]) -> dict[str, float]:
    print(f"{title:<50} {'p50 ms':>8} {'p90 ms':>8}")
    medians = {}
    for label, values in times.items():
        if label.startswith("cpu: "):
            continue
        cuts = statistics.quantiles(values, n=10)
        medians[label] = statistics.median(values)
        print(f"{label:<50} {medians[label] * 1e3:8.2f} {cuts[8] * 1e3:8.2f}")
    base = medians["GET /health"]
    for label in list(medians)[1:]:
        print(f"ratio {label} / GET /health: x{medians[label] / base:.2f}")
    return {label: m / base for label, m in medians.items()} | {
        f"cpu: {label}": ratio for label, ratio in _cpu_table(times).items()
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument(
        "--baseline-src",
        help="another copy of the project (e.g. `git archive main | tar -x -C DIR`), "
        "measured in the same run, rounds alternating with ours",
    )
    parser.add_argument("--rounds", type=int, default=3, help="with --baseline-src")
    parser.add_argument(
        "--measure", nargs=4, metavar=("URL", "TOKEN", "CACHE", "READ"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.measure:  # the child of _measure_in_child
        url, token, cache, read = args.measure
        settings = _settings(url, float(cache), float(read))
        print(json.dumps(asyncio.run(_measure(settings, token, args.requests))))
        return

    with scratch_database("vs_bench") as url:
        settings = _settings(url)
        user_id, token = asyncio.run(_user_and_token(url, settings))
        t0 = time.perf_counter()
        _seed(url, user_id)
        print(
            f"seeded {HOUSES * PEOPLE_PER_HOUSE} participants, {HOUSES * RUNS_PER_HOUSE} runs, "
            f"{HOUSES * RUNS_PER_HOUSE * PLACES_PER_RUN} places in {time.perf_counter() - t0:.1f} s"
        )
        load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
        print(f"{os.cpu_count()} cores, load average {load}")
        bodies: dict[str, dict[str, str]] = {}  # variant → endpoint → SHA-1
        on_health: dict[tuple[float, float], float] = {}  # My turns ÷ /health by variant
        for session, read in VARIANTS:
            title = (
                f"session cache {session:.0f} s, read cache {read:.0f} s"
                f" (sequential, {args.requests} each)"
            )
            if read:
                print("read cache on: every request repeats an identical read (hits)")
            if args.baseline_src is None:
                times, bodies[title] = asyncio.run(
                    _measure(_settings(url, session, read), token, args.requests)
                )
                ratios = _print_table(title, times)
                for label in [k for k in times if not k.startswith("cpu: ")][2:]:
                    print(f"  {label}: x{ratios[label]:.2f} /health (goal ≤ 3)")
                on_health[session, read] = ratios["GET /api/me/assignments"]
                continue
            # Rounds alternate before / after; each tree's times are pooled over them. The
            # baseline has no read cache: "before" runs without it.
            pooled: dict[str, dict[str, list[float]]] = {"before": {}, "after": {}}
            for _ in range(args.rounds):
                for tree, src in (("before", args.baseline_src), ("after", None)):
                    caches = (session, 0.0 if tree == "before" else read)
                    got, bodies[f"{title} [{tree}]"] = _measure_in_child(
                        url, token, caches, args.requests, src
                    )
                    for label, values in got.items():
                        pooled[tree].setdefault(label, []).extend(values)
            ratios = {
                tree: _print_table(f"{title} [{tree}, {args.rounds} rounds]", pooled[tree])
                for tree in pooled
            }
            print(f"{title}: each endpoint ÷ GET /health, before → after (same run)")
            for label in list(ratios["after"])[1:]:
                if label == "cpu: GET /health":
                    continue
                b, a = ratios["before"][label], ratios["after"][label]
                print(f"  {label}: x{b:.2f} → x{a:.2f}  ({b / a:.2f}× faster relative to /health)")
        _same_bodies(bodies)
        if on_health:
            print("GET /api/me/assignments ÷ GET /health, read cache off → on (same run;")
            print("on = repeated identical reads, i.e. hits):")
            for session in (0.0, 30.0):
                off, on = on_health[session, 0.0], on_health[session, 30.0]
                print(f"  session cache {session:.0f} s: x{off:.2f} → x{on:.2f}")


def _same_bodies(bodies: dict[str, dict[str, str]]) -> None:
    """Every variant answered every endpoint with the same bytes (SHA-1)."""
    first = next(iter(bodies.values()))
    for variant, digests in bodies.items():
        assert digests == first, f"{variant}: bodies differ from {next(iter(bodies))}"
    for label, digest in first.items():
        print(f"SHA-1 of {label}: {digest} in all {len(bodies)} measurements")


if __name__ == "__main__":
    main()
