"""On a database of its own (real pool, real commits): a failure while persisting
leaves no trace; concurrent generations of one domain and date are serialised."""

import asyncio

import psycopg

from tests.assignments.helpers import live_app
from vividshift.assignments import generation, queries

GEN = "/api/assignments/generate"


async def _setup(app, n_people: int = 30, n_targets: int = 5, per_target: int = 3):
    people = []
    for i in range(n_people):
        row = await (
            await app.conn.execute(
                "INSERT INTO participants (name) VALUES (%s) RETURNING id", (f"p{i:03d}",)
            )
        ).fetchone()
        people.append(str(row["id"]))
    targets = []
    for j in range(n_targets):
        row = await (
            await app.conn.execute(
                "INSERT INTO assignment_targets (name, required_count) VALUES (%s, %s)"
                " RETURNING id",
                (f"t{j}", per_target),
            )
        ).fetchone()
        targets.append(str(row["id"]))
    return people, targets


async def test_failure_while_persisting_leaves_no_trace(fresh_db_url: str, monkeypatch):
    async with live_app(fresh_db_url) as app:
        headers, _ = await app.headers("user")
        people, targets = await _setup(app)
        seen: dict[str, int] = {}

        # The run's last write (its `generate` history row) comes after the details.
        async def explode(conn, assignment_id, *args) -> None:
            cur = await conn.execute(
                "SELECT count(*) AS n FROM assignment_details WHERE assignment_id = %s",
                (assignment_id,),
            )
            seen["details_written"] = (await cur.fetchone())["n"]
            raise RuntimeError("disk on fire")

        monkeypatch.setattr(queries, "insert_history", explode)
        body = {"participants": people, "targets": targets}
        r = await app.client.post(GEN, json=body, headers=headers)
        assert r.status_code == 500 and r.json()["code"] == "INTERNAL_ERROR"
        assert seen["details_written"] == 15  # the failure came after the details
        for table in ("assignments", "assignment_details", "assignment_history"):
            assert await app.count(table) == 0, table

        monkeypatch.undo()
        r = await app.client.post(GEN, json=body, headers=headers)
        assert r.status_code == 201, r.text
        assert await app.count("assignments") == 1
        assert await app.count("assignment_details") == 15


async def test_concurrent_generations_of_one_domain_and_date_are_serialised(
    fresh_db_url: str, monkeypatch
):
    async with live_app(fresh_db_url) as app:
        headers, _ = await app.headers("user")
        people, targets = await _setup(app)
        body = {
            "participants": people,
            "targets": targets,
            "assignment_date": "2026-02-02",
            "replace": "complete",
        }

        # Both at once: the second waits for the first (and then completes it, as asked);
        # both complete, never interleaved.
        order: list[str] = []

        write_history = queries.insert_history

        async def slow(conn, assignment_id, action, *args) -> None:
            if action == "generate":  # the run's last write, after its details
                order.append(f"start {assignment_id}")
                await asyncio.sleep(0.3)
                order.append(f"end {assignment_id}")
            await write_history(conn, assignment_id, action, *args)

        monkeypatch.setattr(queries, "insert_history", slow)
        first, second = await asyncio.gather(
            app.client.post(GEN, json=body, headers=headers),
            app.client.post(GEN, json=body, headers=headers),
        )
        assert (first.status_code, second.status_code) == (201, 201), (first.text, second.text)
        a, b = first.json()["id"], second.json()["id"]
        assert order in (
            [f"start {a}", f"end {a}", f"start {b}", f"end {b}"],
            [f"start {b}", f"end {b}", f"start {a}", f"end {a}"],
        )
        assert await app.count("assignment_details") == 30
        monkeypatch.undo()

        # Another date is not blocked by a held lock; the same date gets 409 after the wait.
        monkeypatch.setattr(generation, "GENERATION_LOCK_TIMEOUT_MS", 300)
        holder = await psycopg.AsyncConnection.connect(fresh_db_url)
        async with holder, holder.transaction():
            await holder.execute(
                "SELECT pg_advisory_xact_lock(hashtext('vividshift.generate'), hashtext(%s))",
                ("default|2026-02-02",),
            )
            r = await app.client.post(GEN, json=body, headers=headers)
            assert r.status_code == 409 and r.json()["code"] == "DUPLICATE_RESOURCE"
            other = body | {"assignment_date": "2026-02-09"}
            r = await app.client.post(GEN, json=other, headers=headers)
            assert r.status_code == 201, r.text
        r = await app.client.post(GEN, json=body, headers=headers)
        assert r.status_code == 201, r.text
        assert await app.count("assignments") == 4


def test_cli_imports_legacy_history(fresh_db_url: str, tmp_path, monkeypatch) -> None:
    import json

    from typer.testing import CliRunner

    from vividshift.cli import app as cli

    monkeypatch.setenv("DATABASE_URL", fresh_db_url)
    history = {
        "assignments": {
            "Ann": ["Toilet A", "Hall"],
            "Bea": ["Toilet B", "Toilet A"],
            "Cy": ["Hall", "Toilet B"],
        }
    }
    path = tmp_path / "history-2025-10-13.json"
    path.write_text(json.dumps(history))
    result = CliRunner().invoke(cli, ["import", "legacy-history", str(path)])
    assert result.exit_code == 0, result.output
    assert "imported 2 run(s)" in result.output
    again = CliRunner().invoke(cli, ["import", "legacy-history", str(path)])
    assert again.exit_code == 0 and "(2 already there)" in again.output
    with psycopg.connect(fresh_db_url) as conn:
        dates = conn.execute(
            "SELECT assignment_date::text, status FROM assignments ORDER BY 1"
        ).fetchall()
        assert dates == [("2025-10-12", "completed"), ("2025-10-13", "completed")]
        groups = dict(conn.execute("SELECT name, metadata->>'group' FROM participants").fetchall())
        # Ann did Toilet A (only group A may) → A; Bea did both toilets → contradictory.
        assert groups == {"Ann": "A", "Bea": None, "Cy": "B"}
    bad = tmp_path / "bad.json"
    bad.write_text('{"assignments": {"Ann": "Hall"}}')
    result = CliRunner().invoke(cli, ["import", "legacy-history", str(bad)])
    assert result.exit_code == 1 and "nothing was imported" in result.output
