"""Small row factories: one row per call, with overridable columns."""

import itertools
import uuid
from datetime import date, timedelta
from typing import Any

from psycopg.types.json import Jsonb

from vividshift.db import Connection


def _jsonb(values: dict[str, Any]) -> dict[str, Any]:
    return {k: Jsonb(v) if isinstance(v, dict | list) else v for k, v in values.items()}


async def insert_row(db: Connection, table: str, values: dict[str, Any]) -> dict[str, Any]:
    columns = ", ".join(values)
    placeholders = ", ".join(f"%({c})s" for c in values)
    cur = await db.execute(
        f"INSERT INTO {table} ({columns}) VALUES ({placeholders}) RETURNING *", _jsonb(values)
    )
    row = await cur.fetchone()
    assert row is not None
    return row


def _unique(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:10]}"


async def make_user(db: Connection, **overrides: Any) -> dict[str, Any]:
    name = _unique("user")
    values = {"username": name, "email": f"{name}@example.org", "password_hash": "x"}
    return await insert_row(db, "users", values | overrides)


async def make_domain(db: Connection, **overrides: Any) -> dict[str, Any]:
    name = _unique("domain")
    return await insert_row(db, "domains", {"name": name, "display_name": name} | overrides)


async def make_member(
    db: Connection, domain_id: Any, user_id: Any, role: str = "member"
) -> dict[str, Any]:
    """A `domain_members` row: the user has `role` in the domain."""
    values = {"domain_id": domain_id, "user_id": user_id, "role": role}
    return await insert_row(db, "domain_members", values)


async def make_participant(db: Connection, **overrides: Any) -> dict[str, Any]:
    return await insert_row(db, "participants", {"name": _unique("person")} | overrides)


async def make_target(db: Connection, **overrides: Any) -> dict[str, Any]:
    return await insert_row(db, "assignment_targets", {"name": _unique("task")} | overrides)


_run_days = itertools.count()


async def make_assignment(db: Connection, **overrides: Any) -> dict[str, Any]:
    """A run on a date of its own by default: a domain has one active run per date."""
    day = date(2000, 1, 1) + timedelta(days=next(_run_days))
    values = {"strategy_used": "balanced_rotation", "assignment_date": day}
    return await insert_row(db, "assignments", values | overrides)


async def make_detail(db: Connection, **overrides: Any) -> dict[str, Any]:
    return await insert_row(db, "assignment_details", overrides)
