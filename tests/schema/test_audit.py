"""The audit trail of assignments: INSERT, UPDATE and DELETE, attributed to the acting user."""

import uuid

import pytest

from tests.factories import make_assignment, make_detail, make_participant, make_target, make_user
from vividshift.db import Connection, transaction


async def history(db: Connection, assignment_id: object) -> list[dict]:
    cur = await db.execute(
        "SELECT action, changes, changed_by FROM assignment_history"
        " WHERE assignment_id = %s ORDER BY changed_at, id",
        (assignment_id,),
    )
    return await cur.fetchall()


async def as_json(db: Connection, assignment_id: object) -> dict:
    cur = await db.execute(
        "SELECT to_jsonb(a) AS j FROM assignments a WHERE id = %s", (assignment_id,)
    )
    row = await cur.fetchone()
    assert row is not None
    return row["j"]


async def test_insert_records_the_new_row(db: Connection) -> None:
    assignment = await make_assignment(db, name="week 1", metadata={"k": [1, 2]})
    [entry] = await history(db, assignment["id"])
    assert entry["action"] == "INSERT"
    assert entry["changes"] == await as_json(db, assignment["id"])
    assert entry["changed_by"] is None


async def test_update_records_only_changed_columns(db: Connection) -> None:
    assignment = await make_assignment(db, name="week 1")
    await db.execute(
        "UPDATE assignments SET status = 'completed', name = 'week 1', description = 'done'"
        " WHERE id = %s",
        (assignment["id"],),
    )
    entries = await history(db, assignment["id"])
    assert [e["action"] for e in entries] == ["INSERT", "UPDATE"]
    assert entries[1]["changes"] == {
        "status": {"old": "active", "new": "completed"},
        "description": {"old": None, "new": "done"},
    }


async def test_update_of_json_columns_records_old_and_new(db: Connection) -> None:
    assignment = await make_assignment(db, metadata={"a": 1})
    await db.execute(
        """UPDATE assignments SET metadata = '{"a": 2}' WHERE id = %s""", (assignment["id"],)
    )
    entries = await history(db, assignment["id"])
    assert entries[-1]["changes"] == {"metadata": {"old": {"a": 1}, "new": {"a": 2}}}


async def test_update_that_changes_nothing_records_nothing(db: Connection) -> None:
    assignment = await make_assignment(db)
    await db.execute("UPDATE assignments SET status = status WHERE id = %s", (assignment["id"],))
    assert [e["action"] for e in await history(db, assignment["id"])] == ["INSERT"]


async def test_acting_user_comes_from_the_setting(db: Connection) -> None:
    user = await make_user(db)
    async with transaction(db, acting_user=user["id"]):
        assignment = await make_assignment(db)
        await db.execute(
            "UPDATE assignments SET status = 'cancelled' WHERE id = %s", (assignment["id"],)
        )
    assert [e["changed_by"] for e in await history(db, assignment["id"])] == [user["id"]] * 2


@pytest.mark.parametrize("value", ["", "not-a-uuid", "42", str(uuid.uuid4()), "'; DROP TABLE x"])
async def test_unusable_user_setting_does_not_break_the_write(db: Connection, value: str) -> None:
    await db.execute("SELECT set_config('app.current_user_id', %s, true)", (value,))
    assignment = await make_assignment(db)
    [entry] = await history(db, assignment["id"])
    assert entry["changed_by"] is None


async def test_rollback_removes_the_audit_row_with_the_change(db: Connection) -> None:
    class Abort(Exception):
        pass

    with pytest.raises(Abort):
        async with db.transaction():
            assignment = await make_assignment(db, name="doomed")
            assert len(await history(db, assignment["id"])) == 1
            raise Abort
    cur = await db.execute(
        "SELECT count(*) AS n FROM assignment_history WHERE changes->>'name' = 'doomed'"
    )
    assert (await cur.fetchone())["n"] == 0  # type: ignore[index]
    cur = await db.execute("SELECT count(*) AS n FROM assignments WHERE name = 'doomed'")
    assert (await cur.fetchone())["n"] == 0  # type: ignore[index]


async def test_delete_is_archived_with_details_and_history(db: Connection) -> None:
    user = await make_user(db)
    assignment = await make_assignment(db, name="gone")
    person, task = await make_participant(db), await make_target(db)
    detail = await make_detail(
        db,
        assignment_id=assignment["id"],
        participant_id=person["id"],
        target_id=task["id"],
        position=1,
    )
    before = await as_json(db, assignment["id"])
    async with transaction(db, acting_user=user["id"]):
        await db.execute("DELETE FROM assignments WHERE id = %s", (assignment["id"],))

    assert await history(db, assignment["id"]) == []  # cascaded away with the assignment
    cur = await db.execute(
        "SELECT * FROM assignment_deletions WHERE assignment_id = %s", (assignment["id"],)
    )
    [archived] = await cur.fetchall()
    assert archived["assignment"] == before
    assert [d["id"] for d in archived["details"]] == [str(detail["id"])]
    assert [h["action"] for h in archived["history"]] == ["INSERT"]
    assert archived["deleted_by"] == user["id"]
