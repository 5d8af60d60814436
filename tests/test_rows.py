"""Rows that cross a layer boundary are frozen dataclasses, not dicts (read from the code,
and checked on the database for one query of each typed package)."""

import ast
import dataclasses
import uuid
from pathlib import Path

import pytest

from tests.factories import make_domain, make_user
from vividshift.db import Connection
from vividshift.entities import queries as entity_queries
from vividshift.http.paging import PageParams
from vividshift.invitations import queries as invitation_queries
from vividshift.schedules import queries as schedule_queries
from vividshift.users import queries as user_queries

SRC = Path(__file__).resolve().parent.parent / "src" / "vividshift"
TYPED = ("users", "entities", "schedules", "idempotency", "invitations")


@pytest.mark.parametrize("package", TYPED)
def test_queries_of_typed_packages_return_no_dicts(package: str) -> None:
    tree = ast.parse((SRC / package / "queries.py").read_text())
    untyped = [
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.AsyncFunctionDef | ast.FunctionDef)
        and node.returns is not None
        and "dict" in ast.unparse(node.returns)
    ]
    assert untyped == []


def assert_frozen_row(row: object) -> None:
    assert dataclasses.is_dataclass(row) and not isinstance(row, type)
    field = dataclasses.fields(row)[0].name
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(row, field, None)


async def test_queries_hand_out_frozen_rows(db: Connection) -> None:
    user = await make_user(db)
    found = await user_queries.get_user(db, user["id"])
    assert found is not None and found.username == user["username"]
    assert_frozen_row(found)

    domain = await make_domain(db)
    definition = await entity_queries.insert_definition(
        db, domain["id"], {"name": "room", "json_schema": {"type": "object"}}, None
    )
    assert_frozen_row(definition)
    rows, total = await entity_queries.list_definitions(db, domain["id"], PageParams(10, 0))
    assert total == 1 and rows[0].id == definition.id

    await schedule_queries.arm(db, domain["id"], "0 8 * * 1", "UTC", definition.created_at)
    cursor = await schedule_queries.get_cursor(db, domain["id"])
    assert cursor is not None and cursor.cron == "0 8 * * 1"
    assert_frozen_row(cursor)

    invitation = await invitation_queries.insert_invitation(
        db,
        invitation_id=uuid.uuid4(),
        domain_id=domain["id"],
        email="someone@example.org",
        role="member",
        participant_id=None,
        token_hash=b"x" * 32,
        created_by=None,
        expires_at=definition.created_at,
    )
    assert invitation.status == "expired"  # expires_at is in the past
    assert_frozen_row(invitation)
