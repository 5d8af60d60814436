"""SQL of notifications: channels, events, the delivery outbox, attempts, preferences."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import orjson
from psycopg.rows import tuple_row
from psycopg.types.json import Jsonb

from vividshift.db import Connection, fetch_all, fetch_one, qualified
from vividshift.notifications.rows import (
    CHANNEL_COLUMNS,
    PREFERENCE_COLUMNS,
    ChannelRow,
    ClaimedDelivery,
    DeliveryRow,
    DomainChannel,
    DomainSummary,
    FailedChannel,
    PersonalChannel,
    PlaceSummary,
    PreferencesRow,
    Recipient,
    RunSummary,
)

QUEUE = "notifications"
TASK = "deliver_notification"
WAKE_CHANNEL = "vividshift_notifications"
# Event types a person gets by email unless they chose otherwise.
DEFAULT_EMAIL_EVENTS = (
    "rotation.published.v1",
    "place.changed.v1",
    "generation.failed.v1",
    "turn.reminder.v1",
    "cover.requested.v1",
    "channel.disabled.v1",
)
# Sent to a domain channel only when it lists them (one message per person is noise).
OPT_IN_DOMAIN_EVENTS = ("turn.reminder.v1", "cover.requested.v1")


# --- events and fan-out ------------------------------------------------------------------


async def insert_event(
    conn: Connection,
    domain_id: UUID,
    event_type: str,
    payload: dict[str, Any],
    dedupe_key: str | None = None,
) -> UUID | None:
    """The new event's id; None when an event of this type and `dedupe_key` exists already."""
    cur = await conn.execute(
        """
        INSERT INTO notification_events (domain_id, event_type, payload, dedupe_key)
        VALUES (%s, %s, %s, %s)
        ON CONFLICT (event_type, dedupe_key) WHERE dedupe_key IS NOT NULL DO NOTHING
        RETURNING id
        """,
        (domain_id, event_type, Jsonb(payload, dumps=_payload_json), dedupe_key),
    )
    row = await cur.fetchone()
    return None if row is None else row["id"]


def _payload_json(payload: Any) -> bytes:
    """A payload's JSON by orjson, which also writes a part already encoded
    (`orjson.Fragment`: a run's roster comes from PostgreSQL as JSON text)."""
    return orjson.dumps(payload, option=orjson.OPT_NON_STR_KEYS)


async def domain_channels_for(
    conn: Connection, domain_id: UUID, event_type: str
) -> list[DomainChannel]:
    """The domain's active channels that take `event_type`."""
    opt_in = event_type in OPT_IN_DOMAIN_EVENTS
    return await fetch_all(
        conn,
        DomainChannel,
        """
        SELECT id, kind FROM notification_channels
         WHERE domain_id = %s AND is_active
           AND (%s = ANY(events) OR (cardinality(events) = 0 AND NOT %s))
         ORDER BY created_at, id
        """,
        (domain_id, event_type, opt_in),
    )


async def personal_channels_for(
    conn: Connection, user_ids: list[UUID], event_type: str
) -> list[PersonalChannel]:
    """The people's own active channels that take `event_type`."""
    return await fetch_all(
        conn,
        PersonalChannel,
        """
        SELECT id, kind, user_id FROM notification_channels
         WHERE user_id = ANY(%s) AND is_active
           AND (cardinality(events) = 0 OR %s = ANY(events))
         ORDER BY user_id, created_at, id
        """,
        (user_ids, event_type),
    )


async def email_recipients(conn: Connection, user_ids: list[UUID], event_type: str) -> list[UUID]:
    """The active accounts among `user_ids` that take `event_type` by email."""
    cur = await conn.execute(
        """
        SELECT u.id FROM users AS u
          LEFT JOIN notification_preferences AS np ON np.user_id = u.id
         WHERE u.id = ANY(%s) AND u.is_active AND u.email IS NOT NULL
           AND %s = ANY(coalesce(np.email_events, %s))
         ORDER BY u.id
        """,
        (user_ids, event_type, list(DEFAULT_EMAIL_EVENTS)),
    )
    return [r["id"] for r in await cur.fetchall()]


async def users_of_participants(conn: Connection, participant_ids: list[UUID]) -> dict[UUID, UUID]:
    """Participant id → the account linked to it (only those linked)."""
    cur = await conn.execute(
        "SELECT id, user_id FROM participants WHERE id = ANY(%s) AND user_id IS NOT NULL",
        (participant_ids,),
    )
    return {r["id"]: r["user_id"] for r in await cur.fetchall()}


