"""`vividshift export` and `vividshift seed-demo` through the CLI (CliRunner)."""

import csv
import io
import json
from pathlib import Path

import psycopg
from typer.testing import CliRunner

from vividshift.bulk_import import parse_csv_rows
from vividshift.cli import app as cli
from vividshift.participants.schemas import ParticipantCreate


def invoke(url: str, *args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, list(args), env={"DATABASE_URL": url})


def test_seed_demo_then_export_every_kind(fresh_db_url: str, tmp_path: Path) -> None:
    seeded = invoke(fresh_db_url, "seed-demo")
    assert seeded.exit_code == 0, seeded.output
    last = seeded.stdout.strip().splitlines()[-1]
    assert last.startswith("seed-demo: domain work-groups (") and "18 people, 7 chores" in last
    assert "Toilet B" in seeded.stdout

    again = invoke(fresh_db_url, "seed-demo")
    assert again.exit_code == 1 and "already has runs" in again.stderr

    with psycopg.connect(fresh_db_url) as conn:
        config = conn.execute(
            "SELECT configuration FROM domains WHERE name = 'work-groups'"
        ).fetchone()[0]
        assert config["schedule"]["cron"] == "0 7 * * 1"
        assert conn.execute("SELECT count(*) FROM assignments").fetchone() == (1,)
        groups = dict(
            conn.execute(
                "SELECT metadata->>'group', count(*) FROM participants GROUP BY 1"
            ).fetchall()
        )
        assert groups == {"A": 9, "B": 9}
        # The lodge rules hold in the generated rotation.
        breaches = conn.execute(
            """SELECT count(*) FROM assignment_details d
               JOIN participants p ON p.id = d.participant_id
               JOIN assignment_targets t ON t.id = d.target_id
               WHERE (p.metadata->>'group', t.name) IN (('A', 'Toilet B'), ('B', 'Toilet A'))"""
        ).fetchone()
        assert breaches == (0,)

    out = tmp_path / "people.csv"
    result = invoke(fresh_db_url, "export", "participants", "--format", "csv", "-o", str(out))
    assert result.exit_code == 0, result.output
    summary = result.stdout.strip()
    assert summary.startswith("export: 18 participants as CSV in ")
    assert summary.endswith(f"({out})")
    records = list(csv.DictReader(io.StringIO(out.read_text())))
    assert len(records) == 18 and json.loads(records[0]["metadata"])["domain"] == "work-groups"
    # The CSV reads back with the import's own parser and model.
    for row in parse_csv_rows(
        out.read_bytes(),
        list_fields=frozenset({"skills"}),
        json_fields=frozenset({"availability", "preferences", "metadata"}),
    ):
        fields = {k: v for k, v in row.items() if k in ParticipantCreate.model_fields}
        ParticipantCreate.model_validate(fields)

    targets = invoke(fresh_db_url, "export", "targets", "--format", "json")
    assert targets.exit_code == 0, targets.output
    chores = json.loads(targets.stdout)
    assert {c["name"]: c["required_count"] for c in chores}["Parlor"] == 5
    assert targets.stderr.strip().startswith("export: 7 targets as JSON")

    runs = invoke(fresh_db_url, "export", "assignments", "-f", "csv")
    assert runs.exit_code == 0, runs.output
    rows = list(csv.DictReader(io.StringIO(runs.stdout)))
    assert len(rows) == 18
    assert {"assignment_id", "assignment_date", "target_name", "participant_name", "score"} <= set(
        rows[0]
    )
    assert {r["domain"] for r in rows} == {"work-groups"}


def test_export_of_an_empty_table_and_bad_arguments(fresh_db_url: str, tmp_path: Path) -> None:
    empty = invoke(fresh_db_url, "export", "targets", "--format", "json")
    assert empty.exit_code == 0 and json.loads(empty.stdout) == []
    header_only = invoke(fresh_db_url, "export", "participants")
    assert header_only.exit_code == 0
    assert header_only.stdout.splitlines()[0].startswith("id,name,email")
    for args in (
        ["export", "people"],
        ["export", "targets", "--format", "xml"],
        ["export", "targets", "-o", str(tmp_path)],
        ["export", "targets", "-o", str(tmp_path / "missing" / "x.csv")],
    ):
        result = invoke(fresh_db_url, *args)
        assert result.exit_code == 2, (args, result.output)
    assert list(tmp_path.iterdir()) == []


def test_cli_csv_defuses_formulas_like_the_http_export(fresh_db_url: str) -> None:
    with psycopg.connect(fresh_db_url, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO participants (name, phone) VALUES"
            " ('=HYPERLINK(\"http://x\")', '+1 555'), ('@SUM(A1)', NULL), ('-2+3', NULL),"
            " (E'\\tcmd', NULL), ('plain', '-')"
        )
    result = invoke(fresh_db_url, "export", "participants")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    names = sorted(r["name"] for r in rows)
    assert names == sorted(['\'=HYPERLINK("http://x")', "'@SUM(A1)", "'-2+3", "'\tcmd", "plain"])
    assert {r["phone"] for r in rows} == {"'+1 555", "", "'-"}
    assert all(r["is_active"] == "true" for r in rows)  # not text: left as it is
