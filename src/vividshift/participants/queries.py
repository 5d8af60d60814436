"""SQL of participants. No rules here: the service decides, these functions run."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from uuid import UUID

import psycopg.errors
from psycopg.types.json import Jsonb

from vividshift.db import Connection, fetch_all, fetch_one
from vividshift.domains.queries import VISIBLE_DOMAIN_IDS
from vividshift.errors import BusinessRuleViolation, Conflict
from vividshift.http.paging import PageParams, Sort
from vividshift.participants.rows import ImportKey, ParticipantRow
from vividshift.participants.schemas import SORT_KEYS as SORT_KEYS  # the keys lists may sort on
from vividshift.participants.schemas import ParticipantFilters

JSON_COLUMNS = ("skills", "availability", "preferences", "metadata")
COLUMNS = ("name", "email", "phone", *JSON_COLUMNS, "is_active", "user_id")
LINK_INDEX = "idx_participants_domain_id_user_id"
# Named, not `*`: a column added later must not break the row type.
PARTICIPANT_COLUMNS = f"id, domain_id, {', '.join(COLUMNS)}, created_by, created_at, updated_at"


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def where_clause(filters: ParticipantFilters) -> tuple[str, dict[str, Any]]:
    # A JSONB filter's value reaches PostgreSQL as a subquery's result, which the planner
    # does not look into: every value gets the same estimate, so a prepared statement's
    # generic plan (filter by the GIN index first, see `list_sql`) serves them all and the
    # query is not planned anew on every request (a custom plan: a fifth of its time).
    conditions: list[str] = []
    params: dict[str, Any] = {}
    if filters.domain_ids is not None:
        conditions.append("domain_id = ANY(%(domain_ids)s::uuid[])")
        params["domain_ids"] = filters.domain_ids
    if filters.visibility is not None and filters.visibility["visible_to"] is not None:
        conditions.append(f"domain_id IN ({VISIBLE_DOMAIN_IDS})")
        params |= filters.visibility
    if filters.active_only:
        conditions.append("is_active = true")
    if filters.has_skill is not None:
        conditions.append("skills ? (SELECT %(has_skill)s::text)")
        params["has_skill"] = filters.has_skill
    if filters.has_all_skills:
        conditions.append("skills @> (SELECT %(has_all_skills)s::jsonb)")
        params["has_all_skills"] = Jsonb(filters.has_all_skills)
    if filters.availability is not None:
        conditions.append("availability @> (SELECT %(availability)s::jsonb)")
        params["availability"] = Jsonb(filters.availability)
    if filters.name_contains:
        conditions.append("name ILIKE %(name_like)s")
        params["name_like"] = f"%{_escape_like(filters.name_contains)}%"
    return ("WHERE " + " AND ".join(conditions)) if conditions else "", params


def uses_gin(filters: ParticipantFilters) -> bool:
    return bool(filters.has_skill is not None or filters.has_all_skills or filters.availability)


TOTAL = "total_matching"  # the page query's extra column, when it counts in passing


def list_sql(filters: ParticipantFilters, sort: Sort, page: PageParams) -> tuple[str, dict]:
    """The page query (public so tests can EXPLAIN exactly what the API runs).

    With a JSONB filter the matching rows are found first (a MATERIALIZED CTE), then
    sorted: PostgreSQL estimates `?`/`@>` selectivity poorly, and with ORDER BY name
    LIMIT n it would otherwise walk the name index and test every row, which is slowest
    exactly when few rows match. Filter-first lets the GIN index do the work."""
    where, params = where_clause(filters)
    params = params | {"limit": page.limit, "offset": page.offset}
    tail = f"{sort.sql()} LIMIT %(limit)s OFFSET %(offset)s"
    if uses_gin(filters):
        # Every match is materialised anyway: counting them in the same query (the
        # window sees all rows before LIMIT) saves the count's round trip.
        sql = (
            f"WITH matches AS MATERIALIZED (SELECT * FROM participants {where})"
            f" SELECT *, count(*) OVER () AS {TOTAL} FROM matches {tail}"
        )
    else:
        sql = f"SELECT * FROM participants {where} {tail}"
    return sql, params


def json_timestamp(column: str) -> str:
    """SQL: a timestamptz as the API writes it elsewhere (pydantic): ISO 8601 in the
    session's zone, microseconds only when not zero, `Z` for a zero offset."""
    return (
        f"(to_char({column}, 'YYYY-MM-DD\"T\"HH24:MI:SS')"
        f" || CASE WHEN date_part('microseconds', {column})::int %% 1000000 = 0 THEN ''"
        f" ELSE to_char({column}, '.US') END"
        f" || CASE WHEN to_char({column}, 'TZH:TZM') IN ('+00:00', '-00:00') THEN 'Z'"
        f" ELSE to_char({column}, 'TZH:TZM') END)"
    )


