"""`vividshift db backup` / `db restore`: pg_dump and pg_restore in custom format.

Backup: pg_dump runs on a snapshot exported by a repeatable-read transaction of ours,
so the rows we count for the summary are exactly the rows in the archive.

Restore refuses a target that holds anything (a table, view, sequence, function, type or
schema of its own; extensions' objects aside) unless forced. It always runs as ONE
transaction (pg_restore's script through `psql --single-transaction`, stopping at the
first error; see restore_pipe): it succeeds whole, or the target is left as it was.
Ownership and grants are not restored (--no-owner --no-acl): the connecting role owns
everything restored, so a backup moves between servers whose roles differ. Forced
(--force), the script first drops each object the backup holds (--clean --if-exists),
in that same transaction; objects of the target that the backup does not hold are
kept, and reported.

`--verify` restores the fresh archive into a scratch database on the same server and
compares every table's rows with the counts taken at backup; `--dry-run` of a restore
reads the archive and the target and says what would happen, touching nothing.
"""

import re
import subprocess
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

from vividshift.db import url_with_database
from vividshift.ops import pgtools, queries, restore_pipe

# pg_dump --verbose marks each table's data: pg_dump: dumping contents of table "public.users"
_DUMPING = re.compile(r'dumping contents of table "(.+)"')
# A TABLE DATA line of `pg_restore --list`: "3456; 0 16390 TABLE DATA public users owner"
_TABLE_DATA = re.compile(r"^\d+; \d+ \d+ TABLE DATA (\S+) (\S+) ")


class RestoreRefused(Exception):
    """The target database is not empty and the restore was not forced."""


@dataclass
class Summary:
    """What a backup or restore moved, for its one-line report."""

    action: str
    file: Path
    rows_by_table: dict[str, int]
    bytes: int
    seconds: float
    kept_tables: list[str] = field(default_factory=list)

    @property
    def tables(self) -> int:
        return len(self.rows_by_table)

    @property
    def rows(self) -> int:
        return sum(self.rows_by_table.values())

    def line(self) -> str:
        return (
            f"{self.action}: {self.tables} tables, {self.rows:,} rows, "
            f"{human_bytes(self.bytes)} in {self.seconds:.2f} s ({self.file})"
        )


# Progress callbacks: `start(total)` once, then `advance(table)` per table of data.
OnStart = Callable[[int], None]
OnTable = Callable[[str], None]


def _ignore(*_: object) -> None:
    return None


def backup(
    url: str, file: Path, *, on_start: OnStart = _ignore, on_table: OnTable = _ignore
) -> Summary:
    """Write the database at `url` to `file` (pg_dump custom format)."""
    started = time.monotonic()
    file = file.expanduser().resolve()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        # The snapshot lives as long as this transaction: pg_dump must finish inside it.
        with conn.transaction():
            snapshot = queries.export_snapshot(conn)
            tables = queries.list_tables(conn)
            rows = {f"{s}.{t}": queries.count_rows(conn, (s, t)) for s, t in tables}
            on_start(len(tables))
            args = ["--format=custom", "--verbose", f"--snapshot={snapshot}", f"--file={file}"]
            _follow(pgtools.start("pg_dump", args, url), _DUMPING, on_table, "pg_dump")
    return Summary("backup", file, rows, file.stat().st_size, time.monotonic() - started)


