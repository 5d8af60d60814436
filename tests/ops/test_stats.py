"""db stats: the monitoring report, with pg_stat_statements loaded and without it."""

import json
from collections.abc import Iterator

import psycopg
import pytest
from typer.testing import CliRunner

from tests.conftest import ROOT
from tests.ops.conftest import seed
from vividshift import migrate
from vividshift.cli import app as cli
from vividshift.embedded import EmbeddedPostgres
from vividshift.ops import stats

# A cluster of this module's own (embedded binaries, whatever DATABASE_URL says): the
# test server need not preload pg_stat_statements, and this one must.
CLUSTER_DIR = ROOT / ".pytest-pg" / "stats-cluster"

runner = CliRunner()


def stats_json(url: str, *args: str) -> dict:
    result = runner.invoke(cli, ["db", "stats", "--json", *args], env={"DATABASE_URL": url})
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def preloaded(url: str) -> bool:
    with psycopg.connect(url) as conn:
        row = conn.execute("SHOW shared_preload_libraries").fetchone()
    assert row is not None
    return "pg_stat_statements" in row[0]


@pytest.fixture(scope="module")
def loaded_url() -> Iterator[str]:
    """A migrated database on a cluster that preloads pg_stat_statements."""
    server = EmbeddedPostgres(CLUSTER_DIR)
    try:
        with psycopg.connect(server.admin_url, autocommit=True) as conn:
            conn.execute("ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'")
        server.stop()
        server = EmbeddedPostgres(CLUSTER_DIR)  # the library loads at start only
        with psycopg.connect(server.admin_url, autocommit=True) as conn:
            conn.execute("DROP DATABASE IF EXISTS vs_stats WITH (FORCE)")
        url = server.database_url("vs_stats")
        migrate.upgrade(url)
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("CREATE EXTENSION pg_stat_statements")
        yield url
    finally:
        server.stop()


def test_report_sections_on_a_seeded_database(fresh_db_url: str) -> None:
    seed(fresh_db_url)
    with psycopg.connect(fresh_db_url, autocommit=True) as conn:
        conn.execute("DELETE FROM participants WHERE name LIKE 'person 1%'")  # 111 rows
        conn.execute("SELECT id FROM users WHERE username = 'user7'")  # an index scan
        conn.execute("SELECT pg_stat_force_next_flush()")

    report = stats_json(fresh_db_url)

    assert report["database"] == fresh_db_url.rsplit("/", 1)[-1].split("?")[0]
    tables = {t["tablename"]: t for t in report["table_sizes"]}
    assert {"users", "participants", "assignments", "procrastinate_jobs"} <= set(tables)
    assert tables["participants"]["total_bytes"] >= tables["participants"]["table_bytes"] > 0
    dead = {t["tablename"]: t for t in report["dead_tuples"]}
    assert dead["participants"]["n_dead_tup"] == 111
    counts = [t["n_dead_tup"] for t in report["dead_tuples"]]
    assert counts == sorted(counts, reverse=True) and counts[0] >= 111  # most dead first
    used = {i["indexname"]: i for i in report["index_usage"]}
    assert sum(i["idx_scan"] for n, i in used.items() if "username" in n) >= 1
    unused = {i["indexname"]: i for i in report["unused_indexes"]}
    assert "idx_assignment_history_changes_gin" in unused
    assert unused["user_profiles_pkey"]["enforces_constraint"] is True
    assert unused["idx_assignment_history_changes_gin"]["enforces_constraint"] is False


def test_without_pg_stat_statements_the_report_says_why(fresh_db_url: str) -> None:
    pss = stats_json(fresh_db_url)["pg_stat_statements"]
    assert pss["status"] == "not_installed" and pss["statements"] == []
    assert "CREATE EXTENSION pg_stat_statements" in pss["note"]

    with psycopg.connect(fresh_db_url, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION pg_stat_statements")
    pss = stats_json(fresh_db_url)["pg_stat_statements"]
    if preloaded(fresh_db_url):  # a DATABASE_URL server that loads it
        assert pss["status"] == "ok"
    else:
        assert pss["status"] == "not_loaded"
        assert pss["note"] == stats.NOT_LOADED

    result = runner.invoke(cli, ["db", "stats"], env={"DATABASE_URL": fresh_db_url})
    assert result.exit_code == 0, result.output
    assert "Index usage" in result.stdout and "Dead tuples" in result.stdout
    if not preloaded(fresh_db_url):
        assert "note: pg_stat_statements is not loaded" in result.stdout


def test_with_pg_stat_statements_the_slowest_statements_come_first(loaded_url: str) -> None:
    with psycopg.connect(loaded_url, autocommit=True) as conn:
        conn.execute("SELECT pg_stat_statements_reset()")
        conn.execute("SELECT pg_sleep(0.25)")
        for _ in range(2):
            conn.execute("SELECT pg_sleep(0.12)")
        conn.execute("SELECT count(*) FROM users")  # fast: under the threshold

    pss = stats_json(loaded_url)["pg_stat_statements"]
    assert pss["status"] == "ok" and pss["note"] is None
    queries = [s["query"] for s in pss["statements"]]
    assert queries == ["SELECT pg_sleep($1)"]  # one normalised statement, mean > 100 ms
    top = pss["statements"][0]
    assert top["calls"] == 3 and top["mean_exec_time"] > 100
    assert top["total_exec_time"] >= 490

    all_statements = stats_json(loaded_url, "--min-mean-ms", "0", "--limit", "50")
    texts = [s["query"] for s in all_statements["pg_stat_statements"]["statements"]]
    assert "SELECT count(*) FROM users" in texts
    assert texts[0] == "SELECT pg_sleep($1)"

    result = runner.invoke(cli, ["db", "stats"], env={"DATABASE_URL": loaded_url})
    assert result.exit_code == 0, result.output
    assert "Slowest statements (mean > 100 ms)" in result.stdout
    assert "SELECT pg_sleep($1)" in result.stdout
    assert "note:" not in result.stdout
