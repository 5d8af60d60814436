"""SQL of domains."""

from dataclasses import dataclass
from typing import Any
from uuid import UUID

import psycopg.errors
from psycopg.types.json import Jsonb

from vividshift.db import Connection, fetch_all, fetch_one
from vividshift.domains.rows import ActiveUser, DomainRow, DomainWithRole, MemberRow
from vividshift.domains.schemas import SORT_KEYS as SORT_KEYS  # the keys lists may sort on
from vividshift.errors import Conflict
from vividshift.http.paging import PageParams, Sort

JSON_COLUMNS = ("configuration", "business_rules")
COLUMNS = ("name", "display_name", "description", "version", "is_active", *JSON_COLUMNS)
# Named, not `*`: a column added later must not break the row type.
DOMAIN_COLUMNS = f"id, {', '.join(COLUMNS)}, created_by, created_at, updated_at"


@dataclass(frozen=True)
class _CountedDomain(DomainRow):
    total: int  # of every matching domain, by a window count on the page's query


def _values(values: dict[str, Any]) -> dict[str, Any]:
    return {k: Jsonb(v) if k in JSON_COLUMNS else v for k, v in values.items()}


def _duplicate(name: str) -> Conflict:
    return Conflict("A domain with this name exists", details={"name": name})


async def insert_domain(
    conn: Connection, values: dict[str, Any], created_by: UUID | None
) -> DomainRow:
    columns = [c for c in COLUMNS if c in values]
    try:
        row = await fetch_one(
            conn,
            DomainRow,
            f"INSERT INTO domains ({', '.join(columns)}, created_by)"
            f" VALUES ({', '.join(f'%({c})s' for c in columns)}, %(created_by)s)"
            f" RETURNING {DOMAIN_COLUMNS}",
            _values(values) | {"created_by": created_by},
        )
    except psycopg.errors.UniqueViolation:
        raise _duplicate(values["name"]) from None
    assert row is not None
    return row


async def get_domain(conn: Connection, domain_id: UUID) -> DomainRow | None:
    sql = f"SELECT {DOMAIN_COLUMNS} FROM domains WHERE id = %s"
    return await fetch_one(conn, DomainRow, sql, (domain_id,))


async def lock_domain(conn: Connection, domain_id: UUID) -> DomainRow | None:
    sql = f"SELECT {DOMAIN_COLUMNS} FROM domains WHERE id = %s FOR UPDATE"
    return await fetch_one(conn, DomainRow, sql, (domain_id,))


async def list_domains(
    conn: Connection,
    *,
    active_only: bool,
    sort: Sort,
    page: PageParams,
    ids: list[UUID] | None = None,
) -> tuple[list[DomainRow], int]:
    """A page of domains (only those of `ids` when given) and the count of all matching."""
    conditions = (["is_active = true"] if active_only else []) + (
        ["id = ANY(%(ids)s)"] if ids is not None else []
    )
    where = ("WHERE " + " AND ".join(conditions)) if conditions else ""
    params = {"ids": ids}
    rows = await fetch_all(
        conn,
        _CountedDomain,
        f"SELECT {DOMAIN_COLUMNS}, count(*) OVER () AS total FROM domains {where} {sort.sql()}"
        " LIMIT %(limit)s OFFSET %(offset)s",
        params | {"limit": page.limit, "offset": page.offset},
    )
    if rows:
        return list[DomainRow](rows), rows[0].total
    cur = await conn.execute(f"SELECT count(*) AS n FROM domains {where}", params)
    total = await cur.fetchone()
    return [], total["n"] if total else 0


async def update_domain(
    conn: Connection, domain_id: UUID, changes: dict[str, Any]
) -> DomainRow | None:
    if not changes:
        return await get_domain(conn, domain_id)
    assignments = ", ".join(f"{c} = %({c})s" for c in COLUMNS if c in changes)
    try:
        return await fetch_one(
            conn,
            DomainRow,
            f"UPDATE domains SET {assignments} WHERE id = %(id)s RETURNING {DOMAIN_COLUMNS}",
            _values(changes) | {"id": domain_id},
        )
    except psycopg.errors.UniqueViolation:
        raise _duplicate(changes.get("name", "")) from None


async def count_referencing_assignments(conn: Connection, domain_id: UUID, name: str) -> int:
    """Assignments that name the domain in configuration or metadata (`domain_id` or
    `domain`), through the GIN indexes on both columns."""
    cur = await conn.execute(
        """
        SELECT count(*) AS n FROM assignments
         WHERE configuration @> %(by_id)s OR configuration @> %(by_name)s
            OR metadata @> %(by_id)s OR metadata @> %(by_name)s
        """,
        {"by_id": Jsonb({"domain_id": str(domain_id)}), "by_name": Jsonb({"domain": name})},
    )
    row = await cur.fetchone()
    return row["n"] if row else 0


async def delete_domain(conn: Connection, domain_id: UUID) -> bool:
    cur = await conn.execute("DELETE FROM domains WHERE id = %s", (domain_id,))
    return cur.rowcount > 0


# --- members ---------------------------------------------------------------------------


async def find_domain_for_user(
    conn: Connection, ref: str, user_id: UUID | None
) -> DomainWithRole | None:
    """A domain by name, or by id when `ref` is a UUID, with the user's membership role
    (`member_role`, None when not a member)."""
    try:
        domain_id: UUID | None = UUID(ref)
    except ValueError:
        domain_id = None
    where = "d.id = %(ref)s" if domain_id is not None else "d.name = %(ref)s"
    return await fetch_one(
        conn,
        DomainWithRole,
        f"""
        SELECT d.id, d.name, m.role AS member_role FROM domains AS d
          LEFT JOIN domain_members AS m ON m.domain_id = d.id AND m.user_id = %(user)s
         WHERE {where}
        """,
        {"ref": domain_id if domain_id is not None else ref, "user": user_id},
    )


