"""All SQL of accounts, sessions and failed logins. No rules here, no commits."""

from datetime import datetime
from typing import Any
from uuid import UUID

from psycopg import errors

from vividshift.auth.rows import (
    Account,
    FailureStats,
    LiveSession,
    RaceWinner,
    RegistrationCount,
    RotatedSession,
    SessionToken,
    UserRow,
)
from vividshift.db import Connection, fetch_all, fetch_one
from vividshift.errors import Conflict

_USER_COLUMNS = "id, username, email, role, is_active, email_verified, last_login_at"


def _conflict(exc: errors.UniqueViolation) -> Conflict:
    constraint = getattr(exc.diag, "constraint_name", "") or ""
    field = "email" if "email" in constraint else "username"
    return Conflict(f"This {field} is already registered", details={"field": field})


async def insert_user(
    db: Connection, *, username: str, email: str, password_hash: str, role: str
) -> UserRow:
    try:
        row = await fetch_one(
            db,
            UserRow,
            f"""INSERT INTO users (username, email, password_hash, role)
                VALUES (%s, %s, %s, %s) RETURNING {_USER_COLUMNS}, created_at, updated_at""",
            (username, email, password_hash, role),
        )
    except errors.UniqueViolation as exc:
        raise _conflict(exc) from exc
    assert row is not None
    return row


async def find_user_by_login(db: Connection, login: str) -> Account | None:
    """The user whose username or email is `login`, ignoring case."""
    return await fetch_one(
        db,
        Account,
        f"""SELECT {_USER_COLUMNS}, password_hash FROM users
            WHERE lower(username) = lower(%s) OR lower(email) = lower(%s)
            LIMIT 1""",
        (login, login),
    )


async def get_user_for_update(db: Connection, user_id: UUID) -> Account | None:
    sql = f"SELECT {_USER_COLUMNS}, password_hash FROM users WHERE id = %s FOR UPDATE"
    return await fetch_one(db, Account, sql, (user_id,))


async def update_password_hash(db: Connection, user_id: UUID, password_hash: str) -> None:
    await db.execute("UPDATE users SET password_hash = %s WHERE id = %s", (password_hash, user_id))


async def update_last_login(db: Connection, user_id: UUID) -> None:
    await db.execute("UPDATE users SET last_login_at = now() WHERE id = %s", (user_id,))


# --- sessions -------------------------------------------------------------------------


async def insert_session(
    db: Connection,
    *,
    session_id: UUID,
    user_id: UUID,
    token_hash: str,
    expires_at: datetime,
    idle_expires_at: datetime,
    user_agent: str | None,
    ip_address: str | None,
) -> None:
    await db.execute(
        """INSERT INTO user_sessions
               (id, user_id, token_hash, expires_at, idle_expires_at, user_agent, ip_address)
           VALUES (%s, %s, %s, %s, %s, %s, %s)""",
        (session_id, user_id, token_hash, expires_at, idle_expires_at, user_agent, ip_address),
    )


async def get_live_session(
    db: Connection, session_id: UUID, user_id: UUID
) -> dict[str, Any] | None:
    """The session with its user when the session is live and the user active."""
    cur = await db.execute(
        """
        SELECT s.id, s.user_id, u.username, u.role,
               extract(epoch FROM least(s.expires_at, s.idle_expires_at) - now())::float8
                   AS seconds_left
        FROM user_sessions s JOIN users u ON u.id = s.user_id
        WHERE s.id = %s AND s.user_id = %s AND NOT s.is_revoked
          AND s.expires_at > now() AND s.idle_expires_at > now() AND u.is_active
        """,
        (session_id, user_id),
    )
    return await cur.fetchone()