def restore(
    url: str,
    file: Path,
    *,
    force: bool = False,
    on_start: OnStart = _ignore,
    on_table: OnTable = _ignore,
) -> Summary:
    """Load `file` (a `backup`) into the database at `url`; see the module docstring."""
    started = time.monotonic()
    file = file.expanduser().resolve()
    if not file.is_file():
        raise FileNotFoundError(f"no backup file at {file}")
    archived = archive_tables(file)
    with psycopg.connect(url, autocommit=True) as conn:
        found = {k: v for k, v in queries.count_objects(conn).items() if v}
        server_version_num = conn.info.server_version
        existing = {f"{s}.{t}" for s, t in queries.list_tables(conn)}
    if found and not force:
        held = ", ".join(f"{n} {kind}" for kind, n in found.items())
        raise RestoreRefused(
            f"the target database is not empty ({held}); restore only fills an empty "
            "database. Restore into a new one, or pass --force to replace the objects the "
            "backup holds."
        )
    args = ["--no-owner", "--no-acl"]
    if found:
        args += ["--clean", "--if-exists"]
    on_start(len(archived))
    restore_pipe.run(
        url, [*args, str(file)], server_version_num=server_version_num, on_table=on_table
    )
    with psycopg.connect(url, autocommit=True) as conn:
        rows = {name: queries.count_rows(conn, _split(name)) for name in archived}
    kept = sorted(existing - set(archived))
    return Summary("restore", file, rows, file.stat().st_size, time.monotonic() - started, kept)


def archive_tables(file: Path) -> list[str]:
    """ "schema.table" of every table whose data the archive holds."""
    listing = pgtools.run("pg_restore", ["--list", str(file)])
    return [f"{m[1]}.{m[2]}" for line in listing.splitlines() if (m := _TABLE_DATA.match(line))]


def _split(name: str) -> queries.Table:
    schema, _, table = name.partition(".")
    return schema, table


def _follow(
    proc: subprocess.Popen[str], pattern: re.Pattern[str], on_table: OnTable, name: str
) -> None:
    """Report each table as the program's verbose output reaches it; raise on failure
    with the last lines it wrote (its error and the command that failed)."""
    recent: deque[str] = deque(maxlen=8)
    with proc:  # closes the pipe, waits for the exit
        assert proc.stderr is not None
        for line in proc.stderr:
            if match := pattern.search(line):
                on_table(match[1])
            elif not line.startswith(f"{name}: ") or "error" in line or "warning" in line:
                recent.append(line.rstrip())
    if proc.returncode != 0:
        raise pgtools.ToolFailed(f"{name} failed: {pgtools.tail(chr(10).join(recent), 8)}")


def human_bytes(n: int) -> str:
    size = float(n)
    for unit in ("B", "kB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} TB"  # pragma: no cover


def verify(url: str, file: Path, expected: dict[str, int]) -> list[str]:
    """Restore `file` into a scratch database on the same server (dropped afterwards)
    and compare each table's rows with `expected` (the backup's own counts); the
    differences, none when the backup is whole."""
    scratch = f"vs_verify_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(url, autocommit=True) as conn:
        queries.create_database(conn, scratch)
    try:
        restored = restore(url_with_database(url, scratch), file).rows_by_table
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            queries.drop_database(conn, scratch)
    return [
        f"{table}: {expected.get(table, 0):,} rows backed up, {restored.get(table, 0):,} restored"
        for table in sorted(expected.keys() | restored.keys())
        if expected.get(table, 0) != restored.get(table, 0)
    ]


def plan_restore(url: str, file: Path, *, force: bool = False) -> list[str]:
    """What `restore` would do, done nothing: the archive's tables and the verdict on the
    target database. Raises RestoreRefused as `restore` would."""
    file = file.expanduser().resolve()
    if not file.is_file():
        raise FileNotFoundError(f"no backup file at {file}")
    archived = archive_tables(file)
    with psycopg.connect(url, autocommit=True) as conn:
        found = {k: v for k, v in queries.count_objects(conn).items() if v}
        existing = {f"{s}.{t}" for s, t in queries.list_tables(conn)}
    if found and not force:
        held = ", ".join(f"{n} {kind}" for kind, n in found.items())
        raise RestoreRefused(
            f"the target database is not empty ({held}); restore only fills an empty "
            "database (--force would replace the objects the backup holds)"
        )
    lines = [f"would restore {len(archived)} tables from {file}: {', '.join(archived)}"]
    if found:
        replaced = sorted(existing & set(archived))
        kept = sorted(existing - set(archived))
        lines.append(f"would replace (--force): {', '.join(replaced) or 'none'}")
        lines.append(f"would keep (not in the backup): {', '.join(kept) or 'none'}")
    else:
        lines.append("the target database is empty: nothing would be replaced")
    return lines
