"""A house with linked accounts and channels, for the notification tests."""

from __future__ import annotations

from typing import Any

import httpx

from tests.assignments.helpers import member_of, user_id_of
from tests.factories import make_domain, make_member, make_participant, make_target
from vividshift.db import Connection

DAY = "2026-12-07"


async def count(db: Connection, table: str, where: str = "true", params: tuple = ()) -> int:
    cur = await db.execute(f"SELECT count(*) AS n FROM {table} WHERE {where}", params)
    row = await cur.fetchone()
    assert row is not None
    return int(row["n"])


async def house(db: Connection, auth_headers: Any, **config: Any) -> dict[str, Any]:
    """Oak House: Ana and Ben (members, linked to their accounts), Cy (no account);
    Kitchen (2 places) and Hall (1); and a manager's headers."""
    domain = await make_domain(db, name="oak-house", display_name="Oak House", configuration=config)
    accounts = {
        name: await auth_headers("user", username=name.lower(), email=f"{name.lower()}@example.org")
        for name in ("Ana", "Ben")
    }
    users = {name: user_id_of(headers) for name, headers in accounts.items()}
    people = {
        name: await make_participant(db, name=name, domain_id=domain["id"], user_id=users.get(name))
        for name in ("Ana", "Ben", "Cy")
    }
    for name in accounts:
        await make_member(db, domain["id"], users[name], "member")
    await make_target(db, name="Kitchen", required_count=2, domain_id=domain["id"])
    await make_target(db, name="Hall", required_count=1, domain_id=domain["id"])
    manager = await auth_headers("user")
    await member_of(db, manager, domain)
    return {
        "domain": domain,
        "people": people,
        "users": users,
        "headers": accounts,
        "manager": manager,
        "manager_id": user_id_of(manager),
    }


async def add_channel(client: httpx.AsyncClient, h: dict[str, Any], **body: Any) -> dict[str, Any]:
    r = await client.post(
        f"/api/domains/{h['domain']['id']}/channels", json=body, headers=h["manager"]
    )
    assert r.status_code == 201, r.text
    return r.json()


async def generate(client: httpx.AsyncClient, h: dict[str, Any], **body: Any) -> dict[str, Any]:
    r = await client.post(
        "/api/assignments/generate",
        json={"domain": h["domain"]["name"], "assignment_date": DAY} | body,
        headers=h["manager"],
    )
    assert r.status_code == 201, r.text
    return r.json()