async def insert_deliveries(
    conn: Connection,
    event_id: UUID,
    domain_id: UUID,
    rows: list[tuple[UUID | None, UUID | None, str]],
) -> list[UUID]:
    """One outbox row per (channel_id, user_id, kind); their ids."""
    if not rows:
        return []
    cur = await conn.execute(
        """
        INSERT INTO notification_deliveries (event_id, domain_id, channel_id, user_id, kind)
        SELECT %s, %s, r.channel_id, r.user_id, r.kind
          FROM unnest(%s::uuid[], %s::uuid[], %s::text[]) AS r(channel_id, user_id, kind)
        RETURNING id
        """,
        (
            event_id,
            domain_id,
            [r[0] for r in rows],
            [r[1] for r in rows],
            [r[2] for r in rows],
        ),
    )
    return [r["id"] for r in await cur.fetchall()]


async def wake_senders(conn: Connection) -> None:
    """Tell a listening API process there is work; delivered on commit only."""
    await conn.execute("SELECT pg_notify(%s, '')", (WAKE_CHANNEL,))


async def live_worker_exists(conn: Connection, stale_seconds: float) -> bool:
    cur = await conn.execute(
        """SELECT EXISTS (SELECT 1 FROM procrastinate_workers
                          WHERE last_heartbeat > now() - make_interval(secs => %s)) AS live""",
        (stale_seconds,),
    )
    row = await cur.fetchone()
    return bool(row and row["live"])


async def defer_deliveries(
    conn: Connection, delivery_ids: list[UUID], at: datetime | None = None
) -> None:
    """Queue one procrastinate job per delivery, in the caller's transaction."""
    if not delivery_ids:
        return
    await conn.execute(
        """
        SELECT procrastinate_defer_jobs_v1(array_agg(ROW(%s, %s, 0, NULL, NULL,
                   jsonb_build_object('delivery_id', d::text), %s)
                   ::procrastinate_job_to_defer_v1))
          FROM unnest(%s::uuid[]) AS d
        """,
        (QUEUE, TASK, at, delivery_ids),
    )


# --- sending -------------------------------------------------------------------------------
# clock_timestamp(), not now(): a sender's leases and back-offs are measured in real time,
# also inside a long transaction (now() is the transaction's start).

_CLAIMED = """
SELECT d.id, d.attempts, d.kind, d.user_id, d.channel_id, d.domain_id,
       e.id AS event_id, e.event_type, e.payload, e.created_at AS event_created_at,
       c.url, c.secret, c.name AS channel_name, c.user_id AS channel_user_id,
       c.created_by AS channel_created_by, c.is_active AS channel_active,
       dm.name AS domain_name, dm.display_name AS domain_display_name,
       dm.configuration->>'timezone' AS domain_timezone
  FROM claimed AS d
  JOIN notification_events AS e ON e.id = d.event_id
  JOIN domains AS dm ON dm.id = d.domain_id
  LEFT JOIN notification_channels AS c ON c.id = d.channel_id
"""


async def claim_due(
    conn: Connection,
    limit: int,
    lease_seconds: float,
    delivery_ids: list[UUID] | None = None,
) -> list[ClaimedDelivery]:
    """Take up to `limit` due deliveries (pending, due, not leased to a live sender) for
    `lease_seconds`: one more attempt each. Rows others hold are skipped, not waited for."""
    return await fetch_all(
        conn,
        ClaimedDelivery,
        f"""
        WITH due AS (
            SELECT id FROM notification_deliveries
             WHERE status = 'pending' AND next_attempt_at <= clock_timestamp()
               AND (lease_until IS NULL OR lease_until < clock_timestamp())
               AND (%(ids)s::uuid[] IS NULL OR id = ANY(%(ids)s::uuid[]))
             ORDER BY next_attempt_at, id
             LIMIT %(limit)s
               FOR UPDATE SKIP LOCKED
        ), claimed AS (
            UPDATE notification_deliveries AS d
               SET attempts = d.attempts + 1,
                   lease_until = clock_timestamp() + make_interval(secs => %(lease)s)
              FROM due WHERE d.id = due.id
            RETURNING d.*
        )
        {_CLAIMED}
        ORDER BY d.id
        """,
        {"ids": delivery_ids, "limit": limit, "lease": lease_seconds},
    )


