"""`vividshift domains|members|invite` through typer's CliRunner on a real database."""

import logging
from collections.abc import Iterator

import psycopg
import pytest
from psycopg.rows import dict_row
from typer.testing import CliRunner

from tests.secrets_registry import remember
from vividshift.cli import app
from vividshift.invitations import tokens

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
    return {
        "DATABASE_URL": fresh_db_url,
        "VIVIDSHIFT_JWT_SECRET": "c" * 40,
        "VIVIDSHIFT_PUBLIC_URL": "https://chores.example.org",
    }


def sql(url: str, query: str, params: tuple = ()) -> list[dict]:
    with psycopg.connect(url, row_factory=dict_row) as conn:
        cur = conn.execute(query, params)
        return cur.fetchall() if cur.description else []


def invoke(env: dict[str, str], *args: str) -> str:
    result = runner.invoke(app, list(args), env=env)
    assert result.exit_code == 0, result.output
    return result.output


def make_user(url: str, name: str) -> None:
    sql(
        url,
        "INSERT INTO users (username, email, password_hash) VALUES (%s, %s, 'x')",
        (name, f"{name}@example.org"),
    )


def test_domains_create_and_list(env: dict[str, str]) -> None:
    url = env["DATABASE_URL"]
    make_user(url, "olga")
    out = invoke(
        env, "domains", "create", "oak-house", "--display-name", "Oak House", "--manager", "olga"
    )
    assert "created domain oak-house" in out and "managed by olga" in out
    (row,) = sql(url, "SELECT * FROM domains WHERE name = 'oak-house'")
    assert row["display_name"] == "Oak House" and row["created_by"] is None
    managers = sql(
        url,
        "SELECT u.username, m.role FROM domain_members m JOIN users u ON u.id = m.user_id"
        " WHERE m.domain_id = %s",
        (row["id"],),
    )
    assert managers == [{"username": "olga", "role": "manager"}]
    listed = invoke(env, "domains", "list").splitlines()
    assert f"oak-house\t{row['id']}\tactive\tOak House" in listed
    assert any(line.startswith("default\t") for line in listed)
    # A taken name and a bad one are plain errors, not tracebacks.
    taken = runner.invoke(app, ["domains", "create", "oak-house"], env=env)
    assert taken.exit_code == 1 and "error: A domain with this name exists" in taken.output
    bad = runner.invoke(app, ["domains", "create", "no spaces please"], env=env)
    assert bad.exit_code == 2 and "error: name" in bad.output


def test_members_add_list_remove(env: dict[str, str]) -> None:
    url = env["DATABASE_URL"]
    for name in ("olga", "ben"):
        make_user(url, name)
    invoke(env, "domains", "create", "oak-house", "--manager", "olga")
    assert "added: ben is member of oak-house" in invoke(env, "members", "add", "oak-house", "ben")
    assert "changed: ben is viewer" in invoke(
        env, "members", "add", "oak-house", "ben", "--role", "viewer"
    )
    assert invoke(env, "members", "list", "oak-house").splitlines() == [
        "ben\tviewer\t-",
        "olga\tmanager\t-",
    ]
    invoke(env, "members", "remove", "oak-house", "ben")
    assert invoke(env, "members", "list", "oak-house").splitlines() == ["olga\tmanager\t-"]
    # The last manager stays; unknown users and domains are one-line errors.
    last = runner.invoke(app, ["members", "remove", "oak-house", "olga"], env=env)
    assert last.exit_code == 1 and "last manager" in last.output
    nobody = runner.invoke(app, ["members", "add", "oak-house", "nobody"], env=env)
    assert nobody.exit_code == 1 and "No active account" in nobody.output
    nowhere = runner.invoke(app, ["members", "list", "elm-house"], env=env)
    assert nowhere.exit_code == 1 and "Domain not found" in nowhere.output
    role = runner.invoke(app, ["members", "add", "oak-house", "ben", "--role", "king"], env=env)
    assert role.exit_code == 2


def test_invite_prints_a_working_link(env: dict[str, str]) -> None:
    url = env["DATABASE_URL"]
    invoke(env, "domains", "create", "oak-house")
    (house,) = sql(url, "SELECT id FROM domains WHERE name = 'oak-house'")
    (ana,) = sql(
        url,
        "INSERT INTO participants (name, domain_id) VALUES ('Ana', %s) RETURNING id",
        (house["id"],),
    )
    out = invoke(
        env,
        "invite",
        "oak-house",
        "Ana@Example.org",
        "--role",
        "viewer",
        "--participant",
        str(ana["id"]),
    )
    first, link = out.splitlines()
    assert first.startswith("invited ana@example.org as viewer of oak-house, until ")
    assert link.startswith("https://chores.example.org/invite/")
    token = link.rsplit("/", 1)[1]
    remember(token)
    parsed = tokens.parse_token(token)
    assert parsed is not None
    (row,) = sql(url, "SELECT * FROM domain_invitations WHERE id = %s", (parsed[0],))
    assert tokens.matches(row["token_hash"], parsed[1])
    assert (row["role"], row["participant_id"], row["domain_id"]) == (
        "viewer",
        ana["id"],
        house["id"],
    )
    bad = runner.invoke(app, ["invite", "oak-house", "not-an-email"], env=env)
    assert bad.exit_code == 2 and "email" in bad.output
