"""Repeated generations of a day rotate, and the history lists every run.

On a database of its own with real commits: each request is its own transaction, so
runs get distinct creation times, as in production (the shared test connection gives
every run of a test the same `now()`)."""

from datetime import UTC, datetime, timedelta

from tests.assignments.helpers import live_app
from tests.compat.helpers import DEFAULT_CHORES

WG = "/api/work-groups"
BODY = {"names_a": [f"A{i}" for i in range(9)], "names_b": [f"B{i}" for i in range(9)]}


def chore_of(assignments: dict[str, list[str]]) -> dict[str, str]:
    return {p: c for c, people in assignments.items() for p in people}


async def test_same_day_generations_rotate_and_all_show_in_history(fresh_db_url: str):
    async with live_app(fresh_db_url) as live:
        headers, _ = await live.headers("user")
        runs = []
        for _ in range(3):
            r = await live.client.post(f"{WG}/generate", json=BODY, headers=headers)
            assert r.status_code == 200, r.text
            runs.append(r.json())
        first, second, third = (chore_of(r["assignments"]) for r in runs)
        for person in first:
            assert second[person] != first[person], person
            # Toilet B: only the latest run counts; other chores: the last two.
            recent = (
                [second[person]]
                if third[person] == "Toilet B"
                else [
                    second[person],
                    first[person],
                ]
            )
            assert third[person] not in recent, person

        # Every run of the day is a run of the domain; only the latest is active.
        listed = (
            await live.client.get("/api/assignments?domain=work-groups&limit=10", headers=headers)
        ).json()["items"]
        status = {item["id"]: item["status"] for item in listed}
        assert [status[r["assignment_id"]] for r in runs] == ["completed", "completed", "active"]

        today = datetime.now(UTC).date().isoformat()
        history = (await live.client.get(f"{WG}/history", headers=headers)).json()["history"]
        assert list(history) == [today, f"{today}.2", f"{today}.3"]
        for key, run in zip(history, runs, strict=True):
            assert history[key]["assignments"] == run["assignments"]
            assert history[key]["generation_info"]["total_assignments"] == 18


async def test_history_keys_and_days(fresh_db_url: str):
    """Earlier dates keep their plain keys; `days` counts dates; cancelled runs go."""
    async with live_app(fresh_db_url) as live:
        headers, _ = await live.headers("user")
        today = datetime.now(UTC).date()
        ids = []
        for _ in range(2):
            r = await live.client.post(f"{WG}/generate", json=BODY, headers=headers)
            assert r.status_code == 200, r.text
            ids.append(r.json()["assignment_id"])
        # Date the two runs earlier, as if they had been generated then.
        week_ago, yesterday = today - timedelta(days=7), today - timedelta(days=1)
        for run_id, day in ((ids[0], week_ago), (ids[1], yesterday)):
            await live.conn.execute(
                "UPDATE assignments SET assignment_date = %s WHERE id = %s", (day, run_id)
            )
        for _ in range(2):
            r = await live.client.post(f"{WG}/generate", json=BODY, headers=headers)
            assert r.status_code == 200, r.text
        w, y, t = week_ago.isoformat(), yesterday.isoformat(), today.isoformat()

        async def keys(query: str = "") -> list[str]:
            r = await live.client.get(f"{WG}/history{query}", headers=headers)
            assert r.status_code == 200, r.text
            return list(r.json()["history"])

        assert await keys() == [w, y, t, f"{t}.2"]
        assert await keys("?days=2") == [y, t, f"{t}.2"]
        assert await keys("?days=1") == [t, f"{t}.2"]
        # yesterday's run is still active (its own date): cancel it, it is not listed.
        r = await live.client.patch(
            f"/api/assignments/{ids[1]}", json={"status": "cancelled"}, headers=headers
        )
        assert r.status_code == 200, r.text
        assert await keys() == [w, t, f"{t}.2"]
        history = (await live.client.get(f"{WG}/history", headers=headers)).json()["history"]
        assert set(history[t]["assignments"]) == set(DEFAULT_CHORES)
