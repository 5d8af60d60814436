"""POST /api/assignments/generate as a background job, with and without a worker."""

from pathlib import Path

import pytest

from tests.assignments.helpers import live_app
from tests.worker.helpers import (
    live_workers,
    one,
    seed_people_and_targets,
    start_worker,
    stop_worker,
    wait_for,
)


async def test_without_a_worker_the_api_runs_the_job_itself(fresh_db_url: str) -> None:
    async with live_app(fresh_db_url) as live:
        await seed_people_and_targets(live.conn)
        headers, user = await live.headers("user")
        answer = await live.client.post(
            "/api/assignments/generate", json={"async": True, "seed": 3}, headers=headers
        )
        assert answer.status_code == 202, answer.text
        job = answer.json()
        assert answer.headers["location"] == job["url"] == f"/api/jobs/{job['id']}"
        assert job["mode"] == "in_process" and job["source"] == "api"

        # The in-process job ran once the 202 was sent.
        done = (await live.client.get(job["url"], headers=headers)).json()
        assert done["status"] == "succeeded", done
        assert done["progress"] == {"percent": 100, "stage": "done"}
        assert done["result_url"] == f"/api/assignments/{done['assignment_id']}"
        run = (await live.client.get(done["result_url"], headers=headers)).json()
        assert run["created_by"] == str(user["id"]) == done["actor_id"]
        assert len(run["details"]) == 4
        assert await live.count("assignments") == 1
        history = await live.client.get(done["result_url"] + "/history", headers=headers)
        assert [h["action"] for h in history.json()] == ["INSERT", "generate"]


async def test_with_a_worker_the_job_is_queued_and_a_worker_runs_it(
    fresh_db_url: str, tmp_path: Path
) -> None:
    worker = start_worker(fresh_db_url, "w1", tmp_path / "w1.log")
    try:
        wait_for(lambda: live_workers(fresh_db_url) == 1)
        async with live_app(fresh_db_url) as live:
            await seed_people_and_targets(live.conn)
            headers, user = await live.headers("user")
            answer = await live.client.post(
                "/api/assignments/generate", json={"async": True}, headers=headers
            )
            assert answer.status_code == 202, answer.text
            job = answer.json()
            assert job["mode"] == "worker" and job["status"] == "queued"
            assert job["progress"] == {"percent": 0, "stage": "queued"}

            async def finished() -> dict:
                return (await live.client.get(job["url"], headers=headers)).json()

            for _ in range(300):
                state = await finished()
                if state["status"] in ("succeeded", "failed"):
                    break
                await _sleep(0.1)
            assert state["status"] == "succeeded", state
            assert state["attempts"] == 1
            run = (await live.client.get(state["result_url"], headers=headers)).json()
            assert run["created_by"] == str(user["id"])
            assert await live.count("assignments") == 1
        queue = one(
            fresh_db_url,
            "SELECT q.status::text FROM procrastinate_jobs q JOIN generation_jobs g"
            " ON g.queue_job_id = q.id",
        )
        assert queue == "succeeded"
    finally:
        stop_worker(worker)
    log = (tmp_path / "w1.log").read_text()
    assert "generation job" in log and "succeeded" in log


async def _sleep(seconds: float) -> None:
    import asyncio

    await asyncio.sleep(seconds)


async def test_size_threshold_and_explicit_choice(fresh_db_url: str) -> None:
    async with live_app(fresh_db_url, async_generation_threshold=10) as live:
        await seed_people_and_targets(live.conn, people=6, targets=2)  # 6 × 2 = 12 > 10
        headers, _ = await live.headers("user")
        auto = await live.client.post("/api/assignments/generate", json={}, headers=headers)
        assert auto.status_code == 202, auto.text
        forced_sync = await live.client.post(
            "/api/assignments/generate",
            json={"async": False, "assignment_date": "2030-01-02"},
            headers=headers,
        )
        assert forced_sync.status_code == 201, forced_sync.text
        small = await live.client.post(
            "/api/assignments/generate",
            json={"targets": [auto.json()["id"]][:0], "participants": [], "async": None},
            headers=headers,
        )
        assert small.status_code == 202  # still 12 > 10: unset = the size rule


async def test_failed_job_carries_the_synchronous_error(fresh_db_url: str) -> None:
    async with live_app(fresh_db_url) as live:
        await seed_people_and_targets(live.conn, people=3, targets=2)  # needs 4, has 3
        headers, _ = await live.headers("user")
        answer = await live.client.post(
            "/api/assignments/generate",
            json={"async": True, "parameters": {"ensure_capacity": True}},
            headers=headers,
        )
        assert answer.status_code == 202
        job = (await live.client.get(answer.json()["url"], headers=headers)).json()
        assert job["status"] == "failed", job
        assert job["error"]["code"] in ("BUSINESS_LOGIC_ERROR", "VALIDATION_ERROR")
        assert job["assignment_id"] is None and job["progress"]["stage"] == "failed"
        assert await live.count("assignments") == 0


@pytest.mark.parametrize(
    ("path", "status"),
    [("/api/jobs/not-a-uuid", 422), ("/api/jobs/00000000-0000-0000-0000-000000000000", 404)],
)
async def test_bad_job_ids(fresh_db_url: str, path: str, status: int) -> None:
    async with live_app(fresh_db_url) as live:
        headers, _ = await live.headers("viewer")
        answer = await live.client.get(path, headers=headers)
        assert answer.status_code == status
        assert answer.json()["code"] in ("VALIDATION_ERROR", "RESOURCE_NOT_FOUND")


async def test_bad_async_flag_is_422(fresh_db_url: str) -> None:
    async with live_app(fresh_db_url) as live:
        headers, _ = await live.headers("user")
        bad = {"async": "later"}
        answer = await live.client.post("/api/assignments/generate", json=bad, headers=headers)
        assert answer.status_code == 422, answer.text
        assert answer.json()["code"] == "VALIDATION_ERROR"
        # `async_` is only the field's Python name: an unknown field, ignored and named.
        answer = await live.client.post(
            "/api/assignments/generate", json={"async_": True}, headers=headers
        )
        assert answer.status_code == 201, answer.text
        assert answer.json()["warnings"] == ["unknown field 'async_' ignored"]


async def test_idempotent_async_request_answers_the_same_job(fresh_db_url: str) -> None:
    async with live_app(fresh_db_url) as live:
        await seed_people_and_targets(live.conn)
        headers, _ = await live.headers("user")
        keyed = headers | {"Idempotency-Key": "async-1"}
        first = await live.client.post(
            "/api/assignments/generate", json={"async": True}, headers=keyed
        )
        second = await live.client.post(
            "/api/assignments/generate", json={"async": True}, headers=keyed
        )
        assert first.status_code == second.status_code == 202
        assert first.json()["id"] == second.json()["id"]
        assert second.headers.get("idempotent-replayed") == "true"
        assert await live.count("generation_jobs") == 1
        assert await live.count("assignments") == 1