def _json_object(column: str) -> str:
    return f"CASE WHEN jsonb_typeof({column}) = 'object' THEN {column} ELSE '{{}}' END"


# One participant as ParticipantRead serialises it: same keys, same order, a JSON column
# in a shape the API never stores (null, or written by another program) as its empty
# value, skills as their names (ParticipantRead.from_row). Written by row_to_json from
# this select list (the column names are the keys): a third of what json_build_object
# with the keys as arguments cost per row.
ROW_FIELDS = f"""
    p.id, p.domain_id, p.user_id, p.name, p.email, p.phone,
    CASE jsonb_typeof(p.skills)
         WHEN 'array' THEN jsonb_path_query_array(p.skills, '$[*] ? (@.type() == "string")')
         WHEN 'object' THEN coalesce((SELECT jsonb_agg(k) FROM jsonb_object_keys(p.skills) k), '[]')
         ELSE '[]' END AS skills,
    {_json_object("p.availability")} AS availability,
    {_json_object("p.preferences")} AS preferences,
    {_json_object("p.metadata")} AS metadata,
    p.is_active, p.created_by,
    {json_timestamp("p.created_at")} AS created_at,
    {json_timestamp("p.updated_at")} AS updated_at"""


def page_json_sql(filters: ParticipantFilters, sort: Sort, page: PageParams) -> tuple[str, dict]:
    """The API's page query: `{items, total, limit, offset}` built by PostgreSQL as one
    JSON text, so no row is decoded, validated and encoded again in Python.

    The page is chosen on (id, sort key) alone, then its rows are read by primary key:
    a JSONB filter materialises only those two columns of every match (see `list_sql`
    for why filter first), and the count comes from the same pass. Without one, the
    sort key's index is walked and the count runs only when the page does not tell it."""
    where, params = where_clause(filters)
    params = params | {"limit": page.limit, "offset": page.offset}
    tail = f"{sort.sql()} LIMIT %(limit)s OFFSET %(offset)s"
    direction = "DESC" if sort.descending else "ASC"
    in_order = f"p.{sort.column} {direction}, p.id {direction}"  # the page's order again
    if uses_gin(filters):
        source = f"matches AS MATERIALIZED (SELECT id, {sort.column} FROM participants {where}),"
        # Paging hidden from the planner as the filter's value is (see `where_clause`).
        chosen = (
            f"SELECT id, count(*) OVER () AS n FROM matches {sort.sql()}"
            " LIMIT (SELECT %(limit)s::int) OFFSET (SELECT %(offset)s::int)"
        )
        total = "coalesce((SELECT max(n) FROM page), (SELECT count(*) FROM matches))"
    else:
        source = ""
        chosen = f"SELECT id FROM participants {where} {tail}"
        total = (
            "CASE WHEN %(offset)s = 0 AND (SELECT count(*) FROM page) < %(limit)s"
            " THEN (SELECT count(*) FROM page)"
            f" ELSE (SELECT count(*) FROM participants {where}) END"
        )
    sql = f"""
        WITH {source} page AS ({chosen})
        SELECT json_build_object(
            'items', coalesce((SELECT json_agg(item.json ORDER BY {in_order})
                                 FROM page JOIN participants AS p ON p.id = page.id
                                 CROSS JOIN LATERAL (SELECT row_to_json(r) AS json
                                                       FROM (SELECT {ROW_FIELDS}) AS r) AS item),
                              '[]'::json),
            'total', {total},
            'limit', %(limit)s::int, 'offset', %(offset)s::int)::text AS body
    """
    return sql, params


async def list_page_json(
    conn: Connection, filters: ParticipantFilters, sort: Sort, page: PageParams
) -> bytes:
    """A page of participants and the total count, as the response body."""
    sql, params = page_json_sql(filters, sort, page)
    cur = await conn.execute(sql, params)
    row = await cur.fetchone()
    assert row is not None  # one aggregate row, always
    return str(row["body"]).encode()


async def list_participants(
    conn: Connection, filters: ParticipantFilters, sort: Sort, page: PageParams
) -> tuple[list[dict[str, Any]], int]:
    """(rows of the page, count of all matching rows)."""
    sql, params = list_sql(filters, sort, page)
    rows = await (await conn.execute(sql, params)).fetchall()
    if rows and TOTAL in rows[0]:
        total = rows[0][TOTAL]
        for row in rows:
            del row[TOTAL]
        return rows, total
    if page.offset == 0 and len(rows) < page.limit:
        return rows, len(rows)
    where, count_params = where_clause(filters)
    cur = await conn.execute(f"SELECT count(*) AS n FROM participants {where}", count_params)
    total = await cur.fetchone()
    return rows, total["n"] if total else 0


def _values(values: dict[str, Any]) -> dict[str, Any]:
    return {k: Jsonb(v) if k in JSON_COLUMNS else v for k, v in values.items()}


