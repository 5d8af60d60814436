"""CHECK, unique and foreign-key rules, and the cascades of SCHEMA.md."""

import uuid

import psycopg
import pytest
from psycopg import errors

from tests.factories import (
    insert_row,
    make_assignment,
    make_detail,
    make_participant,
    make_target,
    make_user,
)
from vividshift.db import Connection


async def rejects(db: Connection, error: type[Exception], coro_factory) -> None:
    """The statement fails with `error`, leaving the test's transaction usable."""
    with pytest.raises(error):
        async with db.transaction():
            await coro_factory()


async def test_user_role_check(db: Connection) -> None:
    for role in ("admin", "user", "viewer"):
        await make_user(db, role=role)
    await rejects(db, errors.CheckViolation, lambda: make_user(db, role="root"))


async def test_required_count_must_be_positive(db: Connection) -> None:
    await make_target(db, required_count=1)
    await rejects(db, errors.CheckViolation, lambda: make_target(db, required_count=0))
    await rejects(db, errors.CheckViolation, lambda: make_target(db, required_count=-3))


async def test_assignment_status_check(db: Connection) -> None:
    for status in ("active", "completed", "cancelled"):
        await make_assignment(db, status=status)
    await rejects(db, errors.CheckViolation, lambda: make_assignment(db, status="archived"))


async def test_username_and_email_are_unique(db: Connection) -> None:
    user = await make_user(db)
    await rejects(db, errors.UniqueViolation, lambda: make_user(db, username=user["username"]))
    await rejects(db, errors.UniqueViolation, lambda: make_user(db, email=user["email"]))


async def test_domain_name_is_unique(db: Connection) -> None:
    await insert_row(db, "domains", {"name": "chores", "display_name": "Chores"})
    await rejects(
        db,
        errors.UniqueViolation,
        lambda: insert_row(db, "domains", {"name": "chores", "display_name": "Other"}),
    )


async def test_session_token_hash_is_unique(db: Connection) -> None:
    user = await make_user(db)
    row = {"user_id": user["id"], "token_hash": "h1", "expires_at": "2030-01-01T00:00:00Z"}
    await insert_row(db, "user_sessions", row)
    await rejects(db, errors.UniqueViolation, lambda: insert_row(db, "user_sessions", row))


async def test_one_profile_per_user(db: Connection) -> None:
    user = await make_user(db)
    await insert_row(db, "user_profiles", {"user_id": user["id"]})
    await rejects(
        db, errors.UniqueViolation, lambda: insert_row(db, "user_profiles", {"user_id": user["id"]})
    )


async def test_detail_triple_is_unique(db: Connection) -> None:
    assignment, person, task = (
        await make_assignment(db),
        await make_participant(db),
        await make_target(db),
    )
    ids = {
        "assignment_id": assignment["id"],
        "participant_id": person["id"],
        "target_id": task["id"],
    }
    await make_detail(db, **ids, position=1)
    await rejects(db, errors.UniqueViolation, lambda: make_detail(db, **ids, position=2))


@pytest.mark.parametrize(
    "table, column",
    [
        ("user_sessions", "user_id"),
        ("user_profiles", "user_id"),
        ("participants", "created_by"),
        ("assignment_targets", "created_by"),
        ("assignments", "created_by"),
        ("domains", "created_by"),
    ],
)
async def test_foreign_user_ids_are_rejected(db: Connection, table: str, column: str) -> None:
    values = {column: uuid.uuid4()}
    required = {
        "user_sessions": {"token_hash": "t", "expires_at": "2030-01-01T00:00:00Z"},
        "participants": {"name": "n"},
        "assignment_targets": {"name": "n"},
        "assignments": {"strategy_used": "s"},
        "domains": {"name": "d", "display_name": "D"},
    }.get(table, {})
    await rejects(db, errors.ForeignKeyViolation, lambda: insert_row(db, table, values | required))


async def test_detail_foreign_keys_are_checked(db: Connection) -> None:
    assignment, person, task = (
        await make_assignment(db),
        await make_participant(db),
        await make_target(db),
    )
    good = {
        "assignment_id": assignment["id"],
        "participant_id": person["id"],
        "target_id": task["id"],
    }
    for column in good:
        bad = good | {column: uuid.uuid4()}
        await rejects(db, errors.ForeignKeyViolation, lambda bad=bad: make_detail(db, **bad))


