"""pg_restore's script piped into psql, as one transaction.

Why not pg_restore straight into the database: pg_restore 18 starts every session with
`SET transaction_timeout = 0`, a setting PostgreSQL 15 and 16 do not know, so a restore
into them fails at once. Its SQL script, fed to psql, lets us leave that one line out
for those servers (outside COPY data, where a row could read the same). psql runs the
whole script in a single transaction and stops at the first error, which rolls it all
back. Each `COPY table … FROM stdin;` marks a table's data, for the progress bar.
"""

import contextlib
import re
import subprocess
import tempfile
from collections.abc import Callable
from typing import IO

from vividshift.ops import pgtools

_COPY = re.compile(rb"^COPY (\S+) .*FROM stdin;\n$")
_END_OF_COPY = b"\\.\n"
_TIMEOUT = b"SET transaction_timeout = 0;\n"


def run(
    url: str,
    restore_args: list[str],
    *,
    server_version_num: int,
    on_table: Callable[[str], None],
) -> None:
    """Restore with `pg_restore --file=- *restore_args` | psql; raise ToolFailed on error."""
    conninfo, env = pgtools.connection_args(url)
    drop_timeout = server_version_num < 170000
    with tempfile.TemporaryFile() as restore_err, tempfile.TemporaryFile() as psql_err:
        producer = subprocess.Popen(
            [str(pgtools.program("pg_restore")), "--file=-", *restore_args],
            stdout=subprocess.PIPE,
            stderr=restore_err,
        )
        consumer = subprocess.Popen(
            [
                str(pgtools.program("psql")),
                "--no-psqlrc",
                "--quiet",
                "--single-transaction",
                "--set=ON_ERROR_STOP=1",
                "--dbname",
                conninfo,
            ],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=psql_err,
        )
        assert producer.stdout is not None and consumer.stdin is not None
        try:
            with contextlib.suppress(BrokenPipeError):  # psql stopped at an error
                _pump(producer.stdout, consumer.stdin, drop_timeout, on_table)
        finally:
            producer.stdout.close()
            with contextlib.suppress(BrokenPipeError):
                consumer.stdin.close()
            if consumer.wait() != 0 and producer.poll() is None:
                producer.kill()
            producer.wait()
        for name, proc, err in (
            ("psql", consumer, psql_err),
            ("pg_restore", producer, restore_err),
        ):
            if proc.returncode not in (0, -9):
                err.seek(0)
                message = err.read().decode(errors="replace")
                raise pgtools.ToolFailed(f"{name} failed: {pgtools.tail(message, 8)}")


def _pump(
    source: IO[bytes], sink: IO[bytes], drop_timeout: bool, on_table: Callable[[str], None]
) -> None:
    in_copy = False
    for line in source:
        if in_copy:
            in_copy = line != _END_OF_COPY
        elif match := _COPY.match(line):
            in_copy = True
            on_table(match[1].decode())
        elif drop_timeout and line == _TIMEOUT:
            continue
        sink.write(line)
