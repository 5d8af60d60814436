"""The history a generation reads, numbered in SQL as arrays (`past_places` →
`PastPlaces`), is the history of the runs' detail rows (run 0 the latest; cancelled and
later runs left out)."""

from datetime import UTC, date, datetime

import numpy as np

from tests.factories import make_assignment, make_detail, make_domain, make_participant, make_target
from vividshift.assignments import queries
from vividshift.db import Connection
from vividshift.engine import History, PastRun
from vividshift.engine.past import PastPlaces

UNTIL = date(2030, 2, 1)


async def _pairs(db: Connection, run_id: object) -> tuple[tuple[str, str], ...]:
    """A run's (participant, target) pairs, read row by row: what the history is of."""
    cur = await db.execute(
        "SELECT participant_id::text AS p, target_id::text AS t FROM assignment_details"
        " WHERE assignment_id = %s",
        (run_id,),
    )
    return tuple((row["p"], row["t"]) for row in await cur.fetchall())


async def test_aggregated_history_is_the_history_of_the_runs(db: Connection) -> None:
    domain = await make_domain(db)
    ana, ben, cleo = [await make_participant(db, domain_id=domain["id"]) for _ in range(3)]
    bins, dishes = [await make_target(db, domain_id=domain["id"]) for _ in range(2)]
    at = datetime(2030, 1, 1, tzinfo=UTC)

    async def run(day: date, places: list[tuple[dict, dict]], **extra) -> dict:
        values = {"domain_id": domain["id"], "assignment_date": day} | extra
        row = await make_assignment(db, **values)
        for person, task in places:
            await make_detail(
                db, assignment_id=row["id"], participant_id=person["id"], target_id=task["id"]
            )
        return row

    await run(date(2030, 1, 5), [(ana, bins), (ana, dishes), (ben, bins)], status="completed")
    # Two runs of one date: the one created later is the more recent.
    await run(date(2030, 1, 12), [(ben, dishes)], status="completed", created_at=at)
    await run(date(2030, 1, 12), [(cleo, bins), (ana, bins)], created_at=at.replace(hour=9))
    await run(date(2030, 1, 19), [(cleo, dishes)], status="cancelled")  # not history
    await run(date(2030, 2, 2), [(ben, bins)])  # after the run's date: not history
    other = await make_domain(db)  # another domain's runs are not this one's history
    await run(date(2030, 1, 20), [], domain_id=other["id"])

    past = await queries.past_runs(db, domain_id=domain["id"], until=UNTIL, limit=10)
    people = [str(p["id"]) for p in (ana, ben, cleo)]
    tasks = [str(t["id"]) for t in (bins, dishes)]
    history = await _history(db, [r.id for r in past], people, tasks)

    expected = History.from_runs(
        [PastRun(r.assignment_date, await _pairs(db, r.id), created_at=r.created_at) for r in past]
    )
    assert history == expected
    assert history.depth == 3
    assert history.of(str(ana["id"])) == (
        frozenset({str(bins["id"])}),
        frozenset(),
        frozenset({str(bins["id"]), str(dishes["id"])}),
    )
    assert history.of(str(cleo["id"]))[0] == frozenset({str(bins["id"])})
    # Only the latest two: the limit counts runs, not places.
    two = await queries.past_runs(db, domain_id=domain["id"], until=UNTIL, limit=2)
    shallow = await _history(db, [r.id for r in two], people, tasks)
    assert shallow.of(str(ana["id"])) == (frozenset({str(bins["id"])}), frozenset())


async def _history(db: Connection, runs: list, people: list[str], tasks: list[str]) -> History:
    person, target, run = await queries.past_places(db, runs, people, tasks)
    return History(PastPlaces(len(runs), people, tasks, *map(np.array, (person, target, run))))


async def test_people_and_tasks_not_listed_are_numbered_minus_one(db: Connection) -> None:
    domain = await make_domain(db)
    ana, ben = [await make_participant(db, domain_id=domain["id"]) for _ in range(2)]
    bins, dishes = [await make_target(db, domain_id=domain["id"]) for _ in range(2)]
    run = await make_assignment(db, domain_id=domain["id"], assignment_date=date(2030, 1, 5))
    for person, task in [(ana, bins), (ana, dishes), (ben, bins)]:
        await make_detail(
            db, assignment_id=run["id"], participant_id=person["id"], target_id=task["id"]
        )

    person, target, k = await queries.past_places(
        db, [run["id"]], [str(ana["id"])], [str(bins["id"])]
    )

    assert sorted(zip(person, target, k, strict=True)) == [(-1, 0, 0), (0, -1, 0), (0, 0, 0)]
    assert await queries.past_places(db, [], [str(ana["id"])], []) == ([], [], [])
