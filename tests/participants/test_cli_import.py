"""`vividshift import participants FILE` on a database of its own."""

import json
from pathlib import Path

import psycopg
import pytest
from typer.testing import CliRunner

from vividshift.cli import app


def _count(url: str) -> int:
    with psycopg.connect(url) as conn:
        return conn.execute("SELECT count(*) FROM participants").fetchone()[0]


def test_imports_csv_and_json(fresh_db_url: str, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("DATABASE_URL", fresh_db_url)
    csv_file = tmp_path / "people.csv"
    csv_file.write_text("name,skills\n" + "".join(f"p{i},a;b\n" for i in range(2500)))
    result = CliRunner().invoke(app, ["import", "participants", str(csv_file)])
    assert result.exit_code == 0, result.output
    assert "imported 2500 participants" in result.output
    json_file = tmp_path / "people.json"
    json_file.write_text(json.dumps([{"name": "j", "metadata": {"group": "A"}}]))
    assert CliRunner().invoke(app, ["import", "participants", str(json_file)]).exit_code == 0
    assert _count(fresh_db_url) == 2501


@pytest.mark.parametrize("content", ["name,skills\nok,a\n,b\n", "name,availability\nok,{bad\n"])
def test_bad_row_imports_nothing(
    fresh_db_url: str, tmp_path: Path, monkeypatch, content: str
) -> None:
    monkeypatch.setenv("DATABASE_URL", fresh_db_url)
    bad = tmp_path / "bad.csv"
    bad.write_text(content)
    result = CliRunner().invoke(app, ["import", "participants", str(bad)])
    assert result.exit_code == 1
    assert "row 2: " in result.output or "row 1: " in result.output
    assert "{'" not in result.output  # plain sentences, no Python reprs
    assert _count(fresh_db_url) == 0


def _people(url: str) -> list[tuple]:
    with psycopg.connect(url) as conn:
        return conn.execute(
            "SELECT name, email, skills, phone FROM participants ORDER BY name"
        ).fetchall()


def _run(url: str, monkeypatch, path: Path, *args: str):
    monkeypatch.setenv("DATABASE_URL", url)
    return CliRunner().invoke(app, ["import", "participants", str(path), *args])


def test_help_lists_the_csv_columns() -> None:
    text = CliRunner().invoke(app, ["import", "participants", "--help"]).output
    for column in ("name", "email", "skills", "availability", "metadata", "is_active", "domain"):
        assert f"  {column} " in text
    assert "--on-duplicate" in text


def test_list_cells_split_on_commas_too(fresh_db_url: str, tmp_path: Path, monkeypatch) -> None:
    f = tmp_path / "p.csv"
    f.write_text('name,skills\nann,"cleaning,cooking"\nbob,a; b\n')
    assert _run(fresh_db_url, monkeypatch, f).exit_code == 0
    assert [p[2] for p in _people(fresh_db_url)] == [["cleaning", "cooking"], ["a", "b"]]


def test_malformed_quoting_is_refused(fresh_db_url: str, tmp_path: Path, monkeypatch) -> None:
    f = tmp_path / "p.csv"
    f.write_text('name,email\n"bob,bob@example.com\nann,ann@example.com\n')
    result = _run(fresh_db_url, monkeypatch, f)
    assert result.exit_code == 1 and "Invalid CSV" in result.output
    assert _count(fresh_db_url) == 0


def test_reimport_fails_by_default_naming_duplicates(
    fresh_db_url: str, tmp_path: Path, monkeypatch
) -> None:
    f = tmp_path / "p.csv"
    f.write_text("name,email\nAnn,ann@example.com\nBob,\n")
    assert _run(fresh_db_url, monkeypatch, f).exit_code == 0
    f.write_text("name,email\nAnnie,ANN@example.com\nbob,\nCid,\n")
    again = _run(fresh_db_url, monkeypatch, f)
    assert again.exit_code == 1, again.output
    assert "row 1: email: duplicate" in again.output and "row 2: name: duplicate" in again.output
    assert "nothing was imported" in again.output
    assert _count(fresh_db_url) == 2


def test_skip_and_update(fresh_db_url: str, tmp_path: Path, monkeypatch) -> None:
    f = tmp_path / "p.csv"
    f.write_text("name,email,phone\nAnn,ann@example.com,1\nBob,,2\n")
    assert _run(fresh_db_url, monkeypatch, f).exit_code == 0
    f.write_text("name,email,skills\nAnnie,ann@example.com,x\nCid,,y\nCid,,z\n")
    skipped = _run(fresh_db_url, monkeypatch, f, "--on-duplicate", "skip")
    assert skipped.exit_code == 0, skipped.output
    assert "imported 1 participants, skipped 2 duplicates" in skipped.output
    assert [p[0] for p in _people(fresh_db_url)] == ["Ann", "Bob", "Cid"]
    f.write_text("name,email,skills\nAnnie,ann@example.com,x\nbob,,q\nbob,,r\n")
    updated = _run(fresh_db_url, monkeypatch, f, "--on-duplicate", "update")
    assert updated.exit_code == 0, updated.output
    people = {p[0]: p for p in _people(fresh_db_url)}
    assert sorted(people) == ["Annie", "Cid", "bob"]
    # Only the cells the file has are written: the phone stays; the last `bob` row wins.
    assert people["Annie"][2:] == (["x"], "1") and people["bob"][2:] == (["r"], "2")
    bad = _run(fresh_db_url, monkeypatch, f, "--on-duplicate", "merge")
    assert bad.exit_code == 2
