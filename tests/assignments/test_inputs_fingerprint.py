"""The digest a generation compares before saving (it solves without holding a
connection): any change of what it read changes the digest, so the run is solved again."""

from datetime import date

from tests.factories import (
    make_assignment,
    make_detail,
    make_domain,
    make_participant,
    make_target,
)
from vividshift.assignments.queries import inputs_fingerprint
from vividshift.db import Connection

DAY = date(2030, 1, 10)


async def test_absences_and_outcomes_change_the_digest(db: Connection) -> None:
    domain = await make_domain(db)
    ana = await make_participant(db, domain_id=domain["id"])
    bins = await make_target(db, domain_id=domain["id"])
    run = await make_assignment(db, domain_id=domain["id"], assignment_date=date(2030, 1, 3))
    place = await make_detail(
        db, assignment_id=run["id"], participant_id=ana["id"], target_id=bins["id"]
    )
    seen = {await inputs_fingerprint(db, domain["id"], DAY)}

    await db.execute(
        "INSERT INTO participant_absences (participant_id, domain_id, starts_at, ends_at)"
        " VALUES (%s, %s, '2030-01-10', '2030-01-11')",
        (ana["id"], domain["id"]),
    )
    seen.add(await inputs_fingerprint(db, domain["id"], DAY))
    assert len(seen) == 2

    await db.execute(
        "UPDATE assignment_details SET outcome = 'missed', outcome_at = now() WHERE id = %s",
        (place["id"],),
    )
    seen.add(await inputs_fingerprint(db, domain["id"], DAY))
    assert len(seen) == 3

    # Another domain's absence is not this domain's input.
    other = await make_domain(db)
    ben = await make_participant(db, domain_id=other["id"])
    await db.execute(
        "INSERT INTO participant_absences (participant_id, domain_id, starts_at, ends_at)"
        " VALUES (%s, %s, '2030-01-10', '2030-01-11')",
        (ben["id"], other["id"]),
    )
    assert await inputs_fingerprint(db, domain["id"], DAY) in seen


async def test_moving_a_place_changes_the_digest(db: Connection) -> None:
    """Places are summed as hashes, in no order: two people trading their places, or a
    place taken by someone else, still changes the digest."""
    domain = await make_domain(db)
    ana = await make_participant(db, domain_id=domain["id"])
    ben = await make_participant(db, domain_id=domain["id"])
    bins = await make_target(db, domain_id=domain["id"])
    dishes = await make_target(db, domain_id=domain["id"])
    run = await make_assignment(db, domain_id=domain["id"], assignment_date=date(2030, 1, 3))
    first = await make_detail(
        db, assignment_id=run["id"], participant_id=ana["id"], target_id=bins["id"], position=1
    )
    second = await make_detail(
        db, assignment_id=run["id"], participant_id=ben["id"], target_id=dishes["id"], position=1
    )
    seen = {await inputs_fingerprint(db, domain["id"], DAY)}

    # ana and ben trade tasks: the same people, the same tasks, other pairs.
    await db.execute(
        "UPDATE assignment_details SET target_id = %s WHERE id = %s", (dishes["id"], first["id"])
    )
    await db.execute(
        "UPDATE assignment_details SET target_id = %s WHERE id = %s", (bins["id"], second["id"])
    )
    seen.add(await inputs_fingerprint(db, domain["id"], DAY))
    assert len(seen) == 2

    await db.execute("UPDATE assignment_details SET position = 2 WHERE id = %s", (second["id"],))
    seen.add(await inputs_fingerprint(db, domain["id"], DAY))
    assert len(seen) == 3

    await db.execute("DELETE FROM assignment_details WHERE id = %s", (second["id"],))
    seen.add(await inputs_fingerprint(db, domain["id"], DAY))
    assert len(seen) == 4


async def test_values_trading_columns_change_the_digest(db: Connection) -> None:
    """A row's hash combines its columns' hashes each with a seed of its own: the person
    placed and the person covering trading roles is a change; clearing a position too."""
    domain = await make_domain(db)
    ana = await make_participant(db, domain_id=domain["id"])
    ben = await make_participant(db, domain_id=domain["id"])
    bins = await make_target(db, domain_id=domain["id"])
    run = await make_assignment(db, domain_id=domain["id"], assignment_date=date(2030, 1, 3))
    place = await make_detail(
        db, assignment_id=run["id"], participant_id=ana["id"], target_id=bins["id"], position=1
    )
    await db.execute(
        "UPDATE assignment_details SET rota_participant_id = %s WHERE id = %s",
        (ben["id"], place["id"]),
    )
    seen = {await inputs_fingerprint(db, domain["id"], DAY)}

    await db.execute(
        "UPDATE assignment_details SET participant_id = %s, rota_participant_id = %s WHERE id = %s",
        (ben["id"], ana["id"], place["id"]),
    )
    seen.add(await inputs_fingerprint(db, domain["id"], DAY))
    assert len(seen) == 2

    await db.execute("UPDATE assignment_details SET position = NULL WHERE id = %s", (place["id"],))
    seen.add(await inputs_fingerprint(db, domain["id"], DAY))
    assert len(seen) == 3
