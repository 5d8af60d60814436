"""The contract, checked: schemathesis (all checks) against a live `vividshift serve`
on 127.0.0.1, on a database of its own, as an admin.

    .venv/bin/python benchmarks/contract/run_schemathesis.py [--max-examples 50]
        [--seed N] [--phases examples,coverage,fuzzing,stateful] [--mode all]

Without --seed the run is randomized (the full run of the closing note); the test suite
(`tests/system/test_contract.py`) runs a small, seeded one. The stateful phase runs on a
database of its own, after the others. Prints schemathesis' own summary (operations,
cases, failures per check) of each and exits with the worst code.
"""

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from contract_data import seed  # noqa: E402
from scratch_db import scratch_database  # noqa: E402
from served import BIN, admin_token, served  # noqa: E402

# Operations that would end or demote the run's own admin session (every later case
# would then be a 401): logout, password change, ending sessions, deactivating users,
# changing roles. They have tests of their own.
SELF_DESTRUCTIVE = (
    r"^/auth/(logout|logout-all|password|sessions/.*)$"
    r"|^/api/users/[^/]+/(deactivate|role|sessions)$"
)
HERE = Path(__file__).resolve().parent
A_DAY = "86400"  # the run's token and session outlive the run


def run(
    url: str, st_args: list[str], *, timeout: float, rows: bool = True
) -> subprocess.CompletedProcess[str]:
    """schemathesis against `vividshift serve` on `url`'s database; its output. With
    `rows`, operations on one row get the ids of realistic rows (contract_data.py);
    the stateful phase runs without them: it follows links from what it creates, and a
    fixed id would replace the created one (pointing at a row deleted long before)."""
    token = asyncio.run(admin_token(url))
    lifetimes = {
        "VIVIDSHIFT_ACCESS_TOKEN_TTL_SECONDS": A_DAY,
        "VIVIDSHIFT_SESSION_IDLE_TIMEOUT_SECONDS": A_DAY,
        "VIVIDSHIFT_SESSION_ABSOLUTE_LIFETIME_SECONDS": A_DAY,
    }
    with served(url, **lifetimes) as port:
        config = Path(tempfile.mkdtemp()) / "schemathesis.toml"
        config.write_text((HERE / "schemathesis.toml").read_text())
        if rows:
            with config.open("a") as extra:
                extra.write(seed(f"http://127.0.0.1:{port}", token).toml())
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
    phases = args.phases.split(",")
    others = ",".join(p for p in phases if p != "stateful")
    runs = [(others, True)] if others else []
    if "stateful" in phases:
        runs.append(("stateful", False))
    codes = []
    for run_phases, rows in runs:
        with scratch_database("vs_contract") as url:
            st_args = ["-n", str(args.max_examples), "--phases", run_phases, "--mode", args.mode]
            st_args += ["--checks", args.checks]
            if args.exclude_checks:
                st_args += ["--exclude-checks", args.exclude_checks]
            if args.seed is not None:
                st_args += ["--seed", str(args.seed)]
            started = time.monotonic()
            result = run(url, st_args, timeout=args.timeout, rows=rows)
            print(result.stdout[-20000:])
            print(result.stderr[-3000:], file=sys.stderr)
            took = time.monotonic() - started
            print(f"schemathesis ({run_phases}) exit code {result.returncode} in {took:.0f} s")
            codes.append(result.returncode)
    sys.exit(max(codes))


if __name__ == "__main__":
    main()