async def rotate_session(
    db: Connection,
    *,
    session_id: UUID,
    user_id: UUID,
    old_hash: str,
    new_hash: str,
    idle_expires_at: datetime,
    rotated_at: datetime,
) -> RotatedSession | None:
    """Swap the refresh-token hash when `old_hash` is still the current one and the
    session is live. Concurrent callers with the same token: exactly one gets the row."""
    return await fetch_one(
        db,
        RotatedSession,
        """
        UPDATE user_sessions s
        SET token_hash = %s, idle_expires_at = LEAST(%s, s.expires_at),
            previous_token_hash = s.token_hash, rotated_at = %s
        FROM users u
        WHERE s.id = %s AND s.user_id = %s AND s.token_hash = %s AND u.id = s.user_id
          AND NOT s.is_revoked AND s.expires_at > now() AND s.idle_expires_at > now()
          AND u.is_active
        RETURNING s.id, s.user_id, s.expires_at, u.username, u.role
        """,
        (new_hash, idle_expires_at, rotated_at, session_id, user_id, old_hash),
    )


async def get_rotated_session(
    db: Connection, session_id: UUID, previous_hash: str, since: datetime
) -> RaceWinner | None:
    """The live session whose token replaced `previous_hash` at or after `since` (a
    racing refresh's winner), with its user."""
    return await fetch_one(
        db,
        RaceWinner,
        """
        SELECT s.id, s.user_id, s.token_hash, s.expires_at, s.rotated_at, u.username, u.role
        FROM user_sessions s JOIN users u ON u.id = s.user_id
        WHERE s.id = %s AND s.previous_token_hash = %s AND s.rotated_at >= %s
          AND NOT s.is_revoked AND s.expires_at > now() AND s.idle_expires_at > now()
          AND u.is_active
        """,
        (session_id, previous_hash, since),
    )


async def get_session(db: Connection, session_id: UUID) -> SessionToken | None:
    sql = "SELECT id, user_id, token_hash, is_revoked FROM user_sessions WHERE id = %s"
    return await fetch_one(db, SessionToken, sql, (session_id,))


async def revoke_session(
    db: Connection, session_id: UUID, reason: str, *, user_id: UUID | None = None
) -> bool:
    """Revoke one live session (of `user_id` when given); False when there was none."""
    cur = await db.execute(
        """UPDATE user_sessions
           SET is_revoked = true, revoked_at = now(), revoke_reason = %s
           WHERE id = %s AND NOT is_revoked AND (%s::uuid IS NULL OR user_id = %s)
             AND expires_at > now() AND idle_expires_at > now()""",
        (reason, session_id, user_id, user_id),
    )
    return cur.rowcount > 0


async def revoke_user_sessions(
    db: Connection, user_id: UUID, reason: str, *, keep: UUID | None = None
) -> int:
    """Revoke every unrevoked session of a user, except `keep`."""
    cur = await db.execute(
        """UPDATE user_sessions
           SET is_revoked = true, revoked_at = now(), revoke_reason = %s
           WHERE user_id = %s AND NOT is_revoked AND (%s::uuid IS NULL OR id <> %s)""",
        (reason, user_id, keep, keep),
    )
    return cur.rowcount


async def list_live_sessions(db: Connection, user_id: UUID) -> list[LiveSession]:
    return await fetch_all(
        db,
        LiveSession,
        """SELECT id, created_at, updated_at, expires_at, idle_expires_at, user_agent,
                  host(ip_address) AS ip_address
           FROM user_sessions
           WHERE user_id = %s AND NOT is_revoked
             AND expires_at > now() AND idle_expires_at > now()
           ORDER BY created_at DESC, id""",
        (user_id,),
    )


async def delete_dead_sessions(db: Connection) -> int:
    """Delete revoked, expired and idle-timed-out sessions."""
    cur = await db.execute(
        """DELETE FROM user_sessions
           WHERE is_revoked OR expires_at <= now() OR idle_expires_at <= now()"""
    )
    return cur.rowcount


# --- failed logins --------------------------------------------------------------------