# The domains a (non-admin) user may read, for a query to use as `IN (...)`: those
# they are a member of and the open ones (by name). Parameters: %(visible_to)s, the
# user's id; %(open_domains)s, the names of the open domains (`access.visibility`).
VISIBLE_DOMAIN_IDS = """
    SELECT id FROM domains WHERE name = ANY(%(open_domains)s::text[])
    UNION
    SELECT domain_id FROM domain_members WHERE user_id = %(visible_to)s
"""


async def list_visible_domain_ids(conn: Connection, visibility: dict[str, Any]) -> list[UUID]:
    """The domains a (non-admin) user may read, in one round trip: every list of every
    request asks."""
    cur = await conn.execute(VISIBLE_DOMAIN_IDS, visibility)
    return [r["id"] for r in await cur.fetchall()]


async def upsert_member(
    conn: Connection, domain_id: UUID, user_id: UUID, role: str, created_by: UUID | None
) -> None:
    await conn.execute(
        """
        INSERT INTO domain_members (domain_id, user_id, role, created_by)
        VALUES (%s, %s, %s, %s)
        ON CONFLICT (domain_id, user_id) DO UPDATE SET role = EXCLUDED.role
        """,
        (domain_id, user_id, role, created_by),
    )


async def ensure_members(
    conn: Connection, domain_id: UUID, user_ids: list[UUID], role: str, created_by: UUID | None
) -> None:
    """Make each user a member with `role` unless they already are one (any role)."""
    await conn.execute(
        """
        INSERT INTO domain_members (domain_id, user_id, role, created_by)
        SELECT %s, u, %s, %s FROM unnest(%s::uuid[]) AS u
        ON CONFLICT (domain_id, user_id) DO NOTHING
        """,
        (domain_id, role, created_by, user_ids),
    )


MEMBER_COLUMNS = """
    m.user_id, u.username, m.role, m.created_at,
    (SELECT p.id FROM participants AS p
      WHERE p.domain_id = m.domain_id AND p.user_id = m.user_id) AS participant_id
"""


async def list_members(conn: Connection, domain_id: UUID) -> list[MemberRow]:
    """The members of a domain with their username and linked participant, by username."""
    return await fetch_all(
        conn,
        MemberRow,
        f"SELECT {MEMBER_COLUMNS} FROM domain_members AS m JOIN users AS u ON u.id = m.user_id"
        " WHERE m.domain_id = %s ORDER BY u.username, m.user_id",
        (domain_id,),
    )


async def get_member(conn: Connection, domain_id: UUID, user_id: UUID) -> MemberRow | None:
    return await fetch_one(
        conn,
        MemberRow,
        f"SELECT {MEMBER_COLUMNS} FROM domain_members AS m JOIN users AS u ON u.id = m.user_id"
        " WHERE m.domain_id = %s AND m.user_id = %s",
        (domain_id, user_id),
    )


async def count_managers(conn: Connection, domain_id: UUID) -> int:
    cur = await conn.execute(
        "SELECT count(*) AS n FROM domain_members WHERE domain_id = %s AND role = 'manager'",
        (domain_id,),
    )
    row = await cur.fetchone()
    return row["n"] if row else 0


async def delete_member(conn: Connection, domain_id: UUID, user_id: UUID) -> bool:
    cur = await conn.execute(
        "DELETE FROM domain_members WHERE domain_id = %s AND user_id = %s", (domain_id, user_id)
    )
    return cur.rowcount > 0


async def find_active_user(
    conn: Connection, *, user_id: UUID | None = None, username: str | None = None
) -> ActiveUser | None:
    """An active, not deleted account by id or by username (any case)."""
    return await fetch_one(
        conn,
        ActiveUser,
        """
        SELECT id, username FROM users
         WHERE (id = %(id)s OR lower(username) = lower(%(username)s::text))
           AND is_active
        """,
        {"id": user_id, "username": username},
    )


# --- the page's choice of house ----------------------------------------------------------


async def get_domain_named(conn: Connection, name: str) -> DomainRow | None:
    sql = f"SELECT {DOMAIN_COLUMNS} FROM domains WHERE name = %s"
    return await fetch_one(conn, DomainRow, sql, (name,))


async def member_domain_ids(conn: Connection, user_id: UUID) -> list[UUID]:
    """The domains the user is a member of, by display name."""
    cur = await conn.execute(
        """
        SELECT d.id FROM domain_members AS m JOIN domains AS d ON d.id = m.domain_id
         WHERE m.user_id = %s ORDER BY lower(d.display_name), d.name
        """,
        (user_id,),
    )
    return [r["id"] for r in await cur.fetchall()]


async def newest_active_run_domain(conn: Connection, domain_ids: list[UUID]) -> UUID | None:
    """The domain (of `domain_ids`) of the newest active run, by date then creation."""
    cur = await conn.execute(
        """
        SELECT domain_id FROM assignments
         WHERE status = 'active' AND domain_id = ANY(%s)
         ORDER BY assignment_date DESC, created_at DESC LIMIT 1
        """,
        (domain_ids,),
    )
    row = await cur.fetchone()
    return row["domain_id"] if row else None


async def domain_is_empty(conn: Connection, domain_id: UUID) -> bool:
    cur = await conn.execute(
        """
        SELECT NOT EXISTS (SELECT 1 FROM participants WHERE domain_id = %(d)s)
           AND NOT EXISTS (SELECT 1 FROM assignment_targets WHERE domain_id = %(d)s) AS empty
        """,
        {"d": domain_id},
    )
    row = await cur.fetchone()
    return bool(row and row["empty"])
