"""/metrics: generation duration and solver status, job queue depth and age."""

from tests.assignments.helpers import live_app
from tests.worker.helpers import seed_people_and_targets


async def test_generation_and_queue_metrics(fresh_db_url: str) -> None:
    async with live_app(fresh_db_url) as live:
        await seed_people_and_targets(live.conn)
        headers, _ = await live.headers("user")
        made = await live.client.post(
            "/api/assignments/generate", json={"strategy": "balanced_rotation"}, headers=headers
        )
        assert made.status_code == 201, made.text
        method = made.json()["metadata"]["solver"]["method"]
        await live.conn.execute(
            """SELECT procrastinate_defer_jobs_v1(ARRAY[ROW('generation', 'run_generation_job',
                   0, NULL, NULL, '{"job_id": "00000000-0000-0000-0000-000000000000"}', NULL)
                   ::procrastinate_job_to_defer_v1])"""
        )
        text = (await live.client.get("/metrics")).text
    labels = f'method="{method}",status="optimal",strategy="balanced_rotation"'
    assert f"vividshift_generation_duration_seconds_count{{{labels}}}" in text
    assert f"vividshift_generation_solver_status_total{{{labels}}}" in text
    assert 'vividshift_job_queue_depth{queue="generation"} 1.0' in text
    assert 'vividshift_job_queue_oldest_age_seconds{queue="generation"}' in text
    assert "vividshift_workers_live 0.0" in text
    assert "vividshift_job_queue_scrape_errors_total 0.0" in text


def test_queue_gauges_are_cached_between_scrapes(fresh_db_url: str) -> None:
    """Anonymous scrapes cost the database one read per cache period, not one each."""
    import time

    from fastapi import FastAPI
    from prometheus_client import CollectorRegistry, generate_latest

    from tests.conftest import make_settings
    from vividshift.worker.metrics import QueueCollector

    app = FastAPI()  # held here: the collector holds it weakly
    app.state.database_url = fresh_db_url
    app.state.settings = make_settings(fresh_db_url)
    registry = CollectorRegistry()
    registry.register(QueueCollector(app, cache_seconds=0.5))
    assert "vividshift_workers_live 0.0" in generate_latest(registry).decode()
    # Within the period no connection is even attempted: a dead URL changes nothing.
    app.state.database_url = "postgresql://nobody@127.0.0.1:1/none"
    text = generate_latest(registry).decode()
    assert "vividshift_workers_live 0.0" in text
    assert "vividshift_job_queue_scrape_errors_total 0.0" in text
    time.sleep(0.6)
    text = generate_latest(registry).decode()
    assert "vividshift_job_queue_scrape_errors_total 1.0" in text
    assert "vividshift_workers_live" not in text
