"""SQL of assignment targets."""

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from psycopg.types.json import Jsonb

from vividshift.db import Connection, fetch_all, fetch_one
from vividshift.http.paging import PageParams, Sort
from vividshift.participants.queries import PARTICIPANT_COLUMNS
from vividshift.participants.rows import ParticipantRow
from vividshift.targets.rows import TargetRow
from vividshift.targets.schemas import SORT_KEYS as SORT_KEYS  # the keys lists may sort on

JSON_COLUMNS = ("required_skills", "constraints", "metadata")
COLUMNS = ("name", "description", "required_count", "effort", *JSON_COLUMNS, "is_active")
# Named, not `*`: a column added later must not break the row type.
TARGET_COLUMNS = f"id, domain_id, {', '.join(COLUMNS)}, created_by, created_at, updated_at"


@dataclass(frozen=True)
class _CountedTarget(TargetRow):
    total: int  # of every matching target, by a window count on the page's query


@dataclass(frozen=True)
class _CountedParticipant(ParticipantRow):
    total: int  # of every candidate, by a window count on the page's query


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _where(
    *,
    active_only: bool,
    requires_skill: str | None,
    name_contains: str | None,
    domain_ids: list[UUID] | None = None,
) -> tuple[str, dict[str, Any]]:
    conditions: list[str] = []
    params: dict[str, Any] = {}
    if domain_ids is not None:
        conditions.append("domain_id = ANY(%(domain_ids)s::uuid[])")
        params["domain_ids"] = domain_ids
    if active_only:
        conditions.append("is_active = true")
    if requires_skill is not None:
        conditions.append("required_skills ? %(requires_skill)s::text")
        params["requires_skill"] = requires_skill
    if name_contains:
        conditions.append("name ILIKE %(name_like)s")
        params["name_like"] = f"%{_escape_like(name_contains)}%"
    return ("WHERE " + " AND ".join(conditions)) if conditions else "", params


async def list_targets(
    conn: Connection,
    *,
    active_only: bool,
    requires_skill: str | None,
    name_contains: str | None,
    sort: Sort,
    page: PageParams,
    domain_ids: list[UUID] | None = None,
) -> tuple[list[TargetRow], int]:
    """A page of targets (of `domain_ids` when given: None is every domain) and the count."""
    where, params = _where(
        active_only=active_only,
        requires_skill=requires_skill,
        name_contains=name_contains,
        domain_ids=domain_ids,
    )
    rows = await fetch_all(
        conn,
        _CountedTarget,
        f"SELECT {TARGET_COLUMNS}, count(*) OVER () AS total FROM assignment_targets {where}"
        f" {sort.sql()} LIMIT %(limit)s OFFSET %(offset)s",
        params | {"limit": page.limit, "offset": page.offset},
    )
    if rows:
        return list[TargetRow](rows), rows[0].total
    cur = await conn.execute(f"SELECT count(*) AS n FROM assignment_targets {where}", params)
    total = await cur.fetchone()
    return [], total["n"] if total else 0


def _values(values: dict[str, Any]) -> dict[str, Any]:
    return {k: Jsonb(v) if k in JSON_COLUMNS else v for k, v in values.items()}


async def insert_target(
    conn: Connection, values: dict[str, Any], created_by: UUID | None, domain_id: UUID | None = None
) -> TargetRow:
    """One row, in `domain_id` (None: the column default, the domain `default`)."""
    columns = [c for c in COLUMNS if c in values] + (["domain_id"] if domain_id else [])
    row = await fetch_one(
        conn,
        TargetRow,
        f"INSERT INTO assignment_targets ({', '.join(columns)}, created_by)"
        f" VALUES ({', '.join(f'%({c})s' for c in columns)}, %(created_by)s)"
        f" RETURNING {TARGET_COLUMNS}",
        _values(values) | {"created_by": created_by, "domain_id": domain_id},
    )
    assert row is not None
    return row


