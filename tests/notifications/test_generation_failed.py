"""A background generation that fails tells the house's channels and who asked."""

from __future__ import annotations

import uuid

from tests.factories import make_domain, make_user
from tests.notifications.helpers import count
from vividshift.assignments.jobs import queries as job_queries
from vividshift.assignments.jobs import service as jobs
from vividshift.db import Connection
from vividshift.notifications import queries


async def test_a_failed_job_notifies_the_channels_and_the_requester(db: Connection) -> None:
    domain = await make_domain(db)
    asker, bystander = await make_user(db), await make_user(db)
    await queries.insert_channel(
        db, {"domain_id": domain["id"], "kind": "apprise", "name": "c", "url": "discord://1/t"}
    )
    job = await job_queries.insert_job(
        db,
        source="api",
        mode="in_process",
        request={"generate": {"domain": domain["name"], "participants": [str(uuid.uuid4())]}},
        actor_id=asker["id"],
        requested_by=asker["id"],
        domain_id=domain["id"],
    )
    assert job is not None
    assert await jobs.run_job(db, job.id) == "failed"
    cur = await db.execute(
        """SELECT e.payload, d.kind, d.user_id FROM notification_events e
             JOIN notification_deliveries d ON d.event_id = e.id
            WHERE e.event_type = 'generation.failed.v1' ORDER BY d.kind"""
    )
    rows = await cur.fetchall()
    assert [(r["kind"], r["user_id"]) for r in rows] == [("apprise", None), ("email", asker["id"])]
    assert rows[0]["payload"]["job"]["id"] == str(job.id)
    assert rows[0]["payload"]["error"]["code"] == "VALIDATION_ERROR"
    assert await count(db, "notification_deliveries", "user_id = %s", (bystander["id"],)) == 0
