"""The demo is reachable over the API right after `seed-demo`."""

import asyncio

from typer.testing import CliRunner

from tests.assignments.helpers import live_app
from vividshift.cli import app as cli


async def test_demo_shows_a_rotation_and_its_schedule(fresh_db_url: str) -> None:
    # The CLI runs its own event loop: call it from a thread.
    result = await asyncio.to_thread(
        CliRunner().invoke, cli, ["seed-demo"], env={"DATABASE_URL": fresh_db_url}
    )
    assert result.exit_code == 0, result.output
    async with live_app(fresh_db_url) as live:
        headers, _ = await live.headers("viewer")
        history = (await live.client.get("/api/work-groups/history", headers=headers)).json()
        [day] = history["history"].values()
        assert sum(len(people) for people in day["assignments"].values()) == 18
        domains = (await live.client.get("/api/domains", headers=headers)).json()["items"]
        [demo] = [d for d in domains if d["name"] == "work-groups"]
        view = (
            await live.client.get(f"/api/domains/{demo['id']}/schedule", headers=headers)
        ).json()
        assert view["active"] and len(view["next_runs"]) == 5
        assert all(
            r["at"].endswith("T07:00:00Z") or "T07:00:00+00:00" in r["at"]
            for r in view["next_runs"]
        )
