"""Delivery faults: a receiver down then up, retries with back-off and the attempt log,
a sender killed mid-delivery, 1 000 events with lost acknowledgements, and a channel
failing for a day."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import psycopg
from psycopg.rows import dict_row

from tests.conftest import make_settings
from tests.factories import make_domain, make_member, make_user
from tests.notifications.helpers import count
from tests.notifications.receivers import free_port, http_receiver
from tests.worker.helpers import VIVIDSHIFT, wait_for, worker_env
from vividshift.db import Connection
from vividshift.notifications import events, queries
from vividshift.notifications.delivery import deliver_due, drain
from vividshift.notifications.rows import ChannelRow
from vividshift.notifications.service import new_webhook_secret


def _settings(url: str, **overrides: Any):
    values: dict[str, Any] = {
        "allow_private_webhooks": True,
        "notifications_in_process": False,
        "notification_backoff_seconds": 0.2,
        "notification_timeout_seconds": 2,
    }
    return make_settings(url, **(values | overrides))


async def _webhook(db: Connection, domain_id: Any, url: str, **values: Any) -> ChannelRow:
    return await queries.insert_channel(
        db,
        {
            "domain_id": domain_id,
            "kind": "webhook",
            "name": "hook",
            "url": url,
            "secret": new_webhook_secret(),
        }
        | values,
    )


async def _event(db: Connection, domain_id: Any, n: int = 0) -> Any:
    return await events.emit(db, domain_id, "generation.failed.v1", {"n": n})


async def _delivery(db: Connection) -> dict[str, Any]:
    cur = await db.execute("SELECT * FROM notification_deliveries")
    rows = await cur.fetchall()
    assert len(rows) == 1
    return rows[0]


async def test_a_receiver_down_then_up_gets_the_delivery_once_it_is_back(
    db: Connection, database_url: str, client: httpx.AsyncClient, auth_headers
):
    settings = _settings(database_url)
    domain = await make_domain(db)
    port = free_port()  # nothing listens there yet
    await _webhook(db, domain["id"], f"http://127.0.0.1:{port}/hook")
    await _event(db, domain["id"])

    assert await deliver_due(db, settings) == {"pending": 1}  # refused: retry later
    first = await _delivery(db)
    assert first["attempts"] == 1 and first["status"] == "pending"
    assert "ConnectError" in first["last_error"]
    assert await deliver_due(db, settings) == {}  # not due before its back-off
    await asyncio.sleep(0.25)
    assert await deliver_due(db, settings) == {"pending": 1}  # still down
    second = await _delivery(db)
    cur = await db.execute(
        "SELECT started_at FROM notification_attempts WHERE delivery_id = %s AND attempt = 2",
        (second["id"],),
    )
    attempt = await cur.fetchone()
    assert attempt is not None
    # Exponential: the wait doubled (0.2 s, then 0.4 s).
    waited = (second["next_attempt_at"] - attempt["started_at"]).total_seconds()
    assert 0.4 <= waited < 0.7, waited

    with http_receiver(port) as receiver:
        await asyncio.sleep(0.45)
        assert await deliver_due(db, settings) == {"delivered": 1}
        assert await deliver_due(db, settings) == {}
    assert len(receiver.received) == 1
    assert receiver.received[0].headers["webhook-id"] == str(first["id"])

    manager = await auth_headers("user", member_of={domain["id"]: "manager"})
    r = await client.get(f"/api/domains/{domain['id']}/deliveries", headers=manager)
    assert r.status_code == 200, r.text
    [item] = r.json()["items"]
    assert item["id"] == str(first["id"]) and item["status"] == "delivered"
    assert [a["outcome"] for a in item["attempt_log"]] == ["failed", "failed", "succeeded"]
    assert [a["response_code"] for a in item["attempt_log"]] == [None, None, 204]
    assert all(a["duration_ms"] >= 0 for a in item["attempt_log"])
    assert item["attempt_log"][0]["error"].startswith("ConnectError")


async def test_retries_stop_after_the_last_attempt_and_a_refused_url_at_once(
    db: Connection, database_url: str
):
    settings = _settings(
        database_url, notification_backoff_seconds=0.01, notification_max_attempts=3
    )
    domain = await make_domain(db)
    with http_receiver(behaviour=lambda r: 503) as receiver:
        await _webhook(db, domain["id"], f"{receiver.url}/busy")
        await _event(db, domain["id"])
        for _ in range(6):
            await deliver_due(db, settings)
            await asyncio.sleep(0.05)
    row = await _delivery(db)
    assert (row["status"], row["attempts"], row["last_error"]) == ("failed", 3, "HTTP 503")
    assert len(receiver.received) == 3
    codes = await db.execute(
        "SELECT response_code FROM notification_attempts WHERE delivery_id = %s ORDER BY attempt",
        (row["id"],),
    )
    assert [r["response_code"] for r in await codes.fetchall()] == [503, 503, 503]


async def test_a_sender_killed_mid_delivery_delivers_after_restart_with_the_same_id(
    fresh_db_url: str, tmp_path: Path
):
    """A real `vividshift worker` takes the delivery and is killed (SIGKILL) while the
    receiver holds the request; after the lease runs out the delivery is sent again,
    with the same webhook-id, and ends delivered."""
    holding, release = threading.Event(), threading.Event()

    def hold_first(received: Any) -> int:
        if not holding.is_set():
            holding.set()
            release.wait(30)
        return 204

    with http_receiver(behaviour=hold_first) as receiver:
        env = worker_env(fresh_db_url) | {
            "VIVIDSHIFT_ALLOW_PRIVATE_WEBHOOKS": "true",
            "VIVIDSHIFT_NOTIFICATION_LEASE_SECONDS": "2",
            "VIVIDSHIFT_NOTIFICATION_TIMEOUT_SECONDS": "2",
        }
        with (tmp_path / "worker.log").open("w") as log:
            worker = subprocess.Popen(  # noqa: ASYNC220 - started once, not awaited
                [str(VIVIDSHIFT), "worker", "--name", "doomed", "--queue", "notifications"],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=log,
                start_new_session=True,
            )
        try:
            async with await psycopg.AsyncConnection.connect(
                fresh_db_url, autocommit=True, row_factory=dict_row
            ) as conn:
                await asyncio.to_thread(wait_for, lambda: _live_workers(fresh_db_url) > 0, 60.0)
                domain = await make_domain(conn)
                async with conn.transaction():
                    await _webhook(conn, domain["id"], f"{receiver.url}/hook")
                    await _event(conn, domain["id"])
                # Queued for the worker in the same transaction.
                assert (
                    await count(conn, "procrastinate_jobs", "task_name = 'deliver_notification'")
                    == 1
                )
                assert await asyncio.to_thread(holding.wait, 60)
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait(10)
                release.set()
                first_id = receiver.received[0].headers["webhook-id"]
                row = await _delivery(conn)
                assert (row["status"], row["attempts"]) == ("pending", 1)  # leased, unsent

                settings = _settings(fresh_db_url, notification_lease_seconds=2)
                assert await deliver_due(conn, settings) == {}  # the lease still holds
                await asyncio.sleep(2.1)
                assert await deliver_due(conn, settings) == {"delivered": 1}
                row = await _delivery(conn)
                assert (row["status"], row["attempts"]) == ("delivered", 2)
        finally:
            if worker.poll() is None:
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait(10)
    ids = [r.headers["webhook-id"] for r in receiver.received]
    assert ids == [first_id, first_id] and first_id == str(row["id"])


def _live_workers(url: str) -> int:
    with psycopg.connect(url) as conn:
        found = conn.execute("SELECT count(*) FROM procrastinate_workers").fetchone()
    return int(found[0]) if found else 0


async def test_a_thousand_events_are_all_delivered_and_only_lost_acks_twice(
    db: Connection, database_url: str
):
    settings = _settings(database_url, notification_backoff_seconds=0.05)
    domain = await make_domain(db)
    dropped: set[str] = set()
    lock = threading.Lock()

    def lose_some_acks(received: Any) -> Any:
        # Every 40th delivery's first acknowledgement is lost: received, never answered.
        delivery_id = received.headers["webhook-id"]
        with lock:
            if int(received.json()["data"]["n"]) % 40 == 0 and delivery_id not in dropped:
                dropped.add(delivery_id)
                return "drop"
        return 204

    started = time.monotonic()
    with http_receiver(behaviour=lose_some_acks) as receiver:
        await _webhook(db, domain["id"], f"{receiver.url}/hook")
        for n in range(1000):
            await _event(db, domain["id"], n)
        while await count(db, "notification_deliveries", "status = 'pending'"):
            await drain(db, settings)
            await asyncio.sleep(0.06)
            assert time.monotonic() - started < 120
    assert await count(db, "notification_deliveries", "status = 'delivered'") == 1000
    seen = Counter(r.headers["webhook-id"] for r in receiver.received)
    assert len(seen) == 1000
    assert len(dropped) == 25
    assert {i for i, n in seen.items() if n > 1} == dropped
    assert set(seen.values()) == {1, 2}


async def test_a_channel_failing_for_a_day_is_disabled_and_its_owner_told(
    db: Connection, database_url: str
):
    settings = _settings(database_url)
    domain = await make_domain(db)
    owner = await make_user(db)
    await make_member(db, domain["id"], owner["id"], "manager")
    with http_receiver(behaviour=lambda r: 500) as receiver:
        channel = await _webhook(db, domain["id"], f"{receiver.url}/hook", created_by=owner["id"])
        await _event(db, domain["id"], 1)
        assert await deliver_due(db, settings) == {"pending": 1}
        # A day of failures later (the clock moved on): the next failure disables it.
        await db.execute(
            "UPDATE notification_channels SET failing_since = now() - interval '25 hours'"
        )
        await _event(db, domain["id"], 2)
        await asyncio.sleep(0.25)
        # Both due deliveries fail; the first to be recorded disables the channel.
        assert await deliver_due(db, settings) == {"failed": 2}
    current = await queries.get_channel(db, channel.id)
    assert current is not None and not current.is_active
    assert current.disabled_at is not None and "HTTP 500" in (current.disabled_reason or "")
    statuses = await db.execute(
        "SELECT status, count(*) AS n FROM notification_deliveries WHERE channel_id = %s "
        "GROUP BY status ORDER BY status",
        (channel.id,),
    )
    got = {r["status"]: r["n"] for r in await statuses.fetchall()}
    assert got == {"failed": 2}
    told = await db.execute(
        """SELECT d.kind, d.user_id FROM notification_deliveries d
             JOIN notification_events e ON e.id = d.event_id
            WHERE e.event_type = 'channel.disabled.v1'"""
    )
    assert [(r["kind"], r["user_id"]) for r in await told.fetchall()] == [("email", owner["id"])]
