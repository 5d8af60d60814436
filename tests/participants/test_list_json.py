"""The participants list is built as JSON by PostgreSQL: it must equal, value for value
and timestamp string for timestamp string, what ParticipantRead/Page would have
written from the same rows, for every filter, sort and page, and pass the model."""

import json
from dataclasses import replace

import pytest
from psycopg.types.json import Jsonb

from tests.factories import make_domain, make_participant, make_user
from vividshift.db import Connection
from vividshift.http.paging import Page, PageParams, Sort
from vividshift.participants import queries
from vividshift.participants.schemas import ParticipantFilters, ParticipantRead


async def _python_page(
    db: Connection, filters: ParticipantFilters, sort: Sort, page: PageParams
) -> dict:
    rows, total = await queries.list_participants(db, filters, sort, page)
    built = Page[ParticipantRead](
        items=[ParticipantRead.from_row(r) for r in rows],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )
    return json.loads(built.model_dump_json())


@pytest.fixture
async def house(db: Connection) -> ParticipantFilters:
    domain = await make_domain(db)
    user = await make_user(db)
    await make_participant(
        db,
        domain_id=domain["id"],
        name='Ana "the cook" \\ é ✓\ttab',
        email="ana@example.org",
        skills=Jsonb(["cook", "clean"]),
        availability=Jsonb({"monday": {"9:00": "available"}}),
        metadata=Jsonb({"group": "A", "n": 1.5, "nested": {"b": [1, 2], "a": None}}),
        user_id=user["id"],
    )
    await make_participant(db, domain_id=domain["id"], name="bob", skills=None, phone="+1 555")
    await make_participant(
        db, domain_id=domain["id"], name="Cleo", skills=Jsonb(["cook"]), is_active=False
    )
    for i in range(7):
        await make_participant(db, domain_id=domain["id"], name=f"p{i}", skills=Jsonb(["cook"]))
    # Whole seconds: no fractional part is written for them.
    await db.execute(
        "UPDATE participants SET created_at = date_trunc('second', created_at)"
        " WHERE domain_id = %s AND name = 'bob'",
        (domain["id"],),
    )
    return ParticipantFilters(domain_ids=[domain["id"]])


CASES = [
    (ParticipantFilters(), Sort("name", False), PageParams()),
    (ParticipantFilters(active_only=False), Sort("name", True), PageParams(limit=3)),
    (ParticipantFilters(has_skill="cook"), Sort("name", False), PageParams(limit=4)),
    (ParticipantFilters(has_skill="cook"), Sort("created_at", True), PageParams(4, 4)),
    (ParticipantFilters(has_skill="cook"), Sort("email", False), PageParams(5, 50)),
    (ParticipantFilters(has_all_skills=["cook", "clean"]), Sort("name", False), PageParams()),
    (
        ParticipantFilters(availability={"monday": {"9:00": "available"}}),
        Sort("updated_at", False),
        PageParams(),
    ),
    (ParticipantFilters(name_contains="P"), Sort("name", False), PageParams(limit=2, offset=2)),
    (ParticipantFilters(name_contains="P"), Sort("name", False), PageParams(limit=2, offset=90)),
    (ParticipantFilters(has_skill="nobody"), Sort("name", False), PageParams()),
]


@pytest.mark.parametrize("zone", ["UTC", "Asia/Kolkata"])
@pytest.mark.parametrize(("filters", "sort", "page"), CASES)
async def test_the_sql_built_page_equals_the_model_built_page(
    db: Connection,
    house: ParticipantFilters,
    zone: str,
    filters: ParticipantFilters,
    sort: Sort,
    page: PageParams,
) -> None:
    await db.execute(f"SET LOCAL TIME ZONE '{zone}'")
    scoped = replace(filters, domain_ids=house.domain_ids)
    body = await queries.list_page_json(db, scoped, sort, page)
    from_sql = json.loads(body)
    assert from_sql == await _python_page(db, scoped, sort, page)
    Page[ParticipantRead].model_validate_json(body)


async def test_the_api_list_has_the_documented_shape(client, auth_headers) -> None:  # type: ignore[no-untyped-def]
    headers = await auth_headers("user")
    for name in ("Zed", "Amy"):
        created = await client.post(
            "/api/participants", json={"name": name, "skills": ["x"]}, headers=headers
        )
        assert created.status_code == 201, created.text
    response = await client.get("/api/participants?has_skill=x&q=e", headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    page = Page[ParticipantRead].model_validate_json(response.content)
    assert [p.name for p in page.items] == ["Zed"] and page.total == 1
    single = await client.get(f"/api/participants/{page.items[0].id}", headers=headers)
    assert response.json()["items"][0] == single.json()


async def test_scoping_in_the_query_equals_scoping_by_the_listed_domains(db: Connection) -> None:
    """`visibility` (the domains a caller reads, chosen inside the page query) selects
    exactly what the list of those domains' ids does, for a member and for an admin."""
    from vividshift.auth.deps import Principal
    from vividshift.domains.access import visibility, visible_domain_ids

    member_of, other = await make_domain(db), await make_domain(db)
    user = await make_user(db)
    await db.execute(
        "INSERT INTO domain_members (domain_id, user_id, role) VALUES (%s, %s, 'member')",
        (member_of["id"], user["id"]),
    )
    for house in (member_of, other):
        await make_participant(db, domain_id=house["id"], name="shared name")
    await make_participant(db, name="shared name")  # the default domain, open to all
    for role in ("user", "admin"):
        caller = Principal(user["id"], user["username"], role, user["id"])
        filters = ParticipantFilters(name_contains="shared name")
        by_ids = replace(filters, domain_ids=await visible_domain_ids(db, caller))
        in_query = replace(filters, visibility=visibility(caller))
        page, by_name = PageParams(limit=500), Sort("name", False)
        got = json.loads(await queries.list_page_json(db, in_query, by_name, page))
        assert got == await _python_page(db, by_ids, by_name, page)
        domains = {item["domain_id"] for item in got["items"]}
        assert (str(other["id"]) in domains) is (role == "admin")
        assert str(member_of["id"]) in domains
