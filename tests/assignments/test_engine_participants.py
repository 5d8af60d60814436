"""Generation reads its people as one JSON array built in PostgreSQL
(`engine_participants`): the engine gets exactly the people `load_participants` gives."""

from psycopg.types.json import Jsonb

from tests.factories import make_domain, make_participant
from vividshift.assignments import queries
from vividshift.db import Connection
from vividshift.engine import participant_from_mapping


async def test_the_same_people_as_row_by_row(db: Connection) -> None:
    domain = await make_domain(db)
    people = [
        await make_participant(
            db,
            domain_id=domain["id"],
            name='Zoë "Z" \\ 東京',
            skills=Jsonb({"cooking": 0.5, "driving": 1}),
            preferences=Jsonb({"preferred_targets": ["x"], "targets": {"y": 0.25}}),
            metadata=Jsonb({"group": "B", "nested": {"a": [1, None, True]}}),
            availability=Jsonb({"monday": [{"start": "09:00", "end": "12:00"}]}),
        ),
        await make_participant(db, domain_id=domain["id"], skills=Jsonb(["a", "b"])),
        await make_participant(db, domain_id=domain["id"], is_active=False),
    ]
    # A number beyond a double (orjson refuses it: the standard parser reads it).
    await db.execute(
        """UPDATE participants SET metadata = metadata || '{"big": 1e400}' WHERE id = %s""",
        (people[0]["id"],),
    )
    await db.execute(
        "INSERT INTO participant_absences (participant_id, domain_id, starts_at, ends_at)"
        " VALUES (%s, %s, '2030-01-10', '2030-01-11'), (%s, %s, '2030-01-01', '2030-01-02')",
        (people[0]["id"], domain["id"], people[0]["id"], domain["id"]),
    )
    await make_participant(db, domain_id=(await make_domain(db))["id"])  # another domain's

    for ids in (None, [p["id"] for p in people]):
        rows = await queries.load_participants(db, domain["id"], ids)
        aggregated = await queries.engine_participants(db, domain["id"], ids)

        assert [str(r["id"]) for r in rows] == [r["id"] for r in aggregated]
        assert [r["is_active"] for r in rows] == [r["is_active"] for r in aggregated]
        assert [participant_from_mapping(r) for r in rows] == [
            participant_from_mapping(r) for r in aggregated
        ]
    assert len(await queries.engine_participants(db, domain["id"], None)) == 2
    assert await queries.engine_participants(db, (await make_domain(db))["id"], None) == []