@asynccontextmanager
async def _linking() -> AsyncIterator[None]:
    """Driver errors of `user_id` as ours: taken in the domain → 409, no such account → 422."""
    try:
        yield
    except psycopg.errors.UniqueViolation as exc:
        if exc.diag.constraint_name != LINK_INDEX:
            raise
        raise Conflict(
            "This account is already linked to another participant of the domain"
        ) from None
    except psycopg.errors.ForeignKeyViolation as exc:
        if "user_id" not in (exc.diag.message_detail or ""):
            raise
        raise BusinessRuleViolation("No account with this user_id") from None


async def insert_participant(
    conn: Connection, values: dict[str, Any], created_by: UUID | None, domain_id: UUID | None = None
) -> ParticipantRow:
    """One row, in `domain_id` (None: the column default, the domain `default`)."""
    columns = [c for c in COLUMNS if c in values] + (["domain_id"] if domain_id else [])
    sql = (
        f"INSERT INTO participants ({', '.join(columns)}, created_by)"
        f" VALUES ({', '.join(f'%({c})s' for c in columns)}, %(created_by)s)"
        f" RETURNING {PARTICIPANT_COLUMNS}"
    )
    params = _values(values) | {"created_by": created_by, "domain_id": domain_id}
    async with _linking():
        row = await fetch_one(conn, ParticipantRow, sql, params)
    assert row is not None
    return row


async def insert_participants(
    conn: Connection, rows: list[dict[str, Any]], created_by: UUID | None
) -> list[UUID]:
    """Many rows in one statement; ids in input order. A row's `domain_id` (absent: the
    domain `default`) and `user_id` are optional."""
    async with _linking():
        cur = await conn.execute(
            """
            INSERT INTO participants
                (domain_id, name, email, phone, skills, availability, preferences, metadata,
                 is_active, user_id, created_by)
            SELECT COALESCE(r.domain_id, default_domain_id()), r.name, r.email, r.phone,
                   r.skills, r.availability, r.preferences, r.metadata, r.is_active,
                   r.user_id, %(created_by)s
              FROM jsonb_to_recordset(%(rows)s::jsonb) AS r(
                   domain_id uuid, name text, email text, phone text, skills jsonb,
                   availability jsonb, preferences jsonb, metadata jsonb, is_active boolean,
                   user_id uuid)
            RETURNING id
            """,
            {"rows": Jsonb(rows), "created_by": created_by},
        )
    return [row["id"] for row in await cur.fetchall()]


async def get_participant(conn: Connection, participant_id: UUID) -> ParticipantRow | None:
    sql = f"SELECT {PARTICIPANT_COLUMNS} FROM participants WHERE id = %s"
    return await fetch_one(conn, ParticipantRow, sql, (participant_id,))


async def update_participant(
    conn: Connection, participant_id: UUID, changes: dict[str, Any]
) -> ParticipantRow | None:
    if not changes:
        return await get_participant(conn, participant_id)
    assignments = ", ".join(f"{c} = %({c})s" for c in COLUMNS if c in changes)
    async with _linking():
        return await fetch_one(
            conn,
            ParticipantRow,
            f"UPDATE participants SET {assignments} WHERE id = %(id)s"
            f" RETURNING {PARTICIPANT_COLUMNS}",
            _values(changes) | {"id": participant_id},
        )


async def count_assignment_details(conn: Connection, participant_id: UUID) -> int:
    cur = await conn.execute(
        "SELECT count(*) AS n FROM assignment_details WHERE participant_id = %s",
        (participant_id,),
    )
    row = await cur.fetchone()
    return row["n"] if row else 0


async def delete_participant(conn: Connection, participant_id: UUID) -> bool:
    cur = await conn.execute("DELETE FROM participants WHERE id = %s", (participant_id,))
    return cur.rowcount > 0


async def lock_participant(conn: Connection, participant_id: UUID) -> ParticipantRow | None:
    sql = f"SELECT {PARTICIPANT_COLUMNS} FROM participants WHERE id = %s FOR UPDATE"
    return await fetch_one(conn, ParticipantRow, sql, (participant_id,))


async def list_by_import_keys(
    conn: Connection, domain_ids: list[str], emails: list[str], names: list[str]
) -> list[ImportKey]:
    """Participants of these domains whose email or name (casefolded) is listed, oldest
    first (an import's duplicate check)."""
    return await fetch_all(
        conn,
        ImportKey,
        """
        SELECT id, domain_id, name, email FROM participants
         WHERE domain_id = ANY(%(domains)s::uuid[])
           AND (lower(email) = ANY(%(emails)s::text[]) OR lower(name) = ANY(%(names)s::text[]))
         ORDER BY created_at, id
        """,
        {"domains": domain_ids, "emails": emails, "names": names},
    )
