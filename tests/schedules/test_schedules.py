"""Schedules: validation, next runs in the schedule's zone, exactly-once claiming by
several workers, catch-up once, attribution, run now."""

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import psycopg
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from tests.assignments.helpers import live_app
from tests.worker.helpers import (
    live_workers,
    one,
    rows,
    seed_people_and_targets,
    start_worker,
    stop_worker,
    wait_for,
)
from vividshift.domains.queries import upsert_member
from vividshift.schedules import service

BERLIN = {"cron": "0 6 * * *", "timezone": "Europe/Berlin"}


async def make_scheduled_domain(
    conn: Any, schedule: dict[str, Any], name: str = "chores", owner: UUID | None = None
) -> UUID:
    cur = await conn.execute(
        """INSERT INTO domains (name, display_name, configuration, created_by)
           VALUES (%s, %s, %s, %s) RETURNING id""",
        (name, name.title(), Jsonb({"schedule": schedule}), owner),
    )
    return (await cur.fetchone())["id"]


async def into_house(conn: Any, domain_id: UUID, *members: dict[str, Any]) -> None:
    """The seeded people and tasks belong to the scheduled house (a schedule selects rows
    of its own domain only), and `members` manage it (global roles still cap them)."""
    await conn.execute("UPDATE participants SET domain_id = %s", (domain_id,))
    await conn.execute("UPDATE assignment_targets SET domain_id = %s", (domain_id,))
    for user in members:
        await upsert_member(conn, domain_id, user["id"], "manager", None)


async def set_due(conn: Any, domain_id: UUID, cron: str, tz: str, due: datetime) -> None:
    """As if a worker had armed the schedule earlier, with `due` still to claim."""
    await conn.execute(
        """INSERT INTO schedule_cursors (domain_id, cron, timezone, next_due_at, armed_at)
           VALUES (%s, %s, %s, %s, %s)""",
        (domain_id, cron, tz, due, due - timedelta(days=1)),
    )


async def test_schedule_is_validated_on_the_domain(fresh_db_url: str) -> None:
    async with live_app(fresh_db_url) as live:
        headers, _ = await live.headers("user")
        bad = [
            {"cron": "every morning", "timezone": "UTC"},
            {"cron": "0 6 * * *", "timezone": "Mars/Olympus"},
            {"cron": "0 6 * * * *", "timezone": "UTC"},  # seconds field: not supported
            {"cron": "0 6 * * *", "unknown": 1},
            {"cron": "0 6 * * *", "date_offset_days": -1},
        ]
        for schedule in bad:
            answer = await live.client.post(
                "/api/domains",
                json={"name": "d", "display_name": "D", "configuration": {"schedule": schedule}},
                headers=headers,
            )
            assert answer.status_code == 422, (schedule, answer.text)
        good = await live.client.post(
            "/api/domains",
            json={"name": "d", "display_name": "D", "configuration": {"schedule": BERLIN}},
            headers=headers,
        )
        assert good.status_code == 201, good.text
        # Stored as sent; the schedule's defaults apply when it is read.
        assert good.json()["configuration"]["schedule"] == BERLIN


async def test_next_runs_are_shown_in_the_schedule_time_zone(fresh_db_url: str) -> None:
    async with live_app(fresh_db_url) as live:
        headers, viewer = await live.headers("viewer")
        did = await make_scheduled_domain(live.conn, BERLIN | {"date_offset_days": 1})
        await into_house(live.conn, did, viewer)
        answer = await live.client.get(f"/api/domains/{did}/schedule?count=8", headers=headers)
        assert answer.status_code == 200, answer.text
        view = answer.json()
        assert view["active"] is True and view["timezone"] == "Europe/Berlin"
        assert len(view["next_runs"]) == 8
        previous = datetime.now(UTC)
        for run in view["next_runs"]:
            at = datetime.fromisoformat(run["at"])
            local = at.astimezone(ZoneInfo("Europe/Berlin"))
            assert (local.hour, local.minute) == (6, 0)
            assert at.utcoffset() == local.utcoffset()  # shown with Berlin's own offset
            assert at.utcoffset() in (timedelta(hours=1), timedelta(hours=2))
            assert datetime.fromisoformat(run["at_utc"]) == at
            assert datetime.fromisoformat(run["at_utc"]).utcoffset() == timedelta(0)
            assert run["assignment_date"] == (local.date() + timedelta(days=1)).isoformat()
            assert at > previous
            previous = at
        assert view["cursor"] is None and view["recent_jobs"] == []


