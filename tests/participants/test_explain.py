"""EXPLAIN on 100 000 participants: the skill and availability filters use their GIN
indexes. Availability slots are 15 minutes apart (672 distinct
day/time pairs). Marked slow (data generated in SQL with generate_series, ~2 s)."""

import re
from collections.abc import AsyncIterator

import psycopg
import pytest
from psycopg.rows import dict_row

from vividshift.db import Connection
from vividshift.http.paging import PageParams, Sort
from vividshift.participants.queries import list_sql, page_json_sql
from vividshift.participants.schemas import ParticipantFilters
from vividshift.targets.queries import candidates_sql

pytestmark = pytest.mark.slow

ROWS = 100_000
# The schema's jsonb_ops indexes, or the jsonb_path_ops ones of a later migration.
SKILLS_GIN = re.compile(r"idx_participants_skills(_path)?_gin")
AVAILABILITY_GIN = re.compile(r"idx_participants_availability(_path)?_gin")


@pytest.fixture
async def many(fresh_db_url: str) -> AsyncIterator[Connection]:
    """A database of its own: 100 000 rows would leave the shared test database's
    indexes bloated (a rollback does not shrink them) and sway other tests' plans."""
    db = await psycopg.AsyncConnection.connect(fresh_db_url, autocommit=True, row_factory=dict_row)
    await db.execute(
        """
        INSERT INTO participants (name, skills, availability)
        SELECT 'p' || i,
               jsonb_build_array('skill' || (i %% 500), 'common' || (i %% 3)),
               jsonb_build_object(
                   (ARRAY['monday','tuesday','wednesday','thursday','friday','saturday',
                          'sunday'])[1 + i %% 7],
                   jsonb_build_object((i %% 24) || ':' || lpad((15 * (i / 7 %% 4))::text, 2, '0'),
                                      'available'))
          FROM generate_series(1, %s) AS i
        """,
        (ROWS,),
    )
    await db.execute("ANALYZE participants")
    try:
        yield db
    finally:
        await db.close()


async def _plan(db: Connection, sql: str, params: dict) -> str:
    cur = await db.execute("EXPLAIN " + sql, params)
    return "\n".join(next(iter(row.values())) for row in await cur.fetchall())


async def test_json_filters_use_their_gin_indexes(many: Connection) -> None:
    """One data set, four queries (the data set is the slow part)."""
    by_name, page = Sort("name", False), PageParams()
    cases = [
        (ParticipantFilters(has_skill="skill42"), SKILLS_GIN),
        (ParticipantFilters(has_all_skills=["skill42", "common0"]), SKILLS_GIN),
        (
            ParticipantFilters(availability={"monday": {"7:45": "available"}}),
            AVAILABILITY_GIN,
        ),
    ]
    for filters, index in cases:
        for build in (list_sql, page_json_sql):  # the page's and the API's JSON query
            sql, params = build(filters, by_name, page)
            plan = await _plan(many, sql, params)
            assert index.search(plan), plan
    sql, params = candidates_sql(["skill42", "common1"], by_name, page)
    plan = await _plan(many, sql, params)
    assert SKILLS_GIN.search(plan), plan
