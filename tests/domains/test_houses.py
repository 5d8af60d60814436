"""Two houses in one install (issue 12): each sees only its own people and tasks.

"Oak House" and "Lodge" both have an "Ana" with the skill "Kitchen" and a task
"Kitchen": lists, candidates and imports never mix them; a manager of one house gets
404 on the other's rows; a member edits their own availability only.
"""

import uuid

import httpx
import pytest

from tests.domains.helpers import create_domain, join, user_id
from tests.system.test_http_errors import assert_error

AVAILABILITY = {"monday": {"9:00": "available"}}


async def _person(client, headers, domain: str, name: str, **extra) -> dict:
    body = {"name": name, "skills": ["Kitchen"], "domain": domain} | extra
    response = await client.post("/api/participants", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


async def _task(client, headers, domain: str, name: str = "Kitchen") -> dict:
    body = {"name": name, "required_skills": ["Kitchen"], "domain": domain}
    response = await client.post("/api/targets", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


@pytest.fixture
async def houses(client: httpx.AsyncClient, auth_headers) -> dict:
    """Oak House and Lodge, each with its manager, an Ana and a Kitchen."""
    oak_manager, lodge_manager = await auth_headers("user"), await auth_headers("user")
    oak = await create_domain(client, oak_manager, "oak-house")
    lodge = await create_domain(client, lodge_manager, "lodge")
    return {
        "oak": oak,
        "lodge": lodge,
        "oak_manager": oak_manager,
        "lodge_manager": lodge_manager,
        "oak_ana": await _person(client, oak_manager, "oak-house", "Ana"),
        "lodge_ana": await _person(client, lodge_manager, lodge, "Ana"),  # by id
        "oak_kitchen": await _task(client, oak_manager, "oak-house"),
        "lodge_kitchen": await _task(client, lodge_manager, "lodge"),
    }


async def test_lists_never_mix_houses(client: httpx.AsyncClient, houses: dict) -> None:
    oak, lodge = houses["oak"], houses["lodge"]
    for manager, own, other in (
        (houses["oak_manager"], oak, "lodge"),
        (houses["lodge_manager"], lodge, "oak-house"),
    ):
        for path in ("/api/participants", "/api/targets"):
            everything = (await client.get(path, headers=manager)).json()["items"]
            assert [(r["name"], r["domain_id"]) for r in everything] == [
                ("Ana" if path.endswith("participants") else "Kitchen", own)
            ]
            one = await client.get(path, params={"domain": own}, headers=manager)
            assert [r["domain_id"] for r in one.json()["items"]] == [own]
            assert_error(
                await client.get(path, params={"domain": other}, headers=manager),
                404,
                "RESOURCE_NOT_FOUND",
            )
        domains = (await client.get("/api/domains", headers=manager)).json()["items"]
        assert {d["id"] for d in domains} == {own} | {
            d["id"] for d in domains if d["name"] == "default"
        }
    # The Kitchen's candidates are the Ana of its own house only.
    for house in ("oak", "lodge"):
        kitchen = houses[f"{house}_kitchen"]["id"]
        candidates = await client.get(
            f"/api/targets/{kitchen}/candidates", headers=houses[f"{house}_manager"]
        )
        assert [c["id"] for c in candidates.json()["items"]] == [houses[f"{house}_ana"]["id"]]


async def test_a_manager_of_one_house_gets_404_on_the_others_rows(
    client: httpx.AsyncClient, houses: dict
) -> None:
    me = houses["oak_manager"]
    ana, kitchen, lodge = houses["lodge_ana"]["id"], houses["lodge_kitchen"]["id"], houses["lodge"]
    for method, path, body in [
        ("GET", f"/api/participants/{ana}", None),
        ("PATCH", f"/api/participants/{ana}", {"availability": AVAILABILITY}),
        ("DELETE", f"/api/participants/{ana}", None),
        ("GET", f"/api/targets/{kitchen}", None),
        ("GET", f"/api/targets/{kitchen}/candidates", None),
        ("PATCH", f"/api/targets/{kitchen}", {"required_count": 3}),
        ("DELETE", f"/api/targets/{kitchen}", None),
        ("GET", f"/api/domains/{lodge}", None),
        ("PATCH", f"/api/domains/{lodge}", {"display_name": "Mine now"}),
        ("DELETE", f"/api/domains/{lodge}", None),
        ("GET", f"/api/domains/{lodge}/members", None),
        ("POST", f"/api/domains/{lodge}/members", {"user_id": str(uuid.uuid4())}),
        ("GET", f"/api/entities/participant/{ana}", None),
        ("PUT", f"/api/entities/participant/{ana}", {"group": "A"}),
        ("POST", "/api/participants", {"name": "Spy", "domain": "lodge"}),
        ("POST", "/api/targets", {"name": "Spy", "domain": lodge}),
    ]:
        response = await client.request(method, path, json=body, headers=me)
        assert_error(response, 404, "RESOURCE_NOT_FOUND")
        assert "lodge" not in response.text.lower() or "domain" in response.json()["details"]
    imported = await client.post(
        "/api/participants/import", params={"domain": "lodge"}, json=[{"name": "X"}], headers=me
    )
    assert_error(imported, 404, "RESOURCE_NOT_FOUND")
    # Nothing of the Lodge changed.
    lodge_ana = await client.get(f"/api/participants/{ana}", headers=houses["lodge_manager"])
    assert lodge_ana.json()["is_active"] is True and lodge_ana.json()["availability"] == {}


async def test_a_member_edits_their_own_availability_only(
    client: httpx.AsyncClient, auth_headers, houses: dict
) -> None:
    manager, oak = houses["oak_manager"], houses["oak"]
    resident = await auth_headers("user")
    me = await user_id(client, resident)
    await join(client, manager, oak, resident, "member")
    mine = houses["oak_ana"]["id"]
    linked = await client.patch(f"/api/participants/{mine}", json={"user_id": me}, headers=manager)
    assert linked.status_code == 200 and linked.json()["user_id"] == me

    own = await client.patch(
        f"/api/participants/{mine}",
        json={"availability": AVAILABILITY, "preferences": {"morning_shift": True}},
        headers=resident,
    )
    assert own.status_code == 200, own.text
    assert own.json()["availability"] == AVAILABILITY
    for change in ({"name": "Queen Ana"}, {"skills": []}, {"availability": {}, "is_active": False}):
        assert_error(
            await client.patch(f"/api/participants/{mine}", json=change, headers=resident),
            403,
            "AUTHORIZATION_ERROR",
        )

    ben = await _person(client, manager, "oak-house", "Ben")
    assert (await client.get(f"/api/participants/{ben['id']}", headers=resident)).status_code == 200
    assert_error(
        await client.patch(
            f"/api/participants/{ben['id']}", json={"availability": AVAILABILITY}, headers=resident
        ),
        403,
        "AUTHORIZATION_ERROR",
    )
    for method, path in (
        ("DELETE", f"/api/participants/{mine}"),
        ("POST", "/api/participants"),
        ("POST", "/api/targets"),
        ("PATCH", f"/api/targets/{houses['oak_kitchen']['id']}"),
    ):
        body = {"name": "New", "domain": "oak-house"} if method == "POST" else {}
        assert_error(
            await client.request(method, path, json=body, headers=resident),
            403,
            "AUTHORIZATION_ERROR",
        )
    lodge_ana = houses["lodge_ana"]["id"]
    for method in ("GET", "PATCH"):
        body = {"availability": AVAILABILITY} if method == "PATCH" else None
        assert_error(
            await client.request(
                method, f"/api/participants/{lodge_ana}", json=body, headers=resident
            ),
            404,
            "RESOURCE_NOT_FOUND",
        )
    members = (await client.get(f"/api/domains/{oak}/members", headers=resident)).json()
    assert {(m["user_id"], m["role"], m["participant_id"]) for m in members} >= {
        (me, "member", mine)
    }
    assert {m["role"] for m in members} == {"manager", "member"}


async def test_linking_an_account(client: httpx.AsyncClient, auth_headers, houses: dict) -> None:
    manager, oak = houses["oak_manager"], houses["oak"]
    resident = await auth_headers("user")
    me = await user_id(client, resident)
    # Linking makes the account a member of the house, so the person can find it.
    ana = await _person(client, manager, "oak-house", "Ana B", user_id=me)
    assert ana["user_id"] == me
    seen = (await client.get("/api/participants", params={"domain": oak}, headers=resident)).json()
    assert {p["name"] for p in seen["items"]} == {"Ana", "Ana B"}
    # One participant per account and house (409), but another house may link it too.
    assert_error(
        await client.patch(
            f"/api/participants/{houses['oak_ana']['id']}", json={"user_id": me}, headers=manager
        ),
        409,
        "DUPLICATE_RESOURCE",
    )
    lodge = await _person(client, houses["lodge_manager"], "lodge", "Ana L", user_id=me)
    assert lodge["user_id"] == me
    assert_error(
        await client.post(
            "/api/participants",
            json={"name": "Ghost", "domain": oak, "user_id": str(uuid.uuid4())},
            headers=manager,
        ),
        422,
        "BUSINESS_LOGIC_ERROR",
    )
    unlinked = await client.patch(
        f"/api/participants/{ana['id']}", json={"user_id": None}, headers=manager
    )
    assert unlinked.json()["user_id"] is None


async def test_members(client: httpx.AsyncClient, auth_headers, houses: dict) -> None:
    manager, oak = houses["oak_manager"], houses["oak"]
    friend = await auth_headers("user")
    friend_id = await user_id(client, friend)
    friend_name = (await client.get("/api/me", headers=friend)).json()["username"]
    added = await client.post(
        f"/api/domains/{oak}/members", json={"username": friend_name.upper()}, headers=manager
    )
    assert added.status_code == 201, added.text
    assert added.json() | {"created_at": None} == {
        "user_id": friend_id,
        "username": friend_name,
        "role": "member",
        "participant_id": None,
        "created_at": None,
    }
    promoted = await client.post(
        f"/api/domains/{oak}/members",
        json={"user_id": friend_id, "role": "manager"},
        headers=manager,
    )
    assert promoted.status_code == 200 and promoted.json()["role"] == "manager"
    # Now the friend manages the house too, and may demote the founder.
    founder = await user_id(client, manager)
    demoted = await client.post(
        f"/api/domains/{oak}/members", json={"user_id": founder, "role": "viewer"}, headers=friend
    )
    assert demoted.status_code == 200
    assert_error(
        await client.patch(f"/api/domains/{oak}", json={"display_name": "X"}, headers=manager),
        403,
        "AUTHORIZATION_ERROR",
    )
    # The last manager can be neither demoted nor removed.
    for method, body in (("POST", {"user_id": friend_id, "role": "member"}), ("DELETE", None)):
        path = f"/api/domains/{oak}/members" + (f"/{friend_id}" if method == "DELETE" else "")
        assert_error(
            await client.request(method, path, json=body, headers=friend),
            422,
            "BUSINESS_LOGIC_ERROR",
        )
    # A member may leave; an unknown account or member is refused.
    assert (
        await client.delete(f"/api/domains/{oak}/members/{founder}", headers=manager)
    ).status_code == 204
    assert_error(
        await client.get(f"/api/domains/{oak}", headers=manager), 404, "RESOURCE_NOT_FOUND"
    )
    assert_error(
        await client.post(
            f"/api/domains/{oak}/members", json={"username": "nobody-here"}, headers=friend
        ),
        422,
        "BUSINESS_LOGIC_ERROR",
    )
    assert_error(
        await client.post(
            f"/api/domains/{oak}/members",
            json={"username": friend_name, "user_id": friend_id},
            headers=friend,
        ),
        422,
        "VALIDATION_ERROR",
    )
    assert_error(
        await client.delete(f"/api/domains/{oak}/members/{uuid.uuid4()}", headers=friend),
        404,
        "RESOURCE_NOT_FOUND",
    )


async def test_the_default_domain_stays(client: httpx.AsyncClient, auth_headers) -> None:
    admin = await auth_headers("admin")
    domains = (await client.get("/api/domains", headers=admin)).json()["items"]
    default = next(d["id"] for d in domains if d["name"] == "default")
    for method, path, body in (
        ("PATCH", f"/api/domains/{default}", {"name": "house"}),
        ("PATCH", f"/api/domains/{default}", {"is_active": False}),
        ("DELETE", f"/api/domains/{default}", None),
        ("DELETE", f"/api/domains/{default}/permanent", None),
    ):
        assert_error(
            await client.request(method, path, json=body, headers=admin),
            422,
            "BUSINESS_LOGIC_ERROR",
        )
    renamed = await client.patch(
        f"/api/domains/{default}", json={"display_name": "Our house"}, headers=admin
    )
    assert renamed.status_code == 200


async def test_compatible_endpoints_work_on_the_default_domain(
    client: httpx.AsyncClient, houses: dict
) -> None:
    manager = houses["oak_manager"]
    created = await client.post(
        "/api/entities/participant", json={"name": "Old client", "group": "A"}, headers=manager
    )
    assert created.status_code == 201, created.text
    native = await client.get(f"/api/participants/{created.json()['id']}", headers=manager)
    domains = (await client.get("/api/domains", headers=manager)).json()["items"]
    default = next(d["id"] for d in domains if d["name"] == "default")
    assert native.json()["domain_id"] == default
    listed = (await client.get("/api/entities/participant", headers=manager)).json()
    assert [p["name"] for p in listed] == ["Old client"]  # not the Oak House's Ana
    tasks = (await client.get("/api/entities/assignment_target", headers=manager)).json()
    assert tasks == []


async def test_imports_go_to_their_house(client: httpx.AsyncClient, houses: dict) -> None:
    manager, oak = houses["oak_manager"], houses["oak"]
    csv = "name,skills,domain\nCara,Kitchen,\nDan,Kitchen,oak-house\n"
    imported = await client.post(
        "/api/participants/import",
        params={"domain": "oak-house"},
        content=csv,
        headers=manager | {"Content-Type": "text/csv"},
    )
    assert imported.status_code == 201, imported.text
    names = await client.get("/api/participants", params={"domain": oak}, headers=manager)
    assert {p["name"] for p in names.json()["items"]} == {"Ana", "Cara", "Dan"}
    # One row of another house spoils the whole import.
    mixed = [{"name": "Eve"}, {"name": "Fay", "domain": "lodge"}]
    assert_error(
        await client.post(
            "/api/participants/import", params={"domain": oak}, json=mixed, headers=manager
        ),
        404,
        "RESOURCE_NOT_FOUND",
    )
    tasks = await client.post(
        "/api/targets/import", params={"domain": oak}, json=[{"name": "Garden"}], headers=manager
    )
    assert tasks.status_code == 201
    listed = await client.get("/api/targets", params={"domain": "oak-house"}, headers=manager)
    assert {t["name"] for t in listed.json()["items"]} == {"Kitchen", "Garden"}
