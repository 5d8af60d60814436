"""Helpers of the service-level assignment tests: a domain of its own with people and
tasks, a caller with a role there, a count."""

import uuid
from typing import Any

from tests.factories import make_domain, make_member, make_participant, make_target, make_user
from vividshift.auth.deps import Principal
from vividshift.db import Connection


async def house(db: Connection, people: int = 3, tasks: int = 2) -> dict[str, Any]:
    """A domain of its own with `people` participants and `tasks` one-person targets."""
    domain = await make_domain(db)
    for i in range(people):
        await make_participant(db, name=f"person {i}", domain_id=domain["id"])
    for i in range(tasks):
        await make_target(db, name=f"task {i}", required_count=1, domain_id=domain["id"])
    return domain


async def principal(db: Connection, domain: dict[str, Any] | None, role: str) -> Principal:
    """A signed-in user with `role` in `domain` (no membership when `domain` is None)."""
    user = await make_user(db, role="user")
    if domain is not None:
        await make_member(db, domain["id"], user["id"], role)
    return Principal(id=user["id"], username=user["username"], role="user", session_id=uuid.uuid4())


async def count(db: Connection, sql: str, *params: Any) -> int:
    row = await (await db.execute(sql, params)).fetchone()
    assert row is not None
    return int(row["n"])
