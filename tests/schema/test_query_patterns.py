"""The query patterns of SCHEMA.md: right rows on small data, the intended index on 20 000 rows."""

from collections.abc import AsyncIterator
from typing import Any

import psycopg
import pytest
from psycopg.rows import dict_row

from tests.factories import make_assignment, make_detail, make_participant, make_target
from vividshift.db import Connection

SKILL_SEARCH = """SELECT name FROM participants
                  WHERE is_active = true AND skills ? 'cleaning' AND skills ? 'organizing'"""
HAS_ALL_SKILLS = """SELECT name FROM participants
                    WHERE is_active = true AND skills @> '["cleaning", "organizing"]'"""
AVAILABILITY = """SELECT name FROM participants
                  WHERE is_active = true AND availability @> '{"monday": {"9:00": "available"}}'"""
DETAILS_OF_ASSIGNMENT = """SELECT ad.id, p.name AS participant_name, at.name AS target_name,
                                  ad.position, ad.metadata
                           FROM assignment_details ad
                           JOIN participants p ON ad.participant_id = p.id
                           JOIN assignment_targets at ON ad.target_id = at.id
                           WHERE ad.assignment_id = %s
                           ORDER BY ad.position"""
DATE_RANGE = """SELECT name FROM assignments
                WHERE assignment_date BETWEEN %s AND %s AND status = 'active'
                ORDER BY assignment_date DESC"""
SKILL_MATCH = """SELECT p.name AS participant, at.name AS target
                 FROM participants p CROSS JOIN assignment_targets at
                 WHERE p.is_active = true AND at.is_active = true
                   AND p.skills @> at.required_skills"""


async def names(db: Connection, query: str, params: tuple = ()) -> list[str]:
    cur = await db.execute(query, params)
    return [row["name"] for row in await cur.fetchall()]


@pytest.fixture
async def people(db: Connection) -> None:
    await make_participant(
        db,
        name="Ada",
        skills=["cleaning", "organizing"],
        availability={"monday": {"9:00": "available"}},
    )
    await make_participant(
        db, name="Bo", skills=["cleaning"], availability={"monday": {"9:00": "unavailable"}}
    )
    await make_participant(
        db,
        name="Cy",
        skills=["organizing", "cleaning", "cooking"],
        availability={"monday": {"9:00": "available", "17:00": "available"}},
    )
    await make_participant(
        db,
        name="Di",
        skills=["cleaning", "organizing"],
        availability={"monday": {"9:00": "available"}},
        is_active=False,
    )


async def test_skill_search(db: Connection, people: None) -> None:
    assert sorted(await names(db, SKILL_SEARCH)) == ["Ada", "Cy"]


async def test_has_all_skills(db: Connection, people: None) -> None:
    assert sorted(await names(db, HAS_ALL_SKILLS)) == ["Ada", "Cy"]


async def test_availability_contains(db: Connection, people: None) -> None:
    assert sorted(await names(db, AVAILABILITY)) == ["Ada", "Cy"]


async def test_skill_requirements_matching(db: Connection, people: None) -> None:
    await make_target(db, name="Kitchen", required_skills=["cooking"])
    await make_target(db, name="Hall", required_skills=["cleaning"])
    await make_target(db, name="Closed", required_skills=[], is_active=False)
    cur = await db.execute(SKILL_MATCH)
    pairs = sorted((row["participant"], row["target"]) for row in await cur.fetchall())
    assert pairs == [("Ada", "Hall"), ("Bo", "Hall"), ("Cy", "Hall"), ("Cy", "Kitchen")]


async def test_details_of_an_assignment_in_position_order(db: Connection) -> None:
    mine, other = await make_assignment(db), await make_assignment(db)
    task = await make_target(db, name="Parlor")
    for position, name in [(3, "Cy"), (1, "Ada"), (2, "Bo")]:
        person = await make_participant(db, name=name)
        await make_detail(
            db,
            assignment_id=mine["id"],
            participant_id=person["id"],
            target_id=task["id"],
            position=position,
        )
        await make_detail(
            db,
            assignment_id=other["id"],
            participant_id=person["id"],
            target_id=task["id"],
            position=position,
        )
    cur = await db.execute(DETAILS_OF_ASSIGNMENT, (mine["id"],))
    rows = await cur.fetchall()
    assert [(r["participant_name"], r["position"]) for r in rows] == [
        ("Ada", 1),
        ("Bo", 2),
        ("Cy", 3),
    ]
    assert {r["target_name"] for r in rows} == {"Parlor"}


async def test_date_range_with_status(db: Connection) -> None:
    for day, status, name in [
        ("2026-01-01", "active", "before"),
        ("2026-02-01", "active", "first"),
        ("2026-02-10", "cancelled", "cancelled"),
        ("2026-02-20", "active", "last"),
        ("2026-03-05", "active", "after"),
    ]:
        await make_assignment(db, assignment_date=day, status=status, name=name)
    assert await names(db, DATE_RANGE, ("2026-02-01", "2026-02-28")) == ["last", "first"]


def index_names(plan: Any) -> set[str]:
    """Every index a JSON plan scans."""
    found: set[str] = set()
    if isinstance(plan, dict):
        if "Index Name" in plan:
            found.add(plan["Index Name"])
        for value in plan.values():
            found |= index_names(value)
    elif isinstance(plan, list):
        for value in plan:
            found |= index_names(value)
    return found


