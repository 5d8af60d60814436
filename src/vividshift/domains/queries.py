"""SQL of domains."""

from typing import Any
from uuid import UUID

import psycopg.errors
from psycopg.types.json import Jsonb

from vividshift.db import Connection
from vividshift.errors import Conflict
from vividshift.http.paging import PageParams, Sort

JSON_COLUMNS = ("configuration", "business_rules")
COLUMNS = ("name", "display_name", "description", "version", "is_active", *JSON_COLUMNS)
SORT_KEYS = frozenset({"name", "display_name", "created_at", "updated_at"})


def _values(values: dict[str, Any]) -> dict[str, Any]:
    return {k: Jsonb(v) if k in JSON_COLUMNS else v for k, v in values.items()}


def _duplicate(name: str) -> Conflict:
    return Conflict("A domain with this name exists", details={"name": name})


async def insert_domain(
    conn: Connection, values: dict[str, Any], created_by: UUID | None
) -> dict[str, Any]:
    columns = [c for c in COLUMNS if c in values]
    try:
        async with conn.transaction():
            cur = await conn.execute(
                f"INSERT INTO domains ({', '.join(columns)}, created_by)"
                f" VALUES ({', '.join(f'%({c})s' for c in columns)}, %(created_by)s)"
                " RETURNING *",
                _values(values) | {"created_by": created_by},
            )
    except psycopg.errors.UniqueViolation:
        raise _duplicate(values["name"]) from None
    row = await cur.fetchone()
    assert row is not None
    return row


async def get_domain(conn: Connection, domain_id: UUID) -> dict[str, Any] | None:
    cur = await conn.execute("SELECT * FROM domains WHERE id = %s", (domain_id,))
    return await cur.fetchone()


async def lock_domain(conn: Connection, domain_id: UUID) -> dict[str, Any] | None:
    cur = await conn.execute("SELECT * FROM domains WHERE id = %s FOR UPDATE", (domain_id,))
    return await cur.fetchone()


async def list_domains(
    conn: Connection, *, active_only: bool, sort: Sort, page: PageParams
) -> tuple[list[dict[str, Any]], int]:
    where = "WHERE is_active = true" if active_only else ""
    cur = await conn.execute(
        f"SELECT *, count(*) OVER () AS total FROM domains {where} {sort.sql()}"
        " LIMIT %(limit)s OFFSET %(offset)s",
        {"limit": page.limit, "offset": page.offset},
    )
    rows = await cur.fetchall()
    if rows:
        return rows, rows[0]["total"]
    total = await (await conn.execute(f"SELECT count(*) AS n FROM domains {where}")).fetchone()
    return rows, total["n"] if total else 0


async def update_domain(
    conn: Connection, domain_id: UUID, changes: dict[str, Any]
) -> dict[str, Any] | None:
    if not changes:
        return await get_domain(conn, domain_id)
    assignments = ", ".join(f"{c} = %({c})s" for c in COLUMNS if c in changes)
    try:
        async with conn.transaction():
            cur = await conn.execute(
                f"UPDATE domains SET {assignments} WHERE id = %(id)s RETURNING *",
                _values(changes) | {"id": domain_id},
            )
    except psycopg.errors.UniqueViolation:
        raise _duplicate(changes.get("name", "")) from None
    return await cur.fetchone()


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


async def find_domain_for_user(conn: Connection, ref: str, user_id: UUID) -> dict[str, Any] | None:
    """A domain by name, or by id when `ref` is a UUID, with the user's membership role
    (`member_role`, None when not a member)."""
    try:
        domain_id: UUID | None = UUID(ref)
    except ValueError:
        domain_id = None
    where = "d.id = %(ref)s" if domain_id is not None else "d.name = %(ref)s"
    cur = await conn.execute(
        f"""
        SELECT d.*, m.role AS member_role FROM domains AS d
          LEFT JOIN domain_members AS m ON m.domain_id = d.id AND m.user_id = %(user)s
         WHERE {where}
        """,
        {"ref": domain_id if domain_id is not None else ref, "user": user_id},
    )
    return await cur.fetchone()


async def list_visible_domain_ids(conn: Connection, user_id: UUID, default_name: str) -> list[UUID]:
    """The domains a (non-admin) user is a member of, and the default domain."""
    cur = await conn.execute(
        """
        SELECT id FROM domains WHERE name = %(default)s
        UNION
        SELECT domain_id FROM domain_members WHERE user_id = %(user)s
        """,
        {"default": default_name, "user": user_id},
    )
    return [r["id"] for r in await cur.fetchall()]


async def upsert_member(
    conn: Connection, domain_id: UUID, user_id: UUID, role: str, created_by: UUID | None
) -> dict[str, Any]:
    cur = await conn.execute(
        """
        INSERT INTO domain_members (domain_id, user_id, role, created_by)
        VALUES (%s, %s, %s, %s)
        ON CONFLICT (domain_id, user_id) DO UPDATE SET role = EXCLUDED.role
        RETURNING *
        """,
        (domain_id, user_id, role, created_by),
    )
    row = await cur.fetchone()
    assert row is not None
    return row
