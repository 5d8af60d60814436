"""SQL of schedules: scheduled domains and their cursors."""

from datetime import datetime
from uuid import UUID

from vividshift.db import Connection, fetch_all, fetch_one
from vividshift.schedules.rows import Cursor, ScheduledDomain

CURSOR_COLUMNS = "domain_id, cron, timezone, next_due_at, armed_at, last_claimed_at"


async def scheduled_domains(conn: Connection) -> list[ScheduledDomain]:
    return await fetch_all(
        conn,
        ScheduledDomain,
        """SELECT id, name, display_name, created_by, configuration->'schedule' AS schedule
             FROM domains
            WHERE is_active AND jsonb_typeof(configuration->'schedule') = 'object'
            ORDER BY name""",
    )


async def drop_cursors_except(conn: Connection, keep: list[UUID]) -> int:
    """Cursors of domains whose schedule is gone, off, or whose domain is inactive."""
    cur = await conn.execute(
        "DELETE FROM schedule_cursors WHERE NOT (domain_id = ANY(%s::uuid[]))", (keep,)
    )
    return cur.rowcount


async def arm(
    conn: Connection, domain_id: UUID, cron: str, timezone: str, next_due_at: datetime
) -> None:
    await conn.execute(
        """INSERT INTO schedule_cursors (domain_id, cron, timezone, next_due_at)
           VALUES (%s, %s, %s, %s) ON CONFLICT (domain_id) DO NOTHING""",
        (domain_id, cron, timezone, next_due_at),
    )


async def lock_cursor(conn: Connection, domain_id: UUID) -> Cursor | None:
    """The cursor, locked; None while another tick holds it (SKIP LOCKED)."""
    return await fetch_one(
        conn,
        Cursor,
        f"SELECT {CURSOR_COLUMNS} FROM schedule_cursors"
        " WHERE domain_id = %s FOR UPDATE SKIP LOCKED",
        (domain_id,),
    )


async def get_cursor(conn: Connection, domain_id: UUID) -> Cursor | None:
    sql = f"SELECT {CURSOR_COLUMNS} FROM schedule_cursors WHERE domain_id = %s"
    return await fetch_one(conn, Cursor, sql, (domain_id,))


async def rearm(
    conn: Connection, domain_id: UUID, cron: str, timezone: str, next_due_at: datetime
) -> None:
    await conn.execute(
        """UPDATE schedule_cursors SET cron = %s, timezone = %s, next_due_at = %s,
                  armed_at = now() WHERE domain_id = %s""",
        (cron, timezone, next_due_at, domain_id),
    )


async def advance(conn: Connection, domain_id: UUID, next_due_at: datetime) -> None:
    await conn.execute(
        """UPDATE schedule_cursors SET next_due_at = %s, last_claimed_at = now()
            WHERE domain_id = %s""",
        (next_due_at, domain_id),
    )


async def active_user(conn: Connection, user_id: UUID | None) -> UUID | None:
    if user_id is None:
        return None
    cur = await conn.execute("SELECT id FROM users WHERE id = %s AND is_active", (user_id,))
    row = await cur.fetchone()
    return row["id"] if row else None
