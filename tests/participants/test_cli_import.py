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
    assert "'row': 2" in result.output or "'row': 1" in result.output
    assert _count(fresh_db_url) == 0