async def lock_login_account(db: Connection, account_key: str) -> None:
    """Serialise login attempts on one account (for the transaction), across processes."""
    await db.execute(
        "SELECT pg_advisory_xact_lock(hashtextextended('vividshift.login:' || %s, 0))",
        (account_key,),
    )


async def get_failure_stats(
    db: Connection,
    *,
    account_key: str,
    ip_address: str | None,
    window_seconds: int,
    account_limit: int,
    address_limit: int,
    since: datetime | None,
) -> FailureStats:
    """Counts in the window, the failure that frees a slot under each limit, and the
    count and last failure since `since` (the last successful login), in DB time."""
    row = await fetch_one(
        db,
        FailureStats,
        """
        WITH recent AS (
            SELECT created_at FROM login_failures
            WHERE account_key = %(key)s
              AND created_at > now() - make_interval(secs => %(window)s)
        ), from_address AS (
            SELECT created_at FROM login_failures
            WHERE %(ip)s::inet IS NOT NULL AND ip_address = %(ip)s::inet
              AND created_at > now() - make_interval(secs => %(window)s)
        )
        SELECT
            extract(epoch FROM now())::float8 AS now,
            (SELECT count(*) FROM recent) AS account_failures,
            (SELECT extract(epoch FROM created_at)::float8 FROM recent
               ORDER BY created_at DESC OFFSET %(alimit)s - 1 LIMIT 1) AS account_pivot,
            (SELECT count(*) FROM from_address) AS address_failures,
            (SELECT extract(epoch FROM created_at)::float8 FROM from_address
               ORDER BY created_at DESC OFFSET %(plimit)s - 1 LIMIT 1) AS address_pivot,
            (SELECT count(*) FROM recent
               WHERE %(since)s::timestamptz IS NULL OR created_at > %(since)s)
               AS failures_since_success,
            (SELECT extract(epoch FROM max(created_at))::float8 FROM recent) AS last_failure
        """,
        {
            "key": account_key,
            "ip": ip_address,
            "window": window_seconds,
            "alimit": account_limit,
            "plimit": address_limit,
            "since": since,
        },
    )
    assert row is not None
    return row


async def insert_login_failure(db: Connection, account_key: str, ip_address: str | None) -> None:
    await db.execute(
        "INSERT INTO login_failures (account_key, ip_address) VALUES (%s, %s)",
        (account_key, ip_address),
    )


async def delete_old_login_failures(db: Connection, window_seconds: int) -> int:
    cur = await db.execute(
        "DELETE FROM login_failures WHERE created_at <= now() - make_interval(secs => %s)",
        (window_seconds,),
    )
    return cur.rowcount


async def count_registrations(
    db: Connection, ip_address: str | None, window_seconds: int
) -> RegistrationCount:
    """Registrations from `ip_address` in the window, and the oldest one's time (epoch s)."""
    row = await fetch_one(
        db,
        RegistrationCount,
        """
        SELECT count(*) AS n, extract(epoch FROM min(created_at))::float AS oldest,
               extract(epoch FROM now())::float AS now
        FROM registration_attempts
        WHERE ip_address IS NOT DISTINCT FROM %s::inet
          AND created_at > now() - make_interval(secs => %s)
        """,
        (ip_address, window_seconds),
    )
    assert row is not None
    return row


async def insert_registration(db: Connection, ip_address: str | None) -> None:
    await db.execute("INSERT INTO registration_attempts (ip_address) VALUES (%s)", (ip_address,))


async def delete_old_registrations(db: Connection, window_seconds: int) -> int:
    cur = await db.execute(
        "DELETE FROM registration_attempts WHERE created_at <= now() - make_interval(secs => %s)",
        (window_seconds,),
    )
    return cur.rowcount


async def lock_registrations(db: Connection, ip_address: str | None) -> None:
    """Serialise registrations of one address until the transaction ends."""
    await db.execute(
        "SELECT pg_advisory_xact_lock(hashtext('vividshift.registration:' || %s::text))",
        (ip_address or "",),
    )