async def recipient(conn: Connection, user_id: UUID) -> Recipient | None:
    """The account a delivery is for, with the participants linked to it."""
    return await fetch_one(
        conn,
        Recipient,
        """
        SELECT u.id, u.username, u.email, u.is_active,
               coalesce(np.timezone, up.timezone) AS timezone,
               ARRAY(SELECT p.id FROM participants AS p WHERE p.user_id = u.id) AS participant_ids
          FROM users AS u
          LEFT JOIN notification_preferences AS np ON np.user_id = u.id
          LEFT JOIN user_profiles AS up ON up.user_id = u.id
         WHERE u.id = %s
        """,
        (user_id,),
    )


async def insert_attempt(
    conn: Connection,
    delivery_id: UUID,
    attempt: int,
    outcome: str,
    response_code: int | None,
    duration_ms: int,
    error: str | None,
    started_at: datetime,
) -> None:
    await conn.execute(
        """
        INSERT INTO notification_attempts
            (delivery_id, attempt, outcome, response_code, duration_ms, error, started_at)
        VALUES (%s, %s, %s, %s, %s, %s, %s)
        ON CONFLICT (delivery_id, attempt) DO NOTHING
        """,
        (delivery_id, attempt, outcome, response_code, duration_ms, error, started_at),
    )


async def mark_delivered(conn: Connection, delivery_id: UUID) -> None:
    await conn.execute(
        """
        UPDATE notification_deliveries
           SET status = 'delivered', delivered_at = clock_timestamp(), lease_until = NULL,
               last_error = NULL
         WHERE id = %s
        """,
        (delivery_id,),
    )


async def mark_retry(
    conn: Connection, delivery_id: UUID, wait_seconds: float, error: str
) -> datetime:
    """Pending again after `wait_seconds`; the time it is due."""
    cur = await conn.execute(
        """
        UPDATE notification_deliveries
           SET next_attempt_at = clock_timestamp() + make_interval(secs => %s), lease_until = NULL,
               last_error = %s
         WHERE id = %s
        RETURNING next_attempt_at
        """,
        (wait_seconds, error, delivery_id),
    )
    row = await cur.fetchone()
    assert row is not None
    return row["next_attempt_at"]


async def mark_ended(conn: Connection, delivery_id: UUID, status: str, error: str) -> None:
    await conn.execute(
        """
        UPDATE notification_deliveries
           SET status = %s, lease_until = NULL, last_error = %s
         WHERE id = %s
        """,
        (status, error, delivery_id),
    )


async def channel_succeeded(conn: Connection, channel_id: UUID) -> None:
    await conn.execute(
        "UPDATE notification_channels SET failing_since = NULL "
        "WHERE id = %s AND failing_since IS NOT NULL",
        (channel_id,),
    )


async def channel_failed(
    conn: Connection, channel_id: UUID, disable_after_hours: float, reason: str
) -> FailedChannel | None:
    """Note the failure: the channel's row after it, with `just_disabled` true when this
    failure disabled it (failing for `disable_after_hours` by then)."""
    columns = qualified(CHANNEL_COLUMNS, "c")
    return await fetch_one(
        conn,
        FailedChannel,
        f"""
        WITH old AS (
            SELECT id, is_active AS was_active,
                   failing_since < clock_timestamp() - make_interval(secs => %(h)s * 3600)
                       AS too_long
              FROM notification_channels WHERE id = %(id)s FOR UPDATE
        )
        UPDATE notification_channels AS c
           SET failing_since = coalesce(c.failing_since, clock_timestamp()),
               is_active = c.is_active AND NOT coalesce(old.too_long, false),
               disabled_at = CASE WHEN c.is_active AND old.too_long
                                  THEN clock_timestamp() ELSE c.disabled_at END,
               disabled_reason = CASE WHEN c.is_active AND old.too_long
                                      THEN %(reason)s ELSE c.disabled_reason END
          FROM old WHERE c.id = old.id
        RETURNING {columns}, old.was_active AND coalesce(old.too_long, false) AS just_disabled
        """,
        {"id": channel_id, "h": disable_after_hours, "reason": reason},
    )


async def cancel_pending_of_channel(conn: Connection, channel_id: UUID, reason: str) -> int:
    cur = await conn.execute(
        """
        UPDATE notification_deliveries SET status = 'cancelled', last_error = %s,
               lease_until = NULL
         WHERE channel_id = %s AND status = 'pending'
        """,
        (reason, channel_id),
    )
    return cur.rowcount


# --- reading -------------------------------------------------------------------------------