async def test_next_runs_cross_daylight_saving_at_the_same_local_time() -> None:
    from vividshift.schedules import cron

    start = datetime(2026, 3, 27, 12, tzinfo=UTC)
    runs = list(cron.upcoming("0 6 * * *", "Europe/Berlin", start, 3))
    assert [r.isoformat() for r in runs] == [
        "2026-03-28T06:00:00+01:00",
        "2026-03-29T06:00:00+02:00",
        "2026-03-30T06:00:00+02:00",
    ]
    assert [cron.utc(r).hour for r in runs] == [5, 4, 4]


async def test_schedule_endpoint_errors(fresh_db_url: str) -> None:
    async with live_app(fresh_db_url) as live:
        headers, user = await live.headers("user")
        cur = await live.conn.execute(
            "INSERT INTO domains (name, display_name) VALUES ('plain', 'Plain') RETURNING id"
        )
        plain = (await cur.fetchone())["id"]
        viewer, viewer_user = await live.headers("viewer")
        await into_house(live.conn, plain, user, viewer_user)
        view = (await live.client.get(f"/api/domains/{plain}/schedule", headers=headers)).json()
        assert view["schedule"] is None and view["next_runs"] == [] and not view["active"]
        cases = [
            ("get", "/api/domains/00000000-0000-0000-0000-000000000000/schedule", 404),
            ("get", "/api/domains/nope/schedule", 422),
            ("get", f"/api/domains/{plain}/schedule?count=0", 422),
            ("get", f"/api/domains/{plain}/schedule?count=x", 422),
            ("post", f"/api/domains/{plain}/schedule/run", 422),  # no schedule
            ("post", "/api/domains/00000000-0000-0000-0000-000000000000/schedule/run", 404),
        ]
        for method, path, status in cases:
            answer = await live.client.request(method, path, headers=headers)
            assert answer.status_code == status, (path, answer.text)
            assert set(answer.json()) == {"error", "code", "details", "timestamp"}
        answer = await live.client.post(f"/api/domains/{plain}/schedule/run", headers=viewer)
        assert answer.status_code == 403


