"""The operator commands on a real PostgreSQL: db status, db validate, db maintenance,
db backup --verify, db restore --dry-run and cleanup --history."""

from pathlib import Path

import psycopg
from typer.testing import CliRunner

from tests.ops.conftest import fingerprints
from vividshift import migrate
from vividshift.cli import app

runner = CliRunner()


def invoke(url: str, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), env={"DATABASE_URL": url})


def test_status_names_server_connections_pool_size_and_revision(fresh_db_url: str) -> None:
    result = invoke(fresh_db_url, "db", "status")
    assert result.exit_code == 0, result.output
    lines = dict(line.split(":", 1) for line in result.output.strip().splitlines())
    assert "on PostgreSQL " in lines["database"]
    assert "of max_connections" in lines["connections"]
    assert "1–10 connections per API process, 5 s wait" in lines["pool"]
    assert lines["size"].strip().endswith("MB")
    assert lines["revision"].strip() == migrate.head_revision()


def test_validate_passes_then_reports_each_drift(fresh_db_url: str) -> None:
    clean = invoke(fresh_db_url, "db", "validate")
    assert clean.exit_code == 0, clean.output
    assert "schema matches the migrations at" in clean.output
    with psycopg.connect(fresh_db_url, autocommit=True) as conn:
        conn.execute("ALTER TABLE participants ADD COLUMN nickname text")
        conn.execute("DROP INDEX idx_user_sessions_expires_at")
        conn.execute("ALTER TABLE assignment_targets ALTER COLUMN description TYPE varchar(10)")
        conn.execute("DROP TRIGGER update_users_updated_at ON users")
        conn.execute("CREATE TABLE stray (id int)")
    drifted = invoke(fresh_db_url, "db", "validate")
    assert drifted.exit_code == 1
    out = drifted.output
    assert "6 difference(s)" in out  # the stray table and its column count apart
    assert "extra column public.participants.nickname" in out
    assert "missing index public.idx_user_sessions_expires_at" in out
    assert "changed column public.assignment_targets.description: character varying(10)" in out
    assert "missing trigger public.users.update_users_updated_at" in out
    assert "extra table public.stray" in out


def test_maintenance_vacuums_and_analyzes(fresh_db_url: str) -> None:
    bad = invoke(fresh_db_url, "db", "maintenance")
    assert bad.exit_code == 2
    result = invoke(fresh_db_url, "db", "maintenance", "--vacuum", "--analyze")
    assert result.exit_code == 0, result.output
    assert "tables vacuumed and analyzed in" in result.output
    with psycopg.connect(fresh_db_url) as conn:
        row = conn.execute(
            "SELECT last_vacuum IS NOT NULL, last_analyze IS NOT NULL"
            " FROM pg_stat_user_tables WHERE relname = 'participants'"
        ).fetchone()
    assert row == (True, True)


def test_backup_verify_restores_a_scratch_copy(seeded_db_url: str, tmp_path: Path) -> None:
    before = fingerprints(seeded_db_url)
    archive = tmp_path / "b.dump"
    result = invoke(seeded_db_url, "db", "backup", str(archive), "--verify")
    assert result.exit_code == 0, result.output
    assert (
        "verify: restored into a scratch database" in result.output
        and "rows match" in result.output
    )
    assert fingerprints(seeded_db_url) == before
    with psycopg.connect(seeded_db_url) as conn:  # the scratch database is gone
        left = conn.execute("SELECT count(*) FROM pg_database WHERE datname LIKE 'vs_verify_%'")
        assert left.fetchone() == (0,)


def test_restore_dry_run_touches_nothing(
    seeded_db_url: str, empty_db_url: str, tmp_path: Path
) -> None:
    archive = tmp_path / "b.dump"
    assert invoke(seeded_db_url, "db", "backup", str(archive)).exit_code == 0
    planned = invoke(empty_db_url, "db", "restore", str(archive), "--dry-run")
    assert planned.exit_code == 0, planned.output
    assert "would restore" in planned.output and "public.participants" in planned.output
    assert "the target database is empty" in planned.output
    with psycopg.connect(empty_db_url) as conn:
        assert conn.execute("SELECT to_regclass('public.participants')").fetchone() == (None,)
    refused = invoke(seeded_db_url, "db", "restore", str(archive), "--dry-run")
    assert refused.exit_code == 1 and "not empty" in refused.output
    forced = invoke(seeded_db_url, "db", "restore", str(archive), "--dry-run", "--force")
    assert forced.exit_code == 0 and "would replace (--force): public." in forced.output


def test_cleanup_history_older_than(fresh_db_url: str) -> None:
    with psycopg.connect(fresh_db_url, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO assignments (name, strategy_used, assignment_date)"
            " VALUES ('old', 'balanced_rotation', '2024-01-01')"
        )
        conn.execute("UPDATE assignment_history SET changed_at = now() - interval '400 days'")
        conn.execute(
            "INSERT INTO assignments (name, strategy_used, assignment_date)"
            " VALUES ('new', 'balanced_rotation', '2026-01-01')"
        )
    assert invoke(fresh_db_url, "cleanup", "--history", "--older-than", "0d").exit_code == 2
    assert invoke(fresh_db_url, "cleanup", "--older-than", "365d").exit_code == 2
    result = invoke(fresh_db_url, "cleanup", "--history", "--older-than", "365d")
    assert result.exit_code == 0, result.output
    assert "deleted 1 assignment_history rows older than 365 days" in result.output
    with psycopg.connect(fresh_db_url) as conn:
        assert conn.execute("SELECT count(*) FROM assignment_history").fetchone() == (1,)
