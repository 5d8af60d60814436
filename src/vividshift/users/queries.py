"""All SQL of user administration and profiles. No rules here, no commits."""

from typing import Any
from uuid import UUID

from psycopg import errors
from psycopg.types.json import Jsonb

from vividshift.db import Connection, fetch_all, fetch_one
from vividshift.errors import Conflict
from vividshift.users.rows import ProfileRow, UserRow

USER_COLUMNS = (
    "id, username, email, role, is_active, email_verified, last_login_at, created_at, updated_at"
)
PROFILE_COLUMNS = (
    "first_name, last_name, phone, avatar_url, timezone, preferences, metadata, "
    "created_at, updated_at"
)


async def get_user(db: Connection, user_id: UUID, *, for_update: bool = False) -> UserRow | None:
    lock = " FOR UPDATE" if for_update else ""
    sql = f"SELECT {USER_COLUMNS} FROM users WHERE id = %s{lock}"
    return await fetch_one(db, UserRow, sql, (user_id,))


async def get_user_by_username(db: Connection, username: str) -> UserRow | None:
    sql = f"SELECT {USER_COLUMNS} FROM users WHERE lower(username) = lower(%s)"
    return await fetch_one(db, UserRow, sql, (username,))


async def list_users(
    db: Connection,
    *,
    search: str | None,
    role: str | None,
    is_active: bool | None,
    limit: int,
    offset: int,
) -> tuple[list[UserRow], int]:
    pattern = None
    if search:
        escaped = search.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{escaped}%"
    where = """
        WHERE (%(p)s::text IS NULL OR lower(username) LIKE %(p)s OR lower(email) LIKE %(p)s)
          AND (%(role)s::text IS NULL OR role = %(role)s)
          AND (%(active)s::boolean IS NULL OR is_active = %(active)s)
    """
    params = {"p": pattern, "role": role, "active": is_active, "limit": limit, "offset": offset}
    rows = await fetch_all(
        db,
        UserRow,
        f"""SELECT {USER_COLUMNS} FROM users {where}
            ORDER BY lower(username), id LIMIT %(limit)s OFFSET %(offset)s""",
        params,
    )
    cur = await db.execute(f"SELECT count(*) AS n FROM users {where}", params)
    total = await cur.fetchone()
    return rows, int(total["n"]) if total else 0


async def lock_active_admins(db: Connection) -> list[UUID]:
    """The ids of the active admins, locked so two demotions cannot race."""
    cur = await db.execute(
        "SELECT id FROM users WHERE role = 'admin' AND is_active ORDER BY id FOR UPDATE"
    )
    return [row["id"] for row in await cur.fetchall()]


async def update_user(db: Connection, user_id: UUID, **values: Any) -> UserRow:
    allowed = {"username", "email", "role", "is_active", "email_verified"}
    assert values and set(values) <= allowed
    assignments = ", ".join(f"{column} = %({column})s" for column in values)
    try:
        row = await fetch_one(
            db,
            UserRow,
            f"UPDATE users SET {assignments} WHERE id = %(id)s RETURNING {USER_COLUMNS}",
            values | {"id": user_id},
        )
    except errors.UniqueViolation as exc:
        constraint = getattr(exc.diag, "constraint_name", "") or ""
        field = "email" if "email" in constraint else "username"
        raise Conflict(f"This {field} is already registered", details={"field": field}) from exc
    assert row is not None
    return row


async def get_profile(db: Connection, user_id: UUID) -> ProfileRow | None:
    sql = f"SELECT {PROFILE_COLUMNS} FROM user_profiles WHERE user_id = %s"
    return await fetch_one(db, ProfileRow, sql, (user_id,))


async def upsert_profile(db: Connection, user_id: UUID, values: dict[str, Any]) -> ProfileRow:
    params = dict(values)
    params["preferences"] = Jsonb(values["preferences"])
    params["metadata"] = Jsonb(values["metadata"])
    params["user_id"] = user_id
    row = await fetch_one(
        db,
        ProfileRow,
        f"""
        INSERT INTO user_profiles (user_id, first_name, last_name, phone, avatar_url, timezone,
                                   preferences, metadata)
        VALUES (%(user_id)s, %(first_name)s, %(last_name)s, %(phone)s, %(avatar_url)s,
                %(timezone)s, %(preferences)s, %(metadata)s)
        ON CONFLICT (user_id) DO UPDATE SET
            first_name = EXCLUDED.first_name, last_name = EXCLUDED.last_name,
            phone = EXCLUDED.phone, avatar_url = EXCLUDED.avatar_url,
            timezone = EXCLUDED.timezone, preferences = EXCLUDED.preferences,
            metadata = EXCLUDED.metadata
        RETURNING {PROFILE_COLUMNS}
        """,
        params,
    )
    assert row is not None
    return row
