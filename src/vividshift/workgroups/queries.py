"""SQL of the work-groups compatibility layer: members of its domain, found by name."""

from datetime import date
from typing import Any
from uuid import UUID

from psycopg.types.json import Jsonb

from vividshift.db import Connection


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
    """name → the oldest row of `table` (participants | assignment_targets) tagged
    metadata.domain = domain with that name."""
    assert table in ("participants", "assignment_targets")
    cur = await conn.execute(
        f"""
        SELECT DISTINCT ON (name) * FROM {table}
         WHERE metadata @> %s AND name = ANY(%s)
         ORDER BY name, created_at, id
        """,
        (Jsonb({"domain": domain}), names),
    )
    return {r["name"]: r for r in await cur.fetchall()}


async def active_targets(conn: Connection, domain: str) -> list[dict[str, Any]]:
    cur = await conn.execute(
        "SELECT * FROM assignment_targets WHERE metadata @> %s AND is_active = true"
        " ORDER BY name, id",
        (Jsonb({"domain": domain}),),
    )
    return await cur.fetchall()


async def latest_runs_per_day(conn: Connection, domain: str, limit: int) -> list[dict[str, Any]]:
    cur = await conn.execute(
        """
        SELECT * FROM (
            SELECT DISTINCT ON (assignment_date) id, assignment_date, created_at, updated_at
              FROM assignments
             WHERE configuration @> %s AND status <> 'cancelled'
             ORDER BY assignment_date DESC, created_at DESC, id DESC
        ) latest ORDER BY assignment_date DESC LIMIT %s
        """,
        (Jsonb({"domain": domain}), limit),
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
        "SELECT 1 FROM assignments WHERE configuration @> %s LIMIT 1",
        (Jsonb({"domain": domain, "imported": {"source": source, "index": index}}),),
    )
    return await cur.fetchone() is not None


def run_date_key(day: date) -> str:
    return day.isoformat()
