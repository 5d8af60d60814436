"""Sending the outbox: claim due deliveries, send them, record every attempt.

Decisions:
- **Claim with a lease.** A sender takes due rows with `FOR UPDATE SKIP LOCKED`, counts
  the attempt and leases them for `VIVIDSHIFT_NOTIFICATION_LEASE_SECONDS`, then commits
  and sends with no transaction open. A sender killed mid-send leaves the lease to run
  out; the next sender takes the row again, with the same delivery id. So a delivery
  can reach a receiver twice (killed after the receiver got it, or a lost
  acknowledgement) but is never lost: **at least once**. Exactly-once is impossible over
  HTTP; receivers drop duplicates by `webhook-id` (email: `X-VividShift-Delivery`).
- **Retries** with exponential back-off: after attempt n fails, the next is due
  `VIVIDSHIFT_NOTIFICATION_BACKOFF_SECONDS` × 2^(n−1) later (default 60 s: 1, 2, 4, 8,
  16, 32 min — 7 attempts over about 63 minutes); after
  `VIVIDSHIFT_NOTIFICATION_MAX_ATTEMPTS` it is `failed`. A refused URL (safety) or a
  permanent refusal (SMTP 5xx, email not configured) fails at once.
- **Every attempt** is a `notification_attempts` row: outcome, response code, duration,
  error. Interrupted attempts (killed sender) leave no row; the count shows them.
- **A failing channel** remembers since when (`failing_since`, cleared by a success);
  failing for `VIVIDSHIFT_NOTIFICATION_DISABLE_AFTER_HOURS` (24) it is disabled, its
  pending deliveries cancelled and its owner told (`channel.disabled.v1`, by email).
"""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import UTC, datetime
from uuid import UUID

from vividshift.auth.tokens import resolve_signing_key
from vividshift.config import Settings
from vividshift.db import Connection, transaction
from vividshift.notifications import events, queries, unsubscribe
from vividshift.notifications.messages import render, webhook_body
from vividshift.notifications.rows import ClaimedDelivery, Recipient
from vividshift.notifications.senders import Outcome, apprise_url, webhook
from vividshift.notifications.senders import email as email_sender

log = logging.getLogger("vividshift.notifications")

DEFAULT_BATCH = 100
CONCURRENCY = 16


def backoff_seconds(settings: Settings, attempt: int) -> float:
    """Wait after failed attempt number `attempt` (1-based)."""
    return settings.notification_backoff_seconds * 2 ** (attempt - 1)


async def _send(
    conn: Connection, settings: Settings, row: ClaimedDelivery, db_lock: asyncio.Lock
) -> Outcome:
    mine: set[str] | None = None
    person: Recipient | None = None
    if row.user_id is not None:
        async with db_lock:
            person = await queries.recipient(conn, row.user_id)
        if person is None or not person.is_active:
            return Outcome(False, error="the person's account is gone or inactive", permanent=True)
        mine = {str(p) for p in person.participant_ids}
    payload, event_type = row.payload, row.event_type
    if row.kind == "webhook":
        assert row.url is not None and row.secret is not None  # the channel's (a CHECK)
        stamp = row.event_created_at.astimezone(UTC).isoformat().replace("+00:00", "Z")
        body = webhook_body(event_type, payload, str(row.event_id), stamp)
        return await webhook.send(
            row.url,
            row.secret,
            str(row.id),
            body,
            time_limit=settings.notification_timeout_seconds,
            allow_private=settings.allow_private_webhooks,
        )
    message = render(event_type, payload, mine)
    if row.kind == "apprise":
        assert row.url is not None  # the channel's
        return await apprise_url.send(
            row.url,
            message.title,
            message.text,
            time_limit=settings.notification_timeout_seconds,
            allow_private=settings.allow_private_webhooks,
        )
    assert person is not None
    link = unsubscribe.link(settings.site_url, resolve_signing_key(settings), person.id, event_type)
    mail = email_sender.build(settings, person.email, message, link, str(row.id))
    return await email_sender.send(settings, mail)


