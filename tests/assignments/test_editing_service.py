"""`assignments.editing` as a service: called directly on the test's connection."""

from datetime import date
from typing import Any
from uuid import UUID

import pytest

from tests.assignments.service_helpers import count, house, principal
from tests.factories import make_participant, make_target
from vividshift.assignments import editing, generation
from vividshift.assignments.schemas import (
    AssignmentUpdate,
    GenerateRequest,
    ReassignRequest,
    SwapRequest,
)
from vividshift.db import Connection
from vividshift.errors import (
    BusinessRuleViolation,
    Conflict,
    Forbidden,
    ValidationFailed,
)

DAY = date(2031, 4, 7)
HISTORY = "SELECT count(*) AS n FROM assignment_history WHERE assignment_id = %s AND action = %s"


async def run_of(db: Connection, domain: dict[str, Any]) -> UUID:
    body = GenerateRequest.model_validate(
        {"domain": domain["name"], "assignment_date": DAY.isoformat()}
    )
    return (await generation.generate(db, None, body)).id


async def places(db: Connection, run_id: UUID) -> list[dict[str, Any]]:
    cur = await db.execute(
        "SELECT id, participant_id, target_id FROM assignment_details"
        " WHERE assignment_id = %s ORDER BY id",
        (run_id,),
    )
    return await cur.fetchall()


async def idle_person(db: Connection, domain: dict[str, Any], run_id: UUID) -> UUID:
    """A participant of the domain with no place in the run."""
    cur = await db.execute(
        "SELECT id FROM participants WHERE domain_id = %s AND id NOT IN"
        " (SELECT participant_id FROM assignment_details WHERE assignment_id = %s)",
        (domain["id"], run_id),
    )
    row = await cur.fetchone()
    assert row is not None
    return row["id"]


async def test_reassign_puts_another_person_on_the_place_and_records_it(db: Connection) -> None:
    domain = await house(db)
    run_id = await run_of(db, domain)
    place = (await places(db, run_id))[0]
    newcomer = await idle_person(db, domain, run_id)
    body = ReassignRequest(detail_id=place["id"], participant_id=newcomer, reason="swap week")
    result = await editing.reassign(db, None, run_id, body)
    edited = next(d for d in result.assignment.details if d.id == place["id"])
    assert (edited.participant_id, edited.target_id) == (newcomer, place["target_id"])
    assert await count(db, HISTORY, run_id, "reassign") == 1
    assert result.validation_results  # the run was re-validated
    stored = await (
        await db.execute("SELECT metadata FROM assignments WHERE id = %s", (run_id,))
    ).fetchone()
    assert stored is not None
    assert stored["metadata"]["validation_results"] == result.validation_results


async def test_reassign_refuses_a_person_of_another_domain_and_the_same_person(
    db: Connection,
) -> None:
    domain = await house(db)
    other = await house(db, people=1, tasks=0)
    stranger = await make_participant(db, domain_id=other["id"])
    run_id = await run_of(db, domain)
    before = await places(db, run_id)
    place = before[0]
    for participant in (stranger["id"], place["participant_id"]):
        with pytest.raises(ValidationFailed):
            await editing.reassign(
                db, None, run_id, ReassignRequest(detail_id=place["id"], participant_id=participant)
            )
    assert await places(db, run_id) == before
    assert await count(db, HISTORY, run_id, "reassign") == 0


async def test_reassign_onto_a_target_the_person_already_holds_conflicts(db: Connection) -> None:
    domain = await house(db, people=2, tasks=0)
    await make_target(db, name="big job", required_count=2, domain_id=domain["id"])
    run_id = await run_of(db, domain)
    first, second = await places(db, run_id)
    body = ReassignRequest(detail_id=first["id"], participant_id=second["participant_id"])
    with pytest.raises(Conflict):
        await editing.reassign(db, None, run_id, body)
    assert await places(db, run_id) == [first, second]


async def test_swap_exchanges_the_people_of_two_places(db: Connection) -> None:
    domain = await house(db)
    run_id = await run_of(db, domain)
    first, second = await places(db, run_id)
    body = SwapRequest(first_detail_id=first["id"], second_detail_id=second["id"])
    result = await editing.swap(db, None, run_id, body)
    held = {d.id: d.participant_id for d in result.assignment.details}
    assert held == {first["id"]: second["participant_id"], second["id"]: first["participant_id"]}
    assert await count(db, HISTORY, run_id, "swap") == 1
    with pytest.raises(ValidationFailed):
        await editing.swap(
            db, None, run_id, SwapRequest(first_detail_id=first["id"], second_detail_id=first["id"])
        )


async def test_status_moves_forward_only_and_ends_edits(db: Connection) -> None:
    domain = await house(db)
    run_id = await run_of(db, domain)
    done = await editing.update_assignment(
        db, None, run_id, AssignmentUpdate(status="completed", metadata={"note": "ok"})
    )
    assert (done.status, done.metadata["note"]) == ("completed", "ok")
    with pytest.raises(BusinessRuleViolation):
        await editing.update_assignment(db, None, run_id, AssignmentUpdate(status="cancelled"))
    first, second = await places(db, run_id)
    with pytest.raises(BusinessRuleViolation, match="Only active"):
        await editing.swap(
            db,
            None,
            run_id,
            SwapRequest(first_detail_id=first["id"], second_detail_id=second["id"]),
        )


async def test_engine_keys_in_metadata_are_refused(db: Connection) -> None:
    domain = await house(db)
    run_id = await run_of(db, domain)
    with pytest.raises(ValidationFailed):
        await editing.update_assignment(
            db, None, run_id, AssignmentUpdate(metadata={"validation_results": []})
        )


async def test_a_viewer_of_the_domain_may_not_edit(db: Connection) -> None:
    domain = await house(db)
    run_id = await run_of(db, domain)
    viewer = await principal(db, domain, "viewer")
    with pytest.raises(Forbidden):
        await editing.update_assignment(db, viewer, run_id, AssignmentUpdate(name="renamed"))
    manager = await principal(db, domain, "manager")
    renamed = await editing.update_assignment(db, manager, run_id, AssignmentUpdate(name="renamed"))
    assert renamed.name == "renamed"
