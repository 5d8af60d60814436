"""`rotation.published.v1` carries the run's roster built in PostgreSQL as one JSON
array: the same places, fields and order as the places read row by row (`run_places`),
and the same linked accounts."""

from tests.factories import (
    make_assignment,
    make_detail,
    make_domain,
    make_participant,
    make_target,
    make_user,
)
from vividshift.db import Connection
from vividshift.notifications import events, queries


async def test_the_roster_is_the_places_read_row_by_row(db: Connection) -> None:
    domain = await make_domain(db)
    user = await make_user(db)
    ana = await make_participant(db, domain_id=domain["id"], name="Ana", user_id=user["id"])
    ben = await make_participant(db, domain_id=domain["id"], name='Ben "B" \\ Zoë')
    bins = await make_target(db, domain_id=domain["id"], name="bins")
    dishes = await make_target(db, domain_id=domain["id"], name="Dishes")
    run = await make_assignment(db, domain_id=domain["id"])
    for person, task, position in [(ben, dishes, 2), (ana, dishes, 1), (ben, bins, None)]:
        await make_detail(
            db,
            assignment_id=run["id"],
            participant_id=person["id"],
            target_id=task["id"],
            position=position,
        )

    event_id = await events.run_published(db, run["id"])

    cur = await db.execute("SELECT payload FROM notification_events WHERE id = %s", (event_id,))
    payload = (await cur.fetchone())["payload"]
    expected = [events._place(p) for p in await queries.run_places(db, run["id"])]
    assert payload["places"] == expected
    _, linked = await queries.run_roster(db, run["id"])
    assert linked == [user["id"]]