async def count(db: Connection, table: str, where: str, value: object) -> int:
    cur = await db.execute(f"SELECT count(*) AS n FROM {table} WHERE {where} = %s", (value,))
    row = await cur.fetchone()
    assert row is not None
    return int(row["n"])


async def test_deleting_a_user_cascades_to_sessions_and_profile(db: Connection) -> None:
    user = await make_user(db)
    await insert_row(
        db,
        "user_sessions",
        {"user_id": user["id"], "token_hash": "x1", "expires_at": "2030-01-01T00:00:00Z"},
    )
    await insert_row(db, "user_profiles", {"user_id": user["id"]})
    await db.execute("DELETE FROM users WHERE id = %s", (user["id"],))
    assert await count(db, "user_sessions", "user_id", user["id"]) == 0
    assert await count(db, "user_profiles", "user_id", user["id"]) == 0


async def test_deleting_a_user_who_created_data_is_refused(db: Connection) -> None:
    user = await make_user(db)
    await make_participant(db, created_by=user["id"])
    await rejects(
        db,
        errors.ForeignKeyViolation,
        lambda: db.execute("DELETE FROM users WHERE id = %s", (user["id"],)),
    )


async def test_deleting_an_assignment_cascades_to_details_and_history(db: Connection) -> None:
    assignment, person, task = (
        await make_assignment(db),
        await make_participant(db),
        await make_target(db),
    )
    await make_detail(
        db, assignment_id=assignment["id"], participant_id=person["id"], target_id=task["id"]
    )
    assert await count(db, "assignment_history", "assignment_id", assignment["id"]) == 1
    await db.execute("DELETE FROM assignments WHERE id = %s", (assignment["id"],))
    assert await count(db, "assignment_details", "assignment_id", assignment["id"]) == 0
    assert await count(db, "assignment_history", "assignment_id", assignment["id"]) == 0


@pytest.mark.parametrize("table", ["participants", "assignment_targets"])
async def test_deleting_a_participant_or_target_cascades_to_details(
    db: Connection, table: str
) -> None:
    assignment, person, task = (
        await make_assignment(db),
        await make_participant(db),
        await make_target(db),
    )
    await make_detail(
        db, assignment_id=assignment["id"], participant_id=person["id"], target_id=task["id"]
    )
    victim = person["id"] if table == "participants" else task["id"]
    await db.execute(f"DELETE FROM {table} WHERE id = %s", (victim,))
    assert await count(db, "assignment_details", "assignment_id", assignment["id"]) == 0


async def test_deleting_a_domain_cascades_to_definitions_and_entities(db: Connection) -> None:
    domain = await insert_row(db, "domains", {"name": "shifts", "display_name": "Shifts"})
    definition = await insert_row(
        db,
        "entity_definitions",
        {"domain_id": domain["id"], "name": "room", "json_schema": {"type": "object"}},
    )
    await insert_row(db, "entities", {"entity_definition_id": definition["id"], "name": "Room 1"})
    await db.execute("DELETE FROM domains WHERE id = %s", (domain["id"],))
    assert await count(db, "entities", "entity_definition_id", definition["id"]) == 0


async def test_entity_definition_names_are_unique_per_domain(db: Connection) -> None:
    one = await insert_row(db, "domains", {"name": "one", "display_name": "One"})
    two = await insert_row(db, "domains", {"name": "two", "display_name": "Two"})
    await insert_row(db, "entity_definitions", {"domain_id": one["id"], "name": "room"})
    await insert_row(db, "entity_definitions", {"domain_id": two["id"], "name": "room"})
    await rejects(
        db,
        errors.UniqueViolation,
        lambda: insert_row(db, "entity_definitions", {"domain_id": one["id"], "name": "room"}),
    )


async def test_not_null_columns(db: Connection) -> None:
    await rejects(db, psycopg.errors.NotNullViolation, lambda: make_participant(db, name=None))
    await rejects(
        db, psycopg.errors.NotNullViolation, lambda: make_assignment(db, strategy_used=None)
    )