async def insert_targets(
    conn: Connection, rows: list[dict[str, Any]], created_by: UUID | None
) -> list[UUID]:
    """Many rows in one statement; a row's `domain_id` is optional (absent: `default`)."""
    cur = await conn.execute(
        """
        INSERT INTO assignment_targets
            (domain_id, name, description, required_count, effort, required_skills,
             constraints, metadata, is_active, created_by)
        SELECT COALESCE(r.domain_id, default_domain_id()), r.name, r.description,
               r.required_count, COALESCE(r.effort, 1), r.required_skills, r.constraints,
               r.metadata, r.is_active, %(created_by)s
          FROM jsonb_to_recordset(%(rows)s::jsonb) AS r(
               domain_id uuid, name text, description text, required_count integer,
               effort numeric, required_skills jsonb, constraints jsonb, metadata jsonb,
               is_active boolean)
        RETURNING id
        """,
        {"rows": Jsonb(rows), "created_by": created_by},
    )
    return [row["id"] for row in await cur.fetchall()]


async def get_target(conn: Connection, target_id: UUID) -> TargetRow | None:
    sql = f"SELECT {TARGET_COLUMNS} FROM assignment_targets WHERE id = %s"
    return await fetch_one(conn, TargetRow, sql, (target_id,))


async def lock_target(conn: Connection, target_id: UUID) -> TargetRow | None:
    sql = f"SELECT {TARGET_COLUMNS} FROM assignment_targets WHERE id = %s FOR UPDATE"
    return await fetch_one(conn, TargetRow, sql, (target_id,))


async def update_target(
    conn: Connection, target_id: UUID, changes: dict[str, Any]
) -> TargetRow | None:
    if not changes:
        return await get_target(conn, target_id)
    assignments = ", ".join(f"{c} = %({c})s" for c in COLUMNS if c in changes)
    return await fetch_one(
        conn,
        TargetRow,
        f"UPDATE assignment_targets SET {assignments} WHERE id = %(id)s RETURNING {TARGET_COLUMNS}",
        _values(changes) | {"id": target_id},
    )


async def count_assignment_details(conn: Connection, target_id: UUID) -> int:
    cur = await conn.execute(
        "SELECT count(*) AS n FROM assignment_details WHERE target_id = %s", (target_id,)
    )
    row = await cur.fetchone()
    return row["n"] if row else 0


async def delete_target(conn: Connection, target_id: UUID) -> bool:
    cur = await conn.execute("DELETE FROM assignment_targets WHERE id = %s", (target_id,))
    return cur.rowcount > 0


def candidates_sql(
    required_skills: list[str], sort: Sort, page: PageParams, domain_id: UUID | None = None
) -> tuple[str, dict]:
    """Active participants (of `domain_id` when given) whose skills cover
    `required_skills`: matched first through the GIN index on skills, then sorted (see
    participants.queries.list_sql)."""
    in_domain = " AND domain_id = %(domain_id)s" if domain_id is not None else ""
    return (
        f"WITH matches AS MATERIALIZED (SELECT {PARTICIPANT_COLUMNS} FROM participants"
        f" WHERE is_active = true AND skills @> %(required)s::jsonb{in_domain})"
        " SELECT *, count(*) OVER () AS total FROM matches"
        f" {sort.sql()} LIMIT %(limit)s OFFSET %(offset)s",
        {
            "required": Jsonb(required_skills),
            "domain_id": domain_id,
            "limit": page.limit,
            "offset": page.offset,
        },
    )


async def list_candidates(
    conn: Connection,
    required_skills: list[str],
    sort: Sort,
    page: PageParams,
    domain_id: UUID | None = None,
) -> tuple[list[ParticipantRow], int]:
    sql, params = candidates_sql(required_skills, sort, page, domain_id)
    rows = await fetch_all(conn, _CountedParticipant, sql, params)
    if rows:
        return list[ParticipantRow](rows), rows[0].total
    cur = await conn.execute(
        "SELECT count(*) AS n FROM participants WHERE is_active = true"
        " AND skills @> %(required)s::jsonb"
        " AND (%(domain_id)s::uuid IS NULL OR domain_id = %(domain_id)s::uuid)",
        {"required": Jsonb(required_skills), "domain_id": domain_id},
    )
    total = await cur.fetchone()
    return [], total["n"] if total else 0