async def test_two_workers_run_a_due_schedule_exactly_once(
    fresh_db_url: str, tmp_path: Path
) -> None:
    async with live_app(fresh_db_url) as live:
        await seed_people_and_targets(live.conn)
        _, owner = await live.headers("user")
        did = await make_scheduled_domain(live.conn, BERLIN, owner=owner["id"])
        await into_house(live.conn, did, owner)
        due = datetime.now(UTC) - timedelta(seconds=5)
        await set_due(live.conn, did, BERLIN["cron"], BERLIN["timezone"], due)

    workers = [start_worker(fresh_db_url, f"w{i}", tmp_path / f"w{i}.log") for i in (1, 2)]
    try:
        wait_for(lambda: live_workers(fresh_db_url) == 2)
        # Both workers tick at once (as their periodic deferrers would each minute).
        with psycopg.connect(fresh_db_url, autocommit=True) as conn:
            for stamp in (1, 2, 3, 4):
                conn.execute(
                    """SELECT procrastinate_defer_jobs_v1(ARRAY[ROW('schedules',
                           'schedule_tick', 0, NULL, NULL, %s, NULL)
                           ::procrastinate_job_to_defer_v1])""",
                    (Jsonb({"timestamp": stamp}),),
                )
        ours = (
            "SELECT count(*) FROM procrastinate_jobs WHERE status = 'succeeded' AND"
            " (task_name = 'run_generation_job' OR (task_name = 'schedule_tick'"
            " AND (args->>'timestamp')::bigint <= 4))"
        )
        wait_for(lambda: one(fresh_db_url, ours) == 5)
        tick_workers = rows(
            fresh_db_url,
            "SELECT DISTINCT j.worker_id FROM procrastinate_jobs j"
            " WHERE j.task_name = 'schedule_tick' AND (args->>'timestamp')::bigint <= 4",
        )
        print("manual ticks ran on workers", [r["worker_id"] for r in tick_workers])
    finally:
        for worker in workers:
            stop_worker(worker)

    jobs = rows(fresh_db_url, "SELECT * FROM generation_jobs")
    assert len(jobs) == 1
    job = jobs[0]
    assert job["status"] == "succeeded" and job["source"] == "schedule"
    assert job["actor_id"] == owner["id"] and job["missed_runs"] == 0
    local_due = job["due_at"].astimezone(ZoneInfo("Europe/Berlin"))
    assert (local_due.hour, local_due.minute) == (6, 0)
    runs = rows(fresh_db_url, "SELECT * FROM assignments")
    assert len(runs) == 1
    assert runs[0]["id"] == job["assignment_id"] and runs[0]["created_by"] == owner["id"]
    assert runs[0]["assignment_date"] == local_due.date()
    assert runs[0]["configuration"]["domain_id"] == str(did)
    cursor = rows(fresh_db_url, "SELECT * FROM schedule_cursors")[0]
    assert cursor["next_due_at"] > datetime.now(UTC)
    logs = "".join((tmp_path / f"w{i}.log").read_text() for i in (1, 2))
    print(logs)
    assert logs.count("claimed: job") == 1


async def _tick_all(url: str, times: int) -> list[list[UUID]]:
    async def one_tick() -> list[UUID]:
        async with await psycopg.AsyncConnection.connect(
            url, autocommit=True, row_factory=dict_row
        ) as conn:
            return await service.tick(conn)

    return await asyncio.gather(*(one_tick() for _ in range(times)))


async def test_concurrent_ticks_claim_each_due_time_once(fresh_db_url: str) -> None:
    async with live_app(fresh_db_url) as live:
        past = datetime.now(UTC) - timedelta(minutes=1)
        domains = []
        for i in range(5):
            did = await make_scheduled_domain(live.conn, {"cron": "* * * * *"}, name=f"d{i}")
            await set_due(live.conn, did, "* * * * *", "UTC", past)
            domains.append(did)
        claimed = await _tick_all(fresh_db_url, 6)
        assert sorted(len(c) for c in claimed) and sum(len(c) for c in claimed) == 5
        assert await live.count("generation_jobs") == 5
        per_domain = await (
            await live.conn.execute(
                "SELECT domain_id, count(*) AS n FROM generation_jobs GROUP BY 1"
            )
        ).fetchall()
        assert {r["domain_id"] for r in per_domain} == set(domains)
        assert {r["n"] for r in per_domain} == {1}
        # A second round in the same minute finds nothing due.
        assert sum(len(c) for c in await _tick_all(fresh_db_url, 3)) == 0