async def plan_indexes(db: Connection, query: str, params: tuple = ()) -> set[str]:
    cur = await db.execute(f"EXPLAIN (FORMAT JSON) {query}", params)
    row = await cur.fetchone()
    assert row is not None
    return index_names(row["QUERY PLAN"])


@pytest.fixture
async def big_db(fresh_db_url: str) -> AsyncIterator[Connection]:
    """A database of its own: rows other tests wrote and rolled back still bloat the
    shared one's indexes, and plans must not depend on test order."""
    conn = await psycopg.AsyncConnection.connect(
        fresh_db_url, autocommit=True, row_factory=dict_row
    )
    try:
        yield conn
    finally:
        await conn.close()


@pytest.fixture
async def many_rows(big_db: Connection) -> dict[str, Any]:
    """20 000 participants (few with the searched skills), 20 000 details over 200 runs,
    20 000 assignments over ten years."""
    db = big_db
    # Rows like real ones: everyone lists Monday and Tuesday slots; the searched skills
    # and the available Monday morning are rare, as in a filter worth an index.
    await db.execute(
        """INSERT INTO participants (name, email, metadata, skills, availability, is_active)
           SELECT 'person ' || i, 'person' || i || '@example.org',
                  jsonb_build_object('group', (ARRAY['A', 'B'])[1 + i % 2],
                                     'note', repeat('x', 40)),
                  CASE WHEN i % 500 = 7 THEN '["cleaning", "organizing"]'
                       WHEN i % 50 = 0 THEN '["cleaning"]'
                       ELSE '["cooking", "driving"]' END::jsonb,
                  jsonb_build_object(
                      'monday', jsonb_build_object(
                          '9:00', CASE WHEN i % 250 = 3 THEN 'available' ELSE 'unavailable' END,
                          '17:00', 'available'),
                      'tuesday', '{"9:00": "available", "17:00": "unavailable"}'::jsonb),
                  i % 10 <> 0
           FROM generate_series(1, 20000) AS i"""
    )
    await db.execute(
        """INSERT INTO assignment_targets (name)
           SELECT 'task ' || i FROM generate_series(1, 10) AS i"""
    )
    await db.execute(
        """INSERT INTO domains (name, display_name)
           SELECT 'house ' || i, 'House ' || i FROM generate_series(0, 6) AS i"""
    )
    # Seven houses, so that no (house, date) has two active runs.
    await db.execute(
        """INSERT INTO assignments (name, assignment_date, status, strategy_used, domain_id)
           SELECT 'run ' || i, DATE '2016-01-01' + (i % 3650),
                  (ARRAY['active', 'completed', 'cancelled'])[1 + i % 3], 'balanced_rotation',
                  (SELECT id FROM domains WHERE name = 'house ' || (i % 7))
           FROM generate_series(1, 20000) AS i"""
    )
    await db.execute(
        """INSERT INTO assignment_details (assignment_id, participant_id, target_id, position)
           SELECT a.id, p.id, t.id, p.n
           FROM (SELECT id FROM assignments ORDER BY id LIMIT 200) AS a
           CROSS JOIN (SELECT id, row_number() OVER (ORDER BY id) AS n
                       FROM participants ORDER BY id LIMIT 100) AS p
           CROSS JOIN LATERAL (SELECT id FROM assignment_targets
                               ORDER BY id OFFSET p.n % 10 LIMIT 1) AS t"""
    )
    for table in ("participants", "assignment_targets", "assignments", "assignment_details"):
        await db.execute(f"ANALYZE {table}")
    cur = await db.execute("SELECT assignment_id FROM assignment_details LIMIT 1")
    row = await cur.fetchone()
    assert row is not None
    return {"assignment_id": row["assignment_id"]}


@pytest.mark.slow
async def test_intended_indexes_on_20000_rows(
    big_db: Connection, many_rows: dict[str, Any]
) -> None:
    db = big_db
    assert "idx_participants_skills_gin" in await plan_indexes(db, SKILL_SEARCH)
    # Containment uses the jsonb_path_ops indexes (see their migration for why).
    assert "idx_participants_skills_path_gin" in await plan_indexes(db, HAS_ALL_SKILLS)
    assert "idx_participants_availability_path_gin" in await plan_indexes(db, AVAILABILITY)
    detail_indexes = await plan_indexes(db, DETAILS_OF_ASSIGNMENT, (many_rows["assignment_id"],))
    assert detail_indexes & {
        "idx_assignment_details_assignment_id",
        "idx_assignment_details_composite",
    }
    date_indexes = await plan_indexes(db, DATE_RANGE, ("2020-03-01", "2020-03-10"))
    assert "idx_assignments_date_status" in date_indexes
    # The rows are right at this size too.
    assert len(await names(db, SKILL_SEARCH)) == 40
    assert len(await names(db, AVAILABILITY)) == 80
    cur = await db.execute(DETAILS_OF_ASSIGNMENT, (many_rows["assignment_id"],))
    positions = [r["position"] for r in await cur.fetchall()]
    assert positions == list(range(1, 101))
