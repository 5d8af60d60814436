"""Migrations: a clean round trip, nothing of ours left at base, and the schema check."""

import re
import subprocess
import sys

import psycopg
import pytest
from typer.testing import CliRunner

from tests.conftest import SHARED
from vividshift import migrate
from vividshift.cli import app as cli
from vividshift.embedded import bin_path

SCHEMA_DOC = SHARED / "spec" / "SCHEMA.md"
SCHEMA_CHECK = SHARED / "tools" / "schema_check.py"


def schema_dump(url: str) -> str:
    """pg_dump --schema-only, without the lines that differ between two dumps anyway."""
    out = subprocess.run(
        [str(bin_path("pg_dump")), "--schema-only", "--no-owner", "--dbname", url],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    # pg_dump 18 brackets the script with a random \restrict key.
    return "\n".join(line for line in out.splitlines() if not re.match(r"\\(un)?restrict ", line))


def leftovers(url: str) -> dict[str, list[str]]:
    """Our objects in the public schema (Alembic's own version table aside)."""
    queries = {
        "tables": """SELECT tablename FROM pg_tables
                     WHERE schemaname = 'public' AND tablename <> 'alembic_version'""",
        "functions": """SELECT p.proname FROM pg_proc p
                        JOIN pg_namespace n ON n.oid = p.pronamespace
                        WHERE n.nspname = 'public'""",
        "triggers": "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal",
        "indexes": "SELECT indexname FROM pg_indexes WHERE schemaname = 'public'"
        " AND tablename <> 'alembic_version'",
        "types": """SELECT t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
                    WHERE n.nspname = 'public' AND t.typtype IN ('e', 'c', 'd')
                      AND NOT EXISTS (SELECT 1 FROM pg_class c WHERE c.reltype = t.oid)""",
    }
    with psycopg.connect(url) as conn:
        return {kind: [r[0] for r in conn.execute(q).fetchall()] for kind, q in queries.items()}


def test_round_trip_leaves_the_same_schema(empty_db_url: str) -> None:
    migrate.upgrade(empty_db_url)
    first = schema_dump(empty_db_url)
    assert "CREATE TABLE public.assignments" in first

    migrate.downgrade(empty_db_url, "base")
    assert leftovers(empty_db_url) == {
        "tables": [],
        "functions": [],
        "triggers": [],
        "indexes": [],
        "types": [],
    }

    migrate.upgrade(empty_db_url)
    assert schema_dump(empty_db_url) == first


def test_each_revision_steps_down_and_up(empty_db_url: str) -> None:
    migrate.upgrade(empty_db_url)
    head = schema_dump(empty_db_url)
    revisions = sorted(
        p.stem[:15] for p in migrate.MIGRATIONS_DIR.joinpath("versions").glob("*.py")
    )
    for _ in revisions:
        migrate.downgrade(empty_db_url, "-1")
    assert leftovers(empty_db_url)["tables"] == []
    for _ in revisions:
        migrate.upgrade(empty_db_url, "+1")
    assert schema_dump(empty_db_url) == head


def test_every_revision_has_sql_and_rollback() -> None:
    versions = migrate.MIGRATIONS_DIR / "versions"
    for revision in versions.glob("*.py"):
        assert re.fullmatch(r"\d{8}_\d{6}_[a-z0-9_]+", revision.stem), revision.name
        assert revision.with_suffix(".sql").is_file(), revision.name
        assert versions.joinpath(f"{revision.stem}.down.sql").is_file(), revision.name


def test_schema_check_finds_no_shortfall(database_url: str) -> None:
    if not SCHEMA_CHECK.is_file():
        pytest.skip(f"{SCHEMA_CHECK} is absent: the schema document's check cannot run here")
    result = subprocess.run(
        [sys.executable, str(SCHEMA_CHECK), str(SCHEMA_DOC), database_url],
        capture_output=True,
        text=True,
    )
    last = result.stdout.strip().splitlines()[-1]
    print(last)
    assert re.fullmatch(r"schema: 0 shortfalls, \d+ checks", last), result.stdout + result.stderr
    assert result.returncode == 0


def test_cli_db_commands(empty_db_url: str) -> None:
    runner = CliRunner()
    env = {"DATABASE_URL": empty_db_url}
    head = migrate.head_revision()

    result = runner.invoke(cli, ["db", "upgrade"], env=env)
    assert result.exit_code == 0, result.output
    result = runner.invoke(cli, ["db", "current"], env=env)
    assert result.exit_code == 0, result.output
    assert f"the database is at revision {head} (head, up to date)" in result.output
    result = runner.invoke(cli, ["db", "history"], env=env)
    assert result.exit_code == 0 and "20261125_070000" in result.output

    result = runner.invoke(cli, ["db", "downgrade", "base"], env=env)
    assert result.exit_code == 0, result.output
    assert leftovers(empty_db_url)["tables"] == []
    result = runner.invoke(cli, ["db", "current"], env=env)
    assert result.exit_code == 0 and "the database is empty (no revision)" in result.output
