"""The JSONB-filtered list is planned once per connection, not on every request: the
filter's value and the paging reach the planner as subquery results, so PostgreSQL's
generic plan of the prepared statement serves every value — and still filters by the
GIN index first. Marked slow (100 000 rows, as test_explain)."""

from dataclasses import replace

import pytest

from tests.participants.test_explain import SKILLS_GIN, many  # noqa: F401 - the fixture
from vividshift.db import Connection
from vividshift.domains.access import OPEN_DOMAINS
from vividshift.http.paging import PageParams, Sort
from vividshift.participants.queries import page_json_sql
from vividshift.participants.schemas import ParticipantFilters

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    "filters",
    [
        lambda i: ParticipantFilters(has_skill=f"skill{i}"),
        lambda i: ParticipantFilters(has_all_skills=[f"skill{i}", "common1"]),
    ],
)
async def test_every_filter_value_shares_one_generic_plan(
    many: Connection,  # noqa: F811 - the fixture imported above
    filters,  # type: ignore[no-untyped-def]
) -> None:
    visibility = {"visible_to": None, "open_domains": sorted(OPEN_DOMAINS)}
    for i in range(10):  # 5 custom plans, then PostgreSQL compares and keeps one
        scoped = replace(filters(i), visibility=visibility)
        sql, params = page_json_sql(scoped, Sort("name", False), PageParams(50, 10 * i))
        cur = await many.execute(sql, params, prepare=True)
        assert (await cur.fetchone())["body"]  # type: ignore[index]
    cur = await many.execute(
        "SELECT generic_plans, custom_plans FROM pg_prepared_statements"
        " WHERE statement LIKE '%%' || %s || '%%'",
        ("count(*) OVER () AS n FROM matches",),
    )
    [counts] = await cur.fetchall()
    assert counts["generic_plans"] >= 4 and counts["custom_plans"] <= 5, counts

    await many.execute("SET plan_cache_mode = force_generic_plan")
    try:
        sql, params = page_json_sql(filters(0), Sort("name", False), PageParams())
        cur = await many.execute("EXPLAIN " + sql, params, prepare=True)
        plan = "\n".join(next(iter(r.values())) for r in await cur.fetchall())
    finally:
        await many.execute("RESET plan_cache_mode")
    assert SKILLS_GIN.search(plan), plan
