"""Prior load: effort of past non-cancelled places, and days present since the domain's
first run less recorded absences."""

from datetime import UTC, date, datetime

import pytest

from tests.factories import (
    make_assignment,
    make_detail,
    make_domain,
    make_participant,
    make_target,
)
from vividshift.db import Connection
from vividshift.rota.load import prior_load


async def test_prior_load_counts_effort_and_presence(db: Connection):
    domain = await make_domain(db)
    ana = await make_participant(db, domain_id=domain["id"], created_at="2029-01-01T00:00:00Z")
    ben = await make_participant(db, domain_id=domain["id"], created_at="2029-01-01T00:00:00Z")
    toilet = await make_target(db, domain_id=domain["id"], effort=3)
    bins = await make_target(db, domain_id=domain["id"], effort=1)
    first = await make_assignment(db, domain_id=domain["id"], assignment_date=date(2030, 1, 1))
    second = await make_assignment(db, domain_id=domain["id"], assignment_date=date(2030, 1, 11))
    dropped = await make_assignment(
        db, domain_id=domain["id"], assignment_date=date(2030, 1, 12), status="cancelled"
    )
    later = await make_assignment(db, domain_id=domain["id"], assignment_date=date(2030, 2, 1))
    for run, person, task in (
        (first, ana, toilet),
        (first, ben, bins),
        (second, ana, bins),
        (dropped, ben, toilet),  # cancelled: not done
        (later, ben, toilet),  # after `until`
    ):
        await make_detail(
            db, assignment_id=run["id"], participant_id=person["id"], target_id=task["id"]
        )
    await db.execute(
        "INSERT INTO participant_absences (participant_id, domain_id, starts_at, ends_at)"
        " VALUES (%s, %s, '2030-01-05', '2030-01-10')",
        (ben["id"], domain["id"]),
    )
    until = datetime(2030, 1, 21, tzinfo=UTC)
    load = await prior_load(db, domain["id"], until)
    # Since the first run (2030-01-01, in the session's zone): 20 days; Ben away 5 of them.
    assert load[ana["id"]][0] == 4 and load[ben["id"]][0] == 1
    assert load[ana["id"]][1] == pytest.approx(20, abs=1)
    assert load[ana["id"]][1] - load[ben["id"]][1] == pytest.approx(5)


async def test_prior_load_is_the_ledger_once_places_have_outcomes(db: Connection):
    """A cover counts for whoever did it and a no-show earns nothing (issue 15)."""
    domain = await make_domain(db)
    ana, ben, cid = [
        await make_participant(db, domain_id=domain["id"], created_at="2029-01-01T00:00:00Z")
        for _ in range(3)
    ]
    toilet = await make_target(db, domain_id=domain["id"], effort=3)
    run = await make_assignment(db, domain_id=domain["id"], assignment_date=date(2030, 1, 1))
    covered = await make_detail(
        db, assignment_id=run["id"], participant_id=ben["id"], target_id=toilet["id"]
    )
    missed = await make_detail(
        db, assignment_id=run["id"], participant_id=cid["id"], target_id=toilet["id"]
    )
    # Ben stood in for Ana (the rota's person); Cid did not turn up.
    await db.execute(
        "UPDATE assignment_details SET rota_participant_id = %s, outcome = 'done',"
        " outcome_at = now()"
        " WHERE id = %s",
        (ana["id"], covered["id"]),
    )
    await db.execute(
        "UPDATE assignment_details SET outcome = 'missed', outcome_at = now() WHERE id = %s",
        (missed["id"],),
    )
    load = await prior_load(db, domain["id"], datetime(2030, 1, 11, tzinfo=UTC))
    assert {p: effort for p, (effort, _) in load.items()} == {
        ana["id"]: 0.0,
        ben["id"]: 3.0,
        cid["id"]: 0.0,
    }
    assert load[ana["id"]][1] == pytest.approx(10)
