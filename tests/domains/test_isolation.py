"""Security of houses (issue 12): no response lists the members, emails or people of a
house the caller is not in; a member edits their own availability and gets 404 on a
person of another house.

The reads are taken from the app: every GET under /api whose path holds no id is
called (an `entity_type` is filled in), so a list added later is checked with no edit
here."""

import uuid
from typing import Any

import httpx
import pytest

from tests.auth.test_route_matrix import ROUTES, _path_params
from tests.domains.helpers import create_domain, join, user_id
from tests.factories import make_assignment, make_detail, make_participant, make_target
from tests.system.test_http_errors import assert_error
from vividshift.db import Connection

FILLERS = {"entity_type": ("participant", "target")}
LIST_READS = [
    (path, route)
    for method, path, route in ROUTES
    if method == "GET" and path.startswith("/api/") and set(_path_params(route)) <= set(FILLERS)
]


def _urls(path: str, route: Any) -> list[str]:
    urls = [path]
    for name in _path_params(route):
        urls = [u.replace("{" + name + "}", v) for u in urls for v in FILLERS[name]]
    return urls


def test_the_reads_include_the_lists() -> None:
    paths = {p for p, _ in LIST_READS}
    assert {
        "/api/participants",
        "/api/targets",
        "/api/assignments",
        "/api/domains",
        "/api/me/assignments",
        "/api/entities/{entity_type}",
    } <= paths


@pytest.fixture
async def elsewhere(client: httpx.AsyncClient, auth_headers, db: Connection) -> dict[str, Any]:
    """House B with a member, a person (with an email) on a run, and a pending
    invitation: every string of it is unique, to be looked for in responses."""
    mark = uuid.uuid4().hex[:8]
    manager = await auth_headers("user", username=f"bmanager{mark}")
    house = await create_domain(client, manager, f"bhouse{mark}")
    resident = await auth_headers("user", username=f"bresident{mark}")
    await join(client, manager, house, resident, "member")
    person = await make_participant(
        db, domain_id=house, name=f"Bperson{mark}", email=f"bperson{mark}@example.org"
    )
    task = await make_target(db, domain_id=house, name=f"Btask{mark}")
    run = await make_assignment(db, domain_id=house, status="active", name=f"Brun{mark}")
    await make_detail(
        db, assignment_id=run["id"], participant_id=person["id"], target_id=task["id"]
    )
    invited = await client.post(
        f"/api/domains/{house}/invitations",
        json={"email": f"binvite{mark}@example.org"},
        headers=manager,
    )
    assert invited.status_code == 201
    return {"mark": mark, "house": house, "person": person}


async def test_no_read_lists_another_houses_members_emails_or_people(
    client: httpx.AsyncClient, auth_headers, elsewhere: dict[str, Any]
) -> None:
    manager = await auth_headers("user")
    house_a = await create_domain(client, manager, f"ahouse{uuid.uuid4().hex[:8]}")
    member = await auth_headers("user")
    await join(client, manager, house_a, member, "member")
    await make_participant_via_api(client, manager, house_a)
    for who, headers in (("manager of A", manager), ("member of A", member)):
        for path, route in LIST_READS:
            for url in _urls(path, route):
                response = await client.get(url, headers=headers)
                assert response.status_code < 500, (who, url, response.text)
                assert elsewhere["mark"] not in response.text, (who, url, response.text[:500])
                assert str(elsewhere["person"]["id"]) not in response.text, (who, url)
    # Asked for by name or id, house B is a 404 for them, never a list.
    for ref in (f"bhouse{elsewhere['mark']}", elsewhere["house"]):
        for path in ("/api/participants", "/api/targets", "/api/assignments"):
            assert_error(
                await client.get(path, params={"domain": ref}, headers=member),
                404,
                "RESOURCE_NOT_FOUND",
            )


async def make_participant_via_api(client: httpx.AsyncClient, manager, house: str) -> None:
    response = await client.post(
        "/api/participants", json={"name": "Ana", "domain": house}, headers=manager
    )
    assert response.status_code == 201


async def test_a_member_edits_their_own_availability_and_gets_404_elsewhere(
    client: httpx.AsyncClient, auth_headers, elsewhere: dict[str, Any]
) -> None:
    manager = await auth_headers("user")
    house = await create_domain(client, manager, f"ahouse{uuid.uuid4().hex[:8]}")
    resident = await auth_headers("user")
    await join(client, manager, house, resident, "member")
    mine = (
        await client.post(
            "/api/participants",
            json={"name": "Ana", "domain": house, "user_id": await user_id(client, resident)},
            headers=manager,
        )
    ).json()
    week = {"saturday": {"13:00": "unavailable"}}
    own = await client.patch(
        f"/api/participants/{mine['id']}", json={"availability": week}, headers=resident
    )
    assert own.status_code == 200 and own.json()["availability"] == week
    theirs = elsewhere["person"]["id"]
    for method, body in (("GET", None), ("PATCH", {"availability": week}), ("DELETE", None)):
        assert_error(
            await client.request(
                method, f"/api/participants/{theirs}", json=body, headers=resident
            ),
            404,
            "RESOURCE_NOT_FOUND",
        )
