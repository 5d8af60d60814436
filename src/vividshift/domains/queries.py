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
