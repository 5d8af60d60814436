"""`assignments.generation` as a service: called directly on the test's connection."""

from datetime import date
from typing import Any

import pytest

from tests.assignments.service_helpers import count, house, principal
from tests.factories import (
    make_assignment,
    make_detail,
    make_domain,
    make_participant,
    make_target,
)
from vividshift.assignments import generation
from vividshift.assignments.schemas import GenerateRequest
from vividshift.db import Connection
from vividshift.errors import BusinessRuleViolation, Conflict, Forbidden, NotFound, ValidationFailed

DAY = date(2031, 3, 3)


def request(domain: dict[str, Any], **fields: Any) -> GenerateRequest:
    return GenerateRequest.model_validate(
        {"domain": domain["name"], "assignment_date": DAY.isoformat()} | fields
    )


async def test_generate_persists_the_run_its_places_and_its_history(db: Connection) -> None:
    domain = await house(db)
    result = await generation.generate(db, None, request(domain, name="March"))
    assert result.status == "active"
    assert result.assignment_date == DAY
    assert result.name == "March"
    assert len(result.assignments) == 2  # one place per task
    assert len({p.participant_id for p in result.assignments}) == 2
    run = await (
        await db.execute(
            "SELECT domain_id, strategy_used FROM assignments WHERE id = %s", (result.id,)
        )
    ).fetchone()
    assert run == {"domain_id": domain["id"], "strategy_used": result.strategy_used}
    details = "SELECT count(*) AS n FROM assignment_details WHERE assignment_id = %s"
    assert await count(db, details, result.id) == 2
    history = (
        "SELECT count(*) AS n FROM assignment_history WHERE assignment_id = %s AND action = %s"
    )
    assert await count(db, history, result.id, "generate") == 1


async def test_a_second_run_of_the_date_conflicts_unless_it_replaces(db: Connection) -> None:
    domain = await house(db)
    first = await generation.generate(db, None, request(domain))
    with pytest.raises(Conflict):
        await generation.generate(db, None, request(domain))
    second = await generation.generate(db, None, request(domain, replace="cancel"))
    statuses = await (
        await db.execute(
            "SELECT id, status FROM assignments WHERE domain_id = %s ORDER BY created_at",
            (domain["id"],),
        )
    ).fetchall()
    assert statuses == [
        {"id": first.id, "status": "cancelled"},
        {"id": second.id, "status": "active"},
    ]
    assert second.metadata["replaced"] == {"run": str(first.id), "replace": "cancel"}


async def test_ids_of_another_domain_are_unknown_and_nothing_is_saved(db: Connection) -> None:
    domain = await house(db)
    other = await house(db, people=1, tasks=0)
    stranger = await (
        await db.execute("SELECT id FROM participants WHERE domain_id = %s", (other["id"],))
    ).fetchone()
    assert stranger is not None
    with pytest.raises(ValidationFailed):
        await generation.generate(db, None, request(domain, participants=[str(stranger["id"])]))
    runs = "SELECT count(*) AS n FROM assignments WHERE domain_id = %s"
    assert await count(db, runs, domain["id"]) == 0


async def test_an_infeasible_problem_is_refused_and_saves_nothing(db: Connection) -> None:
    domain = await house(db, people=1, tasks=0)
    await make_target(db, name="big job", required_count=3, domain_id=domain["id"])
    with pytest.raises(BusinessRuleViolation, match="No valid assignment exists"):
        await generation.generate(db, None, request(domain, force=True))
    runs = "SELECT count(*) AS n FROM assignments WHERE domain_id = %s"
    assert await count(db, runs, domain["id"]) == 0


async def test_preview_answers_like_generate_and_saves_nothing(db: Connection) -> None:
    domain = await house(db)
    shown = await generation.preview(db, None, request(domain, seed=7))
    runs = "SELECT count(*) AS n FROM assignments WHERE domain_id = %s"
    assert await count(db, runs, domain["id"]) == 0
    saved = await generation.generate(db, None, request(domain, seed=7))
    pairs = {(p.participant_id, p.target_id) for p in saved.assignments}
    assert {(p.participant_id, p.target_id) for p in shown.assignments} == pairs


async def test_the_caller_needs_the_manager_role_in_the_domain(db: Connection) -> None:
    domain = await house(db)
    with pytest.raises(NotFound):
        await generation.generate(db, await principal(db, None, "manager"), request(domain))
    with pytest.raises(Forbidden):
        await generation.generate(db, await principal(db, domain, "viewer"), request(domain))
    manager = await principal(db, domain, "manager")
    run = await generation.generate(db, manager, request(domain))
    author = await (
        await db.execute("SELECT created_by FROM assignments WHERE id = %s", (run.id,))
    ).fetchone()
    assert author == {"created_by": manager.id}


async def test_generate_once_replays_a_key_and_refuses_it_for_another_body(
    db: Connection,
) -> None:
    domain = await house(db)
    manager = await principal(db, domain, "manager")
    first, replayed = await generation.generate_once(db, manager, request(domain), "key-1")
    assert replayed is False
    again, replayed = await generation.generate_once(db, manager, request(domain), "key-1")
    assert (again.id, replayed) == (first.id, True)
    with pytest.raises(ValidationFailed):
        await generation.generate_once(db, manager, request(domain, name="other"), "key-1")
    runs = "SELECT count(*) AS n FROM assignments WHERE domain_id = %s"
    assert await count(db, runs, domain["id"]) == 1


async def test_a_no_repeat_window_beyond_ten_runs_reads_that_many(db: Connection) -> None:
    """Ten runs of history are read alongside the people; a rule reaching further back
    has them read again, as deep as it asks."""
    domain = await make_domain(db)
    ana = await make_participant(db, name="Ana", domain_id=domain["id"])
    await make_participant(db, name="Ben", domain_id=domain["id"])
    bins = await make_target(db, name="bins", required_count=1, domain_id=domain["id"])
    runs = []
    for k in range(13):  # k = 0 the earliest; Ana did the bins in the 12th latest run
        run = await make_assignment(
            db, domain_id=domain["id"], assignment_date=date(2031, 1, 1 + k), status="completed"
        )
        runs.append(run)
    await make_detail(
        db, assignment_id=runs[1]["id"], participant_id=ana["id"], target_id=bins["id"]
    )
    no_repeat = [{"name": "no_repeat", "parameters": {"window": 12}}]

    plain = await generation.generate(db, None, request(domain, replace="cancel"))
    deep = await generation.generate(
        db, None, request(domain, constraints=no_repeat, replace="cancel")
    )

    read = "SELECT configuration->'inputs'->'history_runs' AS runs FROM assignments WHERE id = %s"
    plain_runs = (await (await db.execute(read, (plain.id,))).fetchone())["runs"]
    deep_runs = (await (await db.execute(read, (deep.id,))).fetchone())["runs"]
    assert plain_runs == [str(r["id"]) for r in reversed(runs[3:])]
    assert deep_runs == [str(r["id"]) for r in reversed(runs[1:])]
    assert [str(p.participant_id) for p in deep.assignments] != [str(ana["id"])]
