"""The contract, checked: schemathesis (all checks) against a live `vividshift serve`
on 127.0.0.1, on a database of its own, as an admin.

    .venv/bin/python benchmarks/contract/run_schemathesis.py [--max-examples 50]
        [--seed N] [--phases examples,coverage,fuzzing,stateful] [--mode all]

Without --seed the run is randomized (the full run of the closing note); the test suite
(`tests/system/test_contract.py`) runs a small, seeded one. Prints schemathesis' own
summary (operations, cases, failures per check) and exits with its code.
"""

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import psycopg
from psycopg.rows import dict_row

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from scratch_db import scratch_database  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from contract_data import seed  # noqa: E402

from vividshift.auth.service import ClientInfo, open_session
from vividshift.auth.tokens import resolve_signing_key
from vividshift.config import Settings

SECRET = "contract-secret-" + "x" * 40
# Operations that would end or demote the run's own admin session (every later case
# would then be a 401): logout, password change, ending sessions, deactivating users,
# changing roles. They have tests of their own.
SELF_DESTRUCTIVE = (
    r"^/auth/(logout|logout-all|password|sessions/.*)$"
    r"|^/api/users/[^/]+/(deactivate|role|sessions)$"
)
BIN = Path(sys.executable).parent
HERE = Path(__file__).resolve().parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def admin_token(url: str) -> str:
    settings = Settings(database_url=url, jwt_secret=SECRET)
    async with await psycopg.AsyncConnection.connect(
        url, autocommit=True, row_factory=dict_row
    ) as conn:
        cur = await conn.execute(
            "INSERT INTO users (username, email, password_hash, role)"
            " VALUES ('contract', 'contract@example.org', 'x', 'admin') RETURNING *"
        )
        user = await cur.fetchone()
        issued = await open_session(
            conn, settings, resolve_signing_key(settings), user, ClientInfo("127.0.0.1", "st")
        )
    return issued.access_token


def run(url: str, st_args: list[str], *, timeout: float) -> subprocess.CompletedProcess[str]:
    """schemathesis against `vividshift serve` on `url`'s database; its output."""
    port = free_port()
    token = asyncio.run(admin_token(url))
    env = os.environ | {
        "DATABASE_URL": url,
        "VIVIDSHIFT_JWT_SECRET": SECRET,
        "VIVIDSHIFT_LOG_LEVEL": "critical",
        "VIVIDSHIFT_ACCESS_TOKEN_TTL_SECONDS": "86400",
        "VIVIDSHIFT_SESSION_IDLE_TIMEOUT_SECONDS": "86400",
        "VIVIDSHIFT_SESSION_ABSOLUTE_LIFETIME_SECONDS": "86400",
    }
    server = subprocess.Popen(
        [str(BIN / "vividshift"), "serve", "--port", str(port)],
        env=env,
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
                if time.monotonic() > deadline:
                    raise RuntimeError("the server did not start") from None
                time.sleep(0.2)
        data = seed(f"http://127.0.0.1:{port}", token)
        config = Path(tempfile.mkdtemp()) / "schemathesis.toml"
        config.write_text((HERE / "schemathesis.toml").read_text() + data.toml())
        return subprocess.run(
            [
                str(BIN / "st"),
                "--config-file",
                str(config),
                "run",
                f"http://127.0.0.1:{port}/openapi.json",
                "--exclude-path-regex",
                SELF_DESTRUCTIVE,
                "-H",
                f"Authorization: Bearer {token}",
                "--no-color",
                *st_args,
            ],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=os.environ | {"SCHEMATHESIS_HOOKS": "contract_hooks", "PYTHONPATH": str(HERE)},
            cwd=tempfile.gettempdir(),  # its .schemathesis/ cache stays out of the project
        )
    finally:
        server.terminate()
        server.wait(timeout=20)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--max-examples", type=int, default=50)
    parser.add_argument("--seed", type=int)
    parser.add_argument("--phases", default="examples,coverage,fuzzing,stateful")
    parser.add_argument("--mode", default="all", help="positive, negative or all")
    parser.add_argument("--timeout", type=float, default=1800)
    parser.add_argument("--checks", default="all", help="schemathesis checks (comma-separated)")
    parser.add_argument("--exclude-checks", default="", help="checks to leave out")
    args = parser.parse_args()
    with scratch_database("vs_contract") as url:
        st_args = ["-n", str(args.max_examples), "--phases", args.phases, "--mode", args.mode]
        st_args += ["--checks", args.checks]
        if args.exclude_checks:
            st_args += ["--exclude-checks", args.exclude_checks]
        if args.seed is not None:
            st_args += ["--seed", str(args.seed)]
        started = time.monotonic()
        result = run(url, st_args, timeout=args.timeout)
        print(result.stdout[-20000:])
        print(result.stderr[-3000:], file=sys.stderr)
        print(f"schemathesis exit code {result.returncode} in {time.monotonic() - started:.0f} s")
    sys.exit(result.returncode)


if __name__ == "__main__":
    main()
