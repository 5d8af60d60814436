"""The updated_at trigger moves the timestamp on every table that has the column."""

from tests.factories import insert_row, make_domain, make_user
from vividshift.db import Connection

OLD = "2001-01-01T00:00:00Z"


async def tables_with_updated_at(db: Connection) -> set[str]:
    cur = await db.execute(
        """SELECT table_name FROM information_schema.columns
           WHERE table_schema = 'public' AND column_name = 'updated_at'"""
    )
    return {row["table_name"] for row in await cur.fetchall()}


async def one_row_per_table(db: Connection) -> dict[str, dict]:
    user = await make_user(db)
    domain = await make_domain(db)
    definition = await insert_row(
        db, "entity_definitions", {"domain_id": domain["id"], "name": "kind"}
    )
    person = await insert_row(db, "participants", {"name": "p"})
    target = await insert_row(db, "assignment_targets", {"name": "t"})
    run = await insert_row(db, "assignments", {"strategy_used": "s"})
    place = await insert_row(
        db,
        "assignment_details",
        {"assignment_id": run["id"], "participant_id": person["id"], "target_id": target["id"]},
    )
    return {
        "users": user,
        "user_sessions": await insert_row(
            db,
            "user_sessions",
            {"user_id": user["id"], "token_hash": "u1", "expires_at": "2030-01-01T00:00:00Z"},
        ),
        "user_profiles": await insert_row(db, "user_profiles", {"user_id": user["id"]}),
        "domains": domain,
        "entity_definitions": definition,
        "entities": await insert_row(
            db, "entities", {"entity_definition_id": definition["id"], "name": "e"}
        ),
        "participants": person,
        "assignment_targets": target,
        "assignments": run,
        "domain_members": await insert_row(
            db,
            "domain_members",
            {"domain_id": domain["id"], "user_id": user["id"], "role": "member"},
        ),
        "participant_absences": await insert_row(
            db,
            "participant_absences",
            {
                "participant_id": person["id"],
                "domain_id": person["domain_id"],
                "starts_at": "2030-01-01T00:00:00Z",
                "ends_at": "2030-01-02T00:00:00Z",
            },
        ),
        "place_requests": await insert_row(
            db,
            "place_requests",
            {
                "domain_id": run["domain_id"],
                "assignment_id": run["id"],
                "detail_id": place["id"],
                "kind": "cover",
                "requester_id": person["id"],
            },
        ),
        "rota_plans": await insert_row(
            db,
            "rota_plans",
            {
                "domain_id": domain["id"],
                "first_turn_start": "2030-01-01T00:00:00Z",
                "last_turn_end": "2030-01-15T00:00:00Z",
                "turn_count": 1,
            },
        ),
        **await _notification_rows(db, domain, user),
    }


async def _notification_rows(db: Connection, domain: dict, user: dict) -> dict[str, dict]:
    channel = await insert_row(
        db,
        "notification_channels",
        {"domain_id": domain["id"], "kind": "apprise", "name": "c", "url": "json://x"},
    )
    event = await insert_row(
        db, "notification_events", {"domain_id": domain["id"], "event_type": "t", "payload": {}}
    )
    return {
        "notification_channels": channel,
        "notification_deliveries": await insert_row(
            db,
            "notification_deliveries",
            {
                "event_id": event["id"],
                "domain_id": domain["id"],
                "channel_id": channel["id"],
                "kind": "apprise",
            },
        ),
        "notification_preferences": await insert_row(
            db, "notification_preferences", {"user_id": user["id"]}
        ),
    }


async def test_every_updated_at_table_is_covered(db: Connection) -> None:
    assert set(await one_row_per_table(db)) == await tables_with_updated_at(db)


async def updated_at(db: Connection, table: str, row_id: object) -> object:
    cur = await db.execute(f"SELECT updated_at FROM {table} WHERE id = %s", (row_id,))
    row = await cur.fetchone()
    assert row is not None
    return row["updated_at"]


async def test_updated_at_moves_on_update(db: Connection) -> None:
    rows = await one_row_per_table(db)
    cur = await db.execute("SELECT now() AS now")
    now = (await cur.fetchone())["now"]  # type: ignore[index]
    for table, row in rows.items():
        # Age the row with the triggers off, then touch it with them on.
        await db.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        await db.execute(f"UPDATE {table} SET updated_at = %s WHERE id = %s", (OLD, row["id"]))
        await db.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
        assert str(await updated_at(db, table, row["id"])).startswith("2001-01-01"), table
        await db.execute(f"UPDATE {table} SET created_at = created_at WHERE id = %s", (row["id"],))
        assert await updated_at(db, table, row["id"]) == now, table


async def test_updated_at_cannot_be_set_by_hand(db: Connection) -> None:
    rows = await one_row_per_table(db)
    for table, row in rows.items():
        await db.execute(f"UPDATE {table} SET updated_at = %s WHERE id = %s", (OLD, row["id"]))
        assert not str(await updated_at(db, table, row["id"])).startswith("2001"), table