async def list_deliveries(
    conn: Connection,
    domain_id: UUID,
    *,
    user_id: UUID | None,
    status: str | None,
    limit: int,
    offset: int,
) -> tuple[list[DeliveryRow], int]:
    """The domain's deliveries, newest first, with their attempts; only those for
    `user_id` when given."""
    where = "d.domain_id = %(domain)s"
    if user_id is not None:
        where += " AND (d.user_id = %(user)s)"
    if status is not None:
        where += " AND d.status = %(status)s"
    params = {
        "domain": domain_id,
        "user": user_id,
        "status": status,
        "limit": limit,
        "offset": offset,
    }
    rows = await fetch_all(
        conn,
        DeliveryRow,
        f"""
        SELECT d.id, d.event_id, e.event_type, d.channel_id, c.name AS channel_name, d.user_id,
               d.kind, d.status, d.attempts, d.next_attempt_at, d.last_error, d.delivered_at,
               d.created_at, count(*) OVER () AS total,
               (SELECT coalesce(jsonb_agg(jsonb_build_object(
                           'attempt', a.attempt, 'outcome', a.outcome,
                           'response_code', a.response_code, 'duration_ms', a.duration_ms,
                           'error', a.error, 'started_at', a.started_at) ORDER BY a.attempt), '[]')
                  FROM notification_attempts AS a WHERE a.delivery_id = d.id) AS attempt_log
          FROM notification_deliveries AS d
          JOIN notification_events AS e ON e.id = d.event_id
          LEFT JOIN notification_channels AS c ON c.id = d.channel_id
         WHERE {where}
         ORDER BY d.created_at DESC, d.id
         LIMIT %(limit)s OFFSET %(offset)s
        """,
        params,
    )
    return rows, (rows[0].total if rows else 0)


# --- channels ------------------------------------------------------------------------------


async def insert_channel(conn: Connection, values: dict[str, Any]) -> ChannelRow:
    columns = list(values)
    row = await fetch_one(
        conn,
        ChannelRow,
        f"INSERT INTO notification_channels ({', '.join(columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))}) RETURNING {CHANNEL_COLUMNS}",
        [values[c] for c in columns],
    )
    assert row is not None
    return row


async def list_channels(
    conn: Connection, *, domain_id: UUID | None = None, user_id: UUID | None = None
) -> list[ChannelRow]:
    return await fetch_all(
        conn,
        ChannelRow,
        f"""
        SELECT {CHANNEL_COLUMNS} FROM notification_channels
         WHERE (%(domain)s::uuid IS NULL OR domain_id = %(domain)s)
           AND (%(user)s::uuid IS NULL OR user_id = %(user)s)
         ORDER BY created_at, id
        """,
        {"domain": domain_id, "user": user_id},
    )


async def get_channel(conn: Connection, channel_id: UUID) -> ChannelRow | None:
    sql = f"SELECT {CHANNEL_COLUMNS} FROM notification_channels WHERE id = %s"
    return await fetch_one(conn, ChannelRow, sql, (channel_id,))


async def update_channel(
    conn: Connection, channel_id: UUID, changes: dict[str, Any]
) -> ChannelRow | None:
    allowed = {
        "name",
        "url",
        "events",
        "is_active",
        "failing_since",
        "disabled_at",
        "disabled_reason",
    }
    assert set(changes) <= allowed
    sets = ", ".join(f"{k} = %({k})s" for k in changes)
    return await fetch_one(
        conn,
        ChannelRow,
        f"UPDATE notification_channels SET {sets} WHERE id = %(id)s RETURNING {CHANNEL_COLUMNS}",
        changes | {"id": channel_id},
    )


async def delete_channel(conn: Connection, channel_id: UUID) -> bool:
    cur = await conn.execute("DELETE FROM notification_channels WHERE id = %s", (channel_id,))
    return cur.rowcount > 0


# --- preferences ---------------------------------------------------------------------------


async def get_preferences(conn: Connection, user_id: UUID) -> PreferencesRow | None:
    sql = f"SELECT {PREFERENCE_COLUMNS} FROM notification_preferences WHERE user_id = %s"
    return await fetch_one(conn, PreferencesRow, sql, (user_id,))


async def upsert_preferences(
    conn: Connection, user_id: UUID, values: dict[str, Any]
) -> PreferencesRow:
    columns = list(values)
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in columns) or "user_id = EXCLUDED.user_id"
    row = await fetch_one(
        conn,
        PreferencesRow,
        f"""
        INSERT INTO notification_preferences (user_id{"".join(", " + c for c in columns)})
        VALUES (%s{", %s" * len(columns)})
        ON CONFLICT (user_id) DO UPDATE SET {updates}
        RETURNING {PREFERENCE_COLUMNS}
        """,
        [user_id, *(values[c] for c in columns)],
    )
    assert row is not None
    return row