async def _attempt(
    conn: Connection, settings: Settings, row: ClaimedDelivery, db_lock: asyncio.Lock
) -> str:
    """One attempt: sent with no database work in flight, recorded under `db_lock` (the
    senders share one connection)."""
    started_at = datetime.now(UTC)
    started = time.perf_counter()
    if row.channel_id is not None and not row.channel_active:
        outcome = Outcome(False, error="the channel is disabled", permanent=True)
    else:
        try:
            outcome = await _send(conn, settings, row, db_lock)
        except Exception as exc:  # noqa: BLE001 - recorded and retried like any failure
            log.exception("delivery %s crashed", row.id)
            outcome = Outcome(False, error=f"internal error: {type(exc).__name__}")
    duration_ms = int((time.perf_counter() - started) * 1000)
    async with db_lock:
        return await _record(conn, settings, row, outcome, started_at, duration_ms)


async def _record(
    conn: Connection,
    settings: Settings,
    row: ClaimedDelivery,
    outcome: Outcome,
    started_at: datetime,
    duration_ms: int,
) -> str:
    """Write the attempt and what follows from it, in one transaction; the new status."""
    attempt = row.attempts
    async with transaction(conn):
        await queries.insert_attempt(
            conn,
            row.id,
            attempt,
            "succeeded" if outcome.ok else "failed",
            outcome.response_code,
            duration_ms,
            outcome.error,
            started_at,
        )
        if outcome.ok:
            await queries.mark_delivered(conn, row.id)
            if row.channel_id is not None:
                await queries.channel_succeeded(conn, row.channel_id)
            return "delivered"
        error = outcome.error or "failed"
        if row.channel_id is not None and row.channel_active:
            hours = settings.notification_disable_after_hours
            channel = await queries.channel_failed(
                conn, row.channel_id, hours, f"failing for over {hours:g} h: {error}"[:500]
            )
            if channel is not None and channel.just_disabled:
                log.warning("channel %s disabled after failing for a day", row.channel_id)
                await queries.cancel_pending_of_channel(
                    conn, row.channel_id, "the channel was disabled"
                )
                await events.channel_disabled(conn, channel, row.domain_id)
            if channel is None or not channel.is_active:
                await queries.mark_ended(conn, row.id, "failed", error)
                return "failed"
        if outcome.permanent or attempt >= settings.notification_max_attempts:
            await queries.mark_ended(conn, row.id, "failed", error)
            log.info("delivery %s failed for good after %d attempts: %s", row.id, attempt, error)
            return "failed"
        due = await queries.mark_retry(conn, row.id, backoff_seconds(settings, attempt), error)
        if await queries.live_worker_exists(conn, settings.worker_stale_seconds):
            await queries.defer_deliveries(conn, [row.id], at=due)
        return "pending"


async def deliver_due(
    conn: Connection,
    settings: Settings,
    *,
    delivery_ids: list[UUID] | None = None,
    limit: int = DEFAULT_BATCH,
) -> dict[str, int]:
    """Claim up to `limit` due deliveries (of `delivery_ids` when given), send them,
    `CONCURRENCY` at a time, and record each attempt; counts by resulting status."""
    rows = await queries.claim_due(conn, limit, settings.notification_lease_seconds, delivery_ids)
    counts: dict[str, int] = {}
    gate, db_lock = asyncio.Semaphore(CONCURRENCY), asyncio.Lock()

    async def one(row: ClaimedDelivery) -> None:
        async with gate:
            status = await _attempt(conn, settings, row, db_lock)
        counts[status] = counts.get(status, 0) + 1

    await asyncio.gather(*(one(r) for r in rows))
    return counts


async def drain(conn: Connection, settings: Settings, *, batch: int = DEFAULT_BATCH) -> int:
    """Deliver everything due now, batch after batch; how many attempts were made."""
    total = 0
    while True:
        counts = await deliver_due(conn, settings, limit=batch)
        made = sum(counts.values())
        total += made
        if made < batch:
            return total
