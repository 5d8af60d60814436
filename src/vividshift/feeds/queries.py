"""SQL of calendar feeds: their tokens (hashed) and the places a feed lists."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from vividshift.db import Connection, fetch_all, fetch_one, qualified
from vividshift.feeds.rows import FEED_COLUMNS, FeedOwner, FeedPlace, FeedRow


async def revoke_live(
    conn: Connection, *, user_id: UUID | None = None, domain_id: UUID | None = None
) -> int:
    cur = await conn.execute(
        """
        UPDATE calendar_feeds SET revoked_at = now()
         WHERE revoked_at IS NULL
           AND ((%(user)s::uuid IS NOT NULL AND user_id = %(user)s)
             OR (%(domain)s::uuid IS NOT NULL AND domain_id = %(domain)s))
        """,
        {"user": user_id, "domain": domain_id},
    )
    return cur.rowcount


async def insert_feed(
    conn: Connection,
    token_hash: str,
    created_by: UUID,
    *,
    user_id: UUID | None = None,
    domain_id: UUID | None = None,
) -> FeedRow:
    row = await fetch_one(
        conn,
        FeedRow,
        f"""
        INSERT INTO calendar_feeds (user_id, domain_id, token_hash, created_by)
        VALUES (%s, %s, %s, %s) RETURNING {FEED_COLUMNS}
        """,
        (user_id, domain_id, token_hash, created_by),
    )
    assert row is not None
    return row


async def get_live(
    conn: Connection, *, user_id: UUID | None = None, domain_id: UUID | None = None
) -> FeedRow | None:
    return await fetch_one(
        conn,
        FeedRow,
        f"""
        SELECT {FEED_COLUMNS} FROM calendar_feeds
         WHERE revoked_at IS NULL
           AND ((%(user)s::uuid IS NOT NULL AND user_id = %(user)s)
             OR (%(domain)s::uuid IS NOT NULL AND domain_id = %(domain)s))
        """,
        {"user": user_id, "domain": domain_id},
    )


async def find_by_hash(conn: Connection, token_hash: str) -> FeedOwner | None:
    """The live feed of a token, with its owner's account or domain."""
    columns = qualified(FEED_COLUMNS, "f")
    return await fetch_one(
        conn,
        FeedOwner,
        f"""
        SELECT {columns}, u.role AS user_role, u.username, u.is_active AS user_active,
               d.name AS domain_name, d.display_name AS domain_display_name
          FROM calendar_feeds AS f
          LEFT JOIN users AS u ON u.id = f.user_id
          LEFT JOIN domains AS d ON d.id = f.domain_id
         WHERE f.token_hash = %s AND f.revoked_at IS NULL
        """,
        (token_hash,),
    )


async def touch(conn: Connection, feed_id: UUID) -> None:
    """Note the read (at most once a minute, so polling calendars do not write much)."""
    await conn.execute(
        """
        UPDATE calendar_feeds SET last_used_at = now()
         WHERE id = %s
           AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')
        """,
        (feed_id,),
    )


_PLACES = """
SELECT d.id AS detail_id, d.position, d.participant_id, d.target_id, d.assignment_id,
       a.name AS assignment_name, a.assignment_date, a.status, a.configuration, a.updated_at,
       a.domain_id, dm.name AS domain_name, dm.display_name AS domain_display_name,
       dm.configuration->>'timezone' AS timezone,
       t.name AS target_name, t.constraints->'time_window' AS target_window,
       p.name AS participant_name,
       (SELECT coalesce(jsonb_agg(jsonb_build_object(
                   'participant_id', o.participant_id, 'name', op.name)
                   ORDER BY o.position, op.name), '[]')
          FROM assignment_details AS o JOIN participants AS op ON op.id = o.participant_id
         WHERE o.assignment_id = d.assignment_id AND o.target_id = d.target_id
           AND o.id <> d.id) AS others
  FROM assignment_details AS d
  JOIN assignments AS a ON a.id = d.assignment_id
  JOIN domains AS dm ON dm.id = a.domain_id
  JOIN assignment_targets AS t ON t.id = d.target_id
  JOIN participants AS p ON p.id = d.participant_id
"""


async def person_places(
    conn: Connection, user_id: UUID, domain_ids: list[UUID] | None, since: date
) -> list[FeedPlace]:
    """Places held by the participants linked to the account, in `domain_ids` (None:
    any), of runs not cancelled and dated `since` or later."""
    return await fetch_all(
        conn,
        FeedPlace,
        _PLACES
        + """
         WHERE p.user_id = %(user)s AND a.status <> 'cancelled' AND a.assignment_date >= %(since)s
           AND (%(domains)s::uuid[] IS NULL OR a.domain_id = ANY(%(domains)s::uuid[]))
         ORDER BY a.assignment_date, t.name, d.position, d.id
        """,
        {"user": user_id, "since": since, "domains": domain_ids},
    )


async def domain_places(conn: Connection, domain_id: UUID, since: date) -> list[FeedPlace]:
    """Every place of the domain's runs not cancelled, dated `since` or later."""
    return await fetch_all(
        conn,
        FeedPlace,
        _PLACES
        + """
         WHERE a.domain_id = %(domain)s AND a.status <> 'cancelled'
           AND a.assignment_date >= %(since)s
         ORDER BY a.assignment_date, t.name, d.position, d.id
        """,
        {"domain": domain_id, "since": since},
    )
