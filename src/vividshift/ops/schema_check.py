"""`vividshift db validate`: the live schema against what the migrations make.

The migrations run to the database's own revision in a scratch database on the same
server (created and dropped by the command; the role needs CREATEDB); then both
catalogs are read — tables, columns (type, NOT NULL, default), constraints, indexes and
triggers, by name and definition — and every difference is one line: `missing` (the
migrations make it, the database lacks it), `extra` (the database has it, the
migrations do not make it) or `changed` (both, defined differently).
"""

import uuid
from dataclasses import dataclass

import psycopg

from vividshift import migrate
from vividshift.db import url_with_database
from vividshift.ops import queries

SINGULAR = {
    "tables": "table",
    "columns": "column",
    "constraints": "constraint",
    "indexes": "index",
    "triggers": "trigger",
}


@dataclass(frozen=True)
class Drift:
    kind: str  # tables, columns, constraints, indexes, triggers
    name: str
    problem: str  # missing, extra, changed
    expected: str | None
    found: str | None

    def line(self) -> str:
        what = SINGULAR[self.kind]
        if self.problem == "missing":
            return f"missing {what} {self.name}: {self.expected}"
        if self.problem == "extra":
            return f"extra {what} {self.name}: {self.found}"
        return f"changed {what} {self.name}: {self.found} (migrations: {self.expected})"


def compare(expected: dict[str, dict[str, str]], found: dict[str, dict[str, str]]) -> list[Drift]:
    drift: list[Drift] = []
    for kind, want in expected.items():
        have = found.get(kind, {})
        for name in sorted(want.keys() | have.keys()):
            if name not in have:
                drift.append(Drift(kind, name, "missing", want[name], None))
            elif name not in want:
                drift.append(Drift(kind, name, "extra", None, have[name]))
            elif want[name] != have[name]:
                drift.append(Drift(kind, name, "changed", want[name], have[name]))
    return drift


def validate(url: str) -> tuple[str | None, list[Drift]]:
    """(the database's revision, every difference from what the migrations make)."""
    revision = migrate.current_revision(url)
    scratch = f"vs_validate_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(url, autocommit=True) as conn:
        found = queries.list_schema_objects(conn)
        queries.create_database(conn, scratch)
    try:
        scratch_url = url_with_database(url, scratch)
        if revision is not None:
            migrate.upgrade(scratch_url, revision)
        with psycopg.connect(scratch_url, autocommit=True) as conn:
            expected = queries.list_schema_objects(conn)
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            queries.drop_database(conn, scratch)
    return revision, compare(expected, found)