# --- what events are about -----------------------------------------------------------------


async def run_summary(conn: Connection, run_id: UUID) -> RunSummary | None:
    """A run with its domain: what every event about it names."""
    return await fetch_one(
        conn,
        RunSummary,
        """
        SELECT a.id, a.name, a.assignment_date, a.status, a.domain_id,
               d.name AS domain_name, d.display_name AS domain_display_name
          FROM assignments AS a JOIN domains AS d ON d.id = a.domain_id
         WHERE a.id = %s
        """,
        (run_id,),
    )


async def run_places(
    conn: Connection, run_id: UUID, detail_ids: list[UUID] | None = None
) -> list[PlaceSummary]:
    """The run's places (all, or those of `detail_ids`) with task and person names, in
    task and position order."""
    return await fetch_all(
        conn,
        PlaceSummary,
        """
        SELECT d.id AS detail_id, d.target_id, t.name AS target_name, d.position,
               d.participant_id, p.name AS participant_name
          FROM assignment_details AS d
          JOIN assignment_targets AS t ON t.id = d.target_id
          JOIN participants AS p ON p.id = d.participant_id
         WHERE d.assignment_id = %(run)s
           AND (%(ids)s::uuid[] IS NULL OR d.id = ANY(%(ids)s::uuid[]))
         ORDER BY t.name, d.position, p.name, d.id
        """,
        {"run": run_id, "ids": detail_ids},
    )


async def run_roster(conn: Connection, run_id: UUID) -> tuple[orjson.Fragment, list[UUID]]:
    """Every place of the run as `run_places` would name them, in its order, as one JSON
    array built here, and the accounts linked to its people: a run of 8 000 places is not
    turned into rows and objects to be encoded again. (`json`, not `jsonb`: the array is
    only text on its way into the event's `jsonb`, and building it took twice as long.)"""
    async with conn.cursor(row_factory=tuple_row) as cur:
        await cur.execute(
            """
            SELECT coalesce(json_agg(json_build_object(
                       'detail_id', d.id, 'target_id', d.target_id, 'target_name', t.name,
                       'position', d.position, 'participant_id', d.participant_id,
                       'participant_name', p.name)
                     ORDER BY t.name, d.position, p.name, d.id), '[]')::text,
                   coalesce(array_agg(DISTINCT p.user_id) FILTER (WHERE p.user_id IS NOT NULL),
                            '{}')
              FROM assignment_details AS d
              JOIN assignment_targets AS t ON t.id = d.target_id
              JOIN participants AS p ON p.id = d.participant_id
             WHERE d.assignment_id = %s
            """,
            (run_id,),
        )
        row = await cur.fetchone()
    assert row is not None
    return orjson.Fragment(row[0]), list(row[1])


async def participant_names(conn: Connection, ids: list[UUID]) -> dict[UUID, str]:
    cur = await conn.execute("SELECT id, name FROM participants WHERE id = ANY(%s)", (ids,))
    return {r["id"]: r["name"] for r in await cur.fetchall()}


async def domain_summary(conn: Connection, domain_id: UUID) -> DomainSummary | None:
    sql = "SELECT id, name, display_name FROM domains WHERE id = %s"
    return await fetch_one(conn, DomainSummary, sql, (domain_id,))


# --- retention -----------------------------------------------------------------------------


async def delete_finished_deliveries(conn: Connection, *, older_than_days: int, limit: int) -> int:
    """Delete up to `limit` deliveries that ended (delivered, failed, cancelled) more than
    the age ago, with their attempts (cascade); how many. Pending ones are kept whatever
    their age: they are still owed."""
    cur = await conn.execute(
        """DELETE FROM notification_deliveries
           WHERE id IN (SELECT id FROM notification_deliveries
                        WHERE status <> 'pending'
                          AND updated_at < now() - make_interval(days => %s)
                        LIMIT %s)""",
        (older_than_days, limit),
    )
    return cur.rowcount


async def delete_delivered_events(conn: Connection, *, older_than_days: int, limit: int) -> int:
    """Delete up to `limit` events older than the age that no delivery refers to any more;
    how many."""
    cur = await conn.execute(
        """DELETE FROM notification_events
           WHERE id IN (SELECT e.id FROM notification_events e
                        WHERE e.created_at < now() - make_interval(days => %s)
                          AND NOT EXISTS (SELECT 1 FROM notification_deliveries d
                                          WHERE d.event_id = e.id)
                        LIMIT %s)""",
        (older_than_days, limit),
    )
    return cur.rowcount
