"""SQL of the work-groups compatibility layer: members of its domain, found by name.

Rows belong to the domain by `domain_id` (the domain is named here, its id looked up in
the same statement); `metadata.domain` is only a label kept for old selections."""

from datetime import date
from typing import Any
from uuid import UUID

from psycopg.types.json import Jsonb

from vividshift.db import Connection

# The rows of the domain named by the statement's parameter.
IN_DOMAIN = "domain_id = (SELECT id FROM domains WHERE name = %s)"


async def ensure_domain(conn: Connection, values: dict[str, Any]) -> dict[str, Any]:
    """The domain named values["name"], created with `values` when missing (race-safe)."""
    await conn.execute(
        """
        INSERT INTO domains (name, display_name, description, configuration, business_rules)
        VALUES (%(name)s, %(display_name)s, %(description)s, %(configuration)s,
                %(business_rules)s)
        ON CONFLICT (name) DO NOTHING
        """,
        values
        | {
            "configuration": Jsonb(values["configuration"]),
            "business_rules": Jsonb(values["business_rules"]),
        },
    )
    cur = await conn.execute("SELECT * FROM domains WHERE name = %s", (values["name"],))
    row = await cur.fetchone()
    assert row is not None
    return row


async def members_by_name(
    conn: Connection, table: str, domain: str, names: list[str]
) -> dict[str, dict[str, Any]]:
    """name → the oldest row of `table` (participants | assignment_targets) of the domain
    with that name."""
    assert table in ("participants", "assignment_targets")
    cur = await conn.execute(
        f"""
        SELECT DISTINCT ON (name) * FROM {table}
         WHERE {IN_DOMAIN} AND name = ANY(%s)
         ORDER BY name, created_at, id
        """,
        (domain, names),
    )
    return {r["name"]: r for r in await cur.fetchall()}


# The stored order of a domain's chores: metadata.order (set from the defaults and by
# POST /api/work-groups/assignments), then chores added since, oldest first.
CHORE_ORDER = """
    CASE WHEN jsonb_typeof(metadata->'order') = 'number'
         THEN (metadata->>'order')::numeric END NULLS LAST, created_at, name, id
"""


async def active_targets(conn: Connection, domain: str) -> list[dict[str, Any]]:
    """The domain's active chores, in their stored order."""
    cur = await conn.execute(
        f"SELECT * FROM assignment_targets WHERE {IN_DOMAIN} AND is_active = true"
        f" ORDER BY {CHORE_ORDER}",
        (domain,),
    )
    return await cur.fetchall()


async def has_targets(conn: Connection, domain: str) -> bool:
    """Whether the domain has any chore at all, active or not."""
    cur = await conn.execute(
        f"SELECT 1 FROM assignment_targets WHERE {IN_DOMAIN} LIMIT 1",
        (domain,),
    )
    return await cur.fetchone() is not None


async def deactivate_targets_except(conn: Connection, domain: str, keep: list[UUID]) -> int:
    cur = await conn.execute(
        "UPDATE assignment_targets SET is_active = false"
        f" WHERE {IN_DOMAIN} AND is_active AND NOT (id = ANY(%s))",
        (domain, keep),
    )
    return cur.rowcount


async def runs_by_day(conn: Connection, domain: str, days: int) -> list[dict[str, Any]]:
    """Every non-cancelled run of the `days` most recent dates that have one, by
    (assignment_date, created_at), each with `n`: its rank within its date (1 = first)."""
    cur = await conn.execute(
        f"""
        SELECT * FROM (
            SELECT id, assignment_date, created_at, updated_at,
                   row_number() OVER (PARTITION BY assignment_date
                                      ORDER BY created_at, id) AS n,
                   dense_rank() OVER (ORDER BY assignment_date DESC) AS day_rank
              FROM assignments
             WHERE {IN_DOMAIN} AND status <> 'cancelled'
        ) runs
         WHERE day_rank <= %s
         ORDER BY assignment_date, created_at, id
        """,
        (domain, days),
    )
    return await cur.fetchall()


async def latest_runs_per_day(conn: Connection, domain: str, limit: int) -> list[dict[str, Any]]:
    """Per date, the latest non-cancelled run (the `limit` most recent dates)."""
    cur = await conn.execute(
        f"""
        SELECT * FROM (
            SELECT DISTINCT ON (assignment_date) id, assignment_date, created_at, updated_at
              FROM assignments
             WHERE {IN_DOMAIN} AND status <> 'cancelled'
             ORDER BY assignment_date DESC, created_at DESC, id DESC
        ) latest ORDER BY assignment_date DESC LIMIT %s
        """,
        (domain, limit),
    )
    return await cur.fetchall()


async def run_pairs_by_name(conn: Connection, ids: list[UUID]) -> list[dict[str, Any]]:
    cur = await conn.execute(
        """
        SELECT d.assignment_id, t.name AS target, p.name AS person
          FROM assignment_details d
          JOIN participants p ON p.id = d.participant_id
          JOIN assignment_targets t ON t.id = d.target_id
         WHERE d.assignment_id = ANY(%s)
         ORDER BY d.assignment_id, t.name, d.position, p.name
        """,
        (ids,),
    )
    return await cur.fetchall()


async def imported_run_exists(conn: Connection, domain: str, source: str, index: int) -> bool:
    cur = await conn.execute(
        f"SELECT 1 FROM assignments WHERE {IN_DOMAIN} AND configuration @> %s LIMIT 1",
        (domain, Jsonb({"imported": {"source": source, "index": index}})),
    )
    return await cur.fetchone() is not None


def run_date_key(day: date, n: int = 1) -> str:
    """The history key of the n-th run (by created_at) of a date: "YYYY-MM-DD" for the
    first, "YYYY-MM-DD.2", "YYYY-MM-DD.3", … for later ones."""
    return day.isoformat() if n == 1 else f"{day.isoformat()}.{n}"
