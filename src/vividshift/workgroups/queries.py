"""SQL of the work-groups compatibility layer: members of its domain, found by name.

Rows belong to the domain by `domain_id` (the domain is named here, its id looked up in
the same statement); `metadata.domain` is only a label kept for old selections."""

from datetime import date
from typing import Any
from uuid import UUID

from psycopg.types.json import Jsonb

from vividshift.db import Connection, fetch_all, fetch_one
from vividshift.domains.queries import DOMAIN_COLUMNS
from vividshift.domains.rows import DomainRow
from vividshift.participants.queries import PARTICIPANT_COLUMNS
from vividshift.participants.rows import ParticipantRow
from vividshift.targets.queries import TARGET_COLUMNS
from vividshift.targets.rows import TargetRow
from vividshift.workgroups.rows import DayRun, LatestRun, RunPair

# The rows of the domain named by the statement's parameter.
IN_DOMAIN = "domain_id = (SELECT id FROM domains WHERE name = %s)"


async def ensure_domain(conn: Connection, values: dict[str, Any]) -> DomainRow:
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
    sql = f"SELECT {DOMAIN_COLUMNS} FROM domains WHERE name = %s"
    row = await fetch_one(conn, DomainRow, sql, (values["name"],))
    assert row is not None
    return row


def _oldest_by_name(table: str, columns: str) -> str:
    return f"""
        SELECT DISTINCT ON (name) {columns} FROM {table}
         WHERE {IN_DOMAIN} AND name = ANY(%s)
         ORDER BY name, created_at, id
    """


async def participants_by_name(
    conn: Connection, domain: str, names: list[str]
) -> dict[str, ParticipantRow]:
    """name → the oldest participant of the domain with that name."""
    sql = _oldest_by_name("participants", PARTICIPANT_COLUMNS)
    return {r.name: r for r in await fetch_all(conn, ParticipantRow, sql, (domain, names))}


async def targets_by_name(conn: Connection, domain: str, names: list[str]) -> dict[str, TargetRow]:
    """name → the oldest chore (target) of the domain with that name."""
    sql = _oldest_by_name("assignment_targets", TARGET_COLUMNS)
    return {r.name: r for r in await fetch_all(conn, TargetRow, sql, (domain, names))}


# The stored order of a domain's chores: metadata.order (set from the defaults and by
# POST /api/work-groups/assignments), then chores added since, oldest first.
CHORE_ORDER = """
    CASE WHEN jsonb_typeof(metadata->'order') = 'number'
         THEN (metadata->>'order')::numeric END NULLS LAST, created_at, name, id
"""


async def active_targets(conn: Connection, domain: str) -> list[TargetRow]:
    """The domain's active chores, in their stored order."""
    return await fetch_all(
        conn,
        TargetRow,
        f"SELECT {TARGET_COLUMNS} FROM assignment_targets WHERE {IN_DOMAIN} AND is_active = true"
        f" ORDER BY {CHORE_ORDER}",
        (domain,),
    )


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


async def runs_by_day(conn: Connection, domain: str, days: int) -> list[DayRun]:
    """Every non-cancelled run of the `days` most recent dates that have one, by
    (assignment_date, created_at), each with `n`: its rank within its date (1 = first)."""
    return await fetch_all(
        conn,
        DayRun,
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


async def latest_runs_per_day(conn: Connection, domain: str, limit: int) -> list[LatestRun]:
    """Per date, the latest non-cancelled run (the `limit` most recent dates)."""
    return await fetch_all(
        conn,
        LatestRun,
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


async def run_pairs_by_name(conn: Connection, ids: list[UUID]) -> list[RunPair]:
    return await fetch_all(
        conn,
        RunPair,
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
