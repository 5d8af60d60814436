"""db backup / db restore: a round trip reproduces every row; a non-empty target is
refused unless forced, and a failed restore leaves the target as it was."""

from pathlib import Path

import psycopg
from typer.testing import CliRunner

from tests.ops.conftest import fingerprints, seed
from vividshift import migrate
from vividshift.cli import app as cli
from vividshift.ops import backup

runner = CliRunner()


def invoke(url: str, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(cli, list(args), env={"DATABASE_URL": url})


def test_round_trip_reproduces_every_row(
    seeded_db_url: str, empty_db_url: str, tmp_path: Path
) -> None:
    archive = tmp_path / "vividshift.dump"
    source = fingerprints(seeded_db_url)
    assert source["public.participants"][0] == 600
    assert source["public.assignment_history"][0] == 7  # 6 inserts + 1 update, by trigger
    assert source["public.procrastinate_jobs"][0] == 1

    result = invoke(seeded_db_url, "db", "backup", str(archive))
    assert result.exit_code == 0, result.output
    tables = len(source)
    rows = sum(count for count, _ in source.values())
    assert f"backup: {tables} tables, {rows:,} rows, " in result.stdout
    assert archive.stat().st_size > 0

    result = invoke(empty_db_url, "db", "restore", str(archive))
    assert result.exit_code == 0, result.output
    assert f"restore: {tables} tables, {rows:,} rows, " in result.stdout

    assert fingerprints(empty_db_url) == source
    with psycopg.connect(empty_db_url) as conn:
        version = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    assert version == (migrate.head_revision(),)
    # The restored database works: the audit trigger came back with the tables.
    with psycopg.connect(empty_db_url, autocommit=True) as conn:
        conn.execute("UPDATE assignments SET status = 'completed' WHERE name = 'run 2'")
    assert fingerprints(empty_db_url)["public.assignment_history"][0] == 8


def test_restore_into_a_non_empty_database_is_refused(
    seeded_db_url: str, other_db_url: str, tmp_path: Path
) -> None:
    archive = tmp_path / "a.dump"
    assert invoke(seeded_db_url, "db", "backup", str(archive)).exit_code == 0
    before = fingerprints(other_db_url)  # migrated, no rows: still not empty

    result = invoke(other_db_url, "db", "restore", str(archive))
    assert result.exit_code == 1
    assert "restore refused: the target database is not empty" in result.stderr
    assert "--force" in result.stderr
    assert fingerprints(other_db_url) == before


def test_force_replaces_the_backups_objects(
    seeded_db_url: str, other_db_url: str, tmp_path: Path
) -> None:
    archive = tmp_path / "a.dump"
    assert invoke(seeded_db_url, "db", "backup", str(archive)).exit_code == 0
    seed(other_db_url)  # other rows (new ids) in the same tables
    with psycopg.connect(other_db_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE operator_notes (note text)")

    result = invoke(other_db_url, "db", "restore", "--force", str(archive))
    assert result.exit_code == 0, result.output
    assert "kept (not in the backup): public.operator_notes" in result.stderr
    restored = fingerprints(other_db_url)
    assert restored.pop("public.operator_notes") == (0, None)
    assert restored == fingerprints(seeded_db_url)


def test_a_failed_restore_leaves_the_target_as_it_was(
    seeded_db_url: str, other_db_url: str, tmp_path: Path
) -> None:
    archive = tmp_path / "a.dump"
    assert invoke(seeded_db_url, "db", "backup", str(archive)).exit_code == 0
    seed(other_db_url)
    with psycopg.connect(other_db_url, autocommit=True) as conn:
        # Not in the backup and depending on one of its tables: dropping `users` fails,
        # after pg_restore has already dropped other tables in its transaction.
        conn.execute("CREATE VIEW operator_view AS SELECT username FROM users")
    before = fingerprints(other_db_url)

    result = invoke(other_db_url, "db", "restore", "--force", str(archive))
    assert result.exit_code == 1
    assert "restore failed: psql failed: ERROR:  cannot drop table public.users" in result.stderr
    assert fingerprints(other_db_url) == before


def test_a_damaged_archive_is_refused_before_touching_anything(
    seeded_db_url: str, empty_db_url: str, tmp_path: Path
) -> None:
    archive = tmp_path / "a.dump"
    assert invoke(seeded_db_url, "db", "backup", str(archive)).exit_code == 0
    damaged = tmp_path / "damaged.dump"
    damaged.write_bytes(archive.read_bytes()[:100])

    result = invoke(empty_db_url, "db", "restore", str(damaged))
    assert result.exit_code == 1
    assert "restore failed: pg_restore failed" in result.stderr
    assert fingerprints(empty_db_url) == {}


def test_missing_file_is_a_clear_error(empty_db_url: str, tmp_path: Path) -> None:
    result = invoke(empty_db_url, "db", "restore", str(tmp_path / "nope.dump"))
    assert result.exit_code == 1
    assert "no backup file at" in result.stderr


def test_summary_line_reads_well() -> None:
    rows = {"public.a": 1200, "public.b": 3}
    summary = backup.Summary("backup", Path("/b.dump"), rows, 2048, 1.5)
    assert summary.line() == "backup: 2 tables, 1,203 rows, 2.0 kB in 1.50 s (/b.dump)"
