"""Without a running worker, the API process delivers: woken on commit, not in the
request."""

from __future__ import annotations

import asyncio

from tests.assignments.helpers import live_app, member_of
from tests.factories import make_domain, make_participant, make_target
from tests.notifications.helpers import count
from tests.notifications.receivers import http_receiver


async def test_the_api_process_delivers_when_no_worker_runs(fresh_db_url: str) -> None:
    with http_receiver() as receiver:
        async with live_app(fresh_db_url, allow_private_webhooks=True) as app:
            headers, _ = await app.headers()
            domain = await make_domain(app.conn)
            await member_of(app.conn, headers, domain)
            await make_participant(app.conn, name="Ana", domain_id=domain["id"])
            await make_target(app.conn, name="Hall", domain_id=domain["id"])
            r = await app.client.post(
                f"/api/domains/{domain['id']}/channels",
                json={"kind": "webhook", "name": "hook", "url": f"{receiver.url}/hook"},
                headers=headers,
            )
            assert r.status_code == 201, r.text
            receiver.secrets["/hook"] = r.json()["secret"]
            r = await app.client.post(
                "/api/assignments/generate",
                json={"domain": domain["name"], "assignment_date": "2026-12-07"},
                headers=headers,
            )
            assert r.status_code == 201, r.text
            for _ in range(100):
                if await count(app.conn, "notification_deliveries", "status = 'delivered'"):
                    break
                await asyncio.sleep(0.1)
            assert await count(app.conn, "notification_deliveries", "status = 'delivered'") == 1
            assert await count(app.conn, "procrastinate_jobs") == 0  # no worker: no job queued
    assert [v["type"] for v in receiver.verified] == ["rotation.published.v1"]