async def test_missed_runs_are_caught_up_once(fresh_db_url: str) -> None:
    async with live_app(fresh_db_url) as live:
        did = await make_scheduled_domain(live.conn, {"cron": "0 * * * *", "timezone": "UTC"})
        now = datetime.now(UTC)
        three_days_ago = (now - timedelta(days=3)).replace(minute=0, second=0, microsecond=0)
        await set_due(live.conn, did, "0 * * * *", "UTC", three_days_ago)
        claimed = await _tick_all(fresh_db_url, 1)
        assert len(claimed[0]) == 1
        job = await (await live.conn.execute("SELECT * FROM generation_jobs")).fetchone()
        latest = now.replace(minute=0, second=0, microsecond=0)
        assert job["due_at"] == latest  # the latest due time, not the oldest
        assert job["missed_runs"] == int((latest - three_days_ago).total_seconds() // 3600)
        assert job["missed_runs"] >= 72
        assert sum(len(c) for c in await _tick_all(fresh_db_url, 2)) == 0


async def test_a_new_schedule_is_armed_for_its_next_due_time(fresh_db_url: str) -> None:
    async with live_app(fresh_db_url) as live:
        did = await make_scheduled_domain(live.conn, {"cron": "0 6 * * *", "timezone": "UTC"})
        assert await _tick_all(fresh_db_url, 1) == [[]]
        cursor = await (await live.conn.execute("SELECT * FROM schedule_cursors")).fetchone()
        assert cursor["domain_id"] == did and cursor["next_due_at"] > datetime.now(UTC)
        assert cursor["next_due_at"].astimezone(UTC).hour == 6
        # Changing the cron re-arms; disabling drops the cursor.
        await live.conn.execute(
            "UPDATE domains SET configuration = %s WHERE id = %s",
            (Jsonb({"schedule": {"cron": "30 7 * * *", "timezone": "UTC"}}), did),
        )
        await _tick_all(fresh_db_url, 1)
        cursor = await (await live.conn.execute("SELECT * FROM schedule_cursors")).fetchone()
        assert cursor["cron"] == "30 7 * * *" and cursor["next_due_at"].minute == 30
        await live.conn.execute(
            "UPDATE domains SET configuration = %s WHERE id = %s",
            (Jsonb({"schedule": {"cron": "30 7 * * *", "enabled": False}}), did),
        )
        await _tick_all(fresh_db_url, 1)
        assert await live.count("schedule_cursors") == 0
        assert await live.count("generation_jobs") == 0


async def test_run_now_and_system_actor(fresh_db_url: str) -> None:
    async with live_app(fresh_db_url) as live:
        await seed_people_and_targets(live.conn)
        await live.conn.execute(
            'UPDATE participants SET metadata = \'{"team": "red"}\''
            " WHERE name IN ('person 00', 'person 01', 'person 02', 'person 03')"
        )
        headers, user = await live.headers("user")
        schedule = {
            "cron": "0 6 * * 1",
            "timezone": "America/New_York",
            "strategy": "random_assignment",
            "participants": {"metadata": {"team": "red"}},
        }
        did = await make_scheduled_domain(live.conn, schedule)  # no owner
        await into_house(live.conn, did, user)
        answer = await live.client.post(f"/api/domains/{did}/schedule/run", headers=headers)
        assert answer.status_code == 202, answer.text
        job = (await live.client.get(answer.json()["url"], headers=headers)).json()
        assert job["status"] == "succeeded", job
        assert job["source"] == "manual" and job["actor_id"] == str(user["id"])
        run = (await live.client.get(job["result_url"], headers=headers)).json()
        assert run["strategy_used"] == "random_assignment"
        assert {d["participant_name"] for d in run["details"]} == {
            "person 00",
            "person 01",
            "person 02",
            "person 03",
        }
        view = (await live.client.get(f"/api/domains/{did}/schedule", headers=headers)).json()
        assert [j["id"] for j in view["recent_jobs"]] == [job["id"]]

        # A due run of a schedule without an owner is the system's: no user.
        await set_due(live.conn, did, schedule["cron"], schedule["timezone"], datetime.now(UTC))
        [[claimed]] = await _tick_all(fresh_db_url, 1)
        row = await (
            await live.conn.execute("SELECT * FROM generation_jobs WHERE id = %s", (claimed,))
        ).fetchone()
        assert row["actor_id"] is None and row["requested_by"] is None

        # A selection matching nobody fails the job instead of taking everyone.
        await live.conn.execute("UPDATE participants SET is_active = false")
        answer = await live.client.post(f"/api/domains/{did}/schedule/run", headers=headers)
        failed = (await live.client.get(answer.json()["url"], headers=headers)).json()
        assert failed["status"] == "failed"
        assert failed["error"]["code"] == "VALIDATION_ERROR"
