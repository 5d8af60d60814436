"""`vividshift users …` and `vividshift sessions cleanup` on a real database."""

import logging
from collections.abc import Iterator

import psycopg
import pytest
from psycopg.rows import dict_row
from typer.testing import CliRunner

from tests.auth.helpers import new_name, new_password
from vividshift.auth import passwords
from vividshift.cli import app

runner = CliRunner()


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    """The CLI configures logging onto CliRunner's stream, closed after each invoke."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.fixture
def env(fresh_db_url: str) -> dict[str, str]:
    return {"DATABASE_URL": fresh_db_url, "VIVIDSHIFT_JWT_SECRET": "c" * 40}


def user_row(url: str, username: str) -> dict:
    with psycopg.connect(url, row_factory=dict_row) as conn:
        row = conn.execute("SELECT * FROM users WHERE username = %s", (username,)).fetchone()
    assert row is not None
    return row


def test_create_admin_with_password_from_stdin(env: dict[str, str]) -> None:
    name, password = new_name("adm"), new_password()
    result = runner.invoke(
        app,
        [
            "users",
            "create",
            "--username",
            name,
            "--email",
            f"{name}@example.org",
            "--role",
            "admin",
        ],
        input=password + "\n",
        env=env,
    )
    assert result.exit_code == 0, result.output
    assert password not in result.output
    row = user_row(env["DATABASE_URL"], name)
    assert row["role"] == "admin"
    assert passwords.verify_password(row["password_hash"], password)


def test_there_is_no_password_flag(env: dict[str, str]) -> None:
    result = runner.invoke(
        app,
        ["users", "create", "--username", "x1x", "--email", "x@example.org", "--password", "p"],
        env=env,
    )
    assert result.exit_code != 0


def test_create_refuses_a_common_password_and_bad_role(env: dict[str, str]) -> None:
    base = ["users", "create", "--username", "abc1", "--email", "abc1@example.org"]
    weak = runner.invoke(app, base, input="password1\n", env=env)
    assert weak.exit_code == 1 and "too common" in weak.output
    bad = runner.invoke(app, [*base, "--role", "root"], input=new_password() + "\n", env=env)
    assert bad.exit_code == 2


def test_set_role_deactivate_reactivate(env: dict[str, str]) -> None:
    name = new_name()
    runner.invoke(
        app,
        ["users", "create", "--username", name, "--email", f"{name}@example.org"],
        input=new_password() + "\n",
        env=env,
    )
    assert runner.invoke(app, ["users", "set-role", name, "viewer"], env=env).exit_code == 0
    assert user_row(env["DATABASE_URL"], name)["role"] == "viewer"
    assert runner.invoke(app, ["users", "deactivate", name], env=env).exit_code == 0
    assert user_row(env["DATABASE_URL"], name)["is_active"] is False
    assert runner.invoke(app, ["users", "reactivate", name], env=env).exit_code == 0
    assert user_row(env["DATABASE_URL"], name)["is_active"] is True
    missing = runner.invoke(app, ["users", "deactivate", "nobody-here"], env=env)
    assert missing.exit_code == 1 and "no user" in missing.output


def test_sessions_cleanup_purges_only_dead_sessions(env: dict[str, str]) -> None:
    url = env["DATABASE_URL"]
    with psycopg.connect(url, autocommit=True, row_factory=dict_row) as conn:
        user = conn.execute(
            "INSERT INTO users (username, email, password_hash) VALUES ('cl1', 'cl1@e.org', 'x')"
            " RETURNING id"
        ).fetchone()
        for token, expires, idle, revoked in [
            ("live", "1 hour", "10 minutes", False),
            ("revoked", "1 hour", "10 minutes", True),
            ("expired", "-1 second", "-1 second", False),
            ("idle", "1 hour", "-1 second", False),
        ]:
            conn.execute(
                "INSERT INTO user_sessions (user_id, token_hash, expires_at, idle_expires_at,"
                " is_revoked) VALUES (%s, %s, now() + %s::interval, now() + %s::interval, %s)",
                (user["id"], token, expires, idle, revoked),
            )
        conn.execute(
            "INSERT INTO login_failures (account_key, created_at) VALUES"
            " ('a', now() - interval '2 hours'), ('a', now())"
        )
    result = runner.invoke(app, ["sessions", "cleanup"], env=env)
    assert result.exit_code == 0, result.output
    assert "deleted 3 ended sessions and 1 old failed logins" in result.output
    with psycopg.connect(url, row_factory=dict_row) as conn:
        left = conn.execute("SELECT token_hash FROM user_sessions").fetchall()
        assert [r["token_hash"] for r in left] == ["live"]
