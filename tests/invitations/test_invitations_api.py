"""Invitations (issue 12): a manager invites by email; the link makes its holder a
member with the invited role, linked to the invited person — once, within 7 days,
unless revoked; otherwise 410 with the JSON error body."""

import hashlib

import httpx
import pytest

from tests.domains.helpers import create_domain, user_id
from tests.secrets_registry import remember
from tests.system.test_http_errors import assert_error
from vividshift.db import Connection


async def _invite(client, manager, domain: str, **body) -> dict:
    response = await client.post(
        f"/api/domains/{domain}/invitations",
        json={"email": "Resident@Example.org"} | body,
        headers=manager,
    )
    assert response.status_code == 201, response.text
    remember(response.json()["token"])
    return response.json()


async def _person(client, manager, domain: str, name: str = "Ana") -> dict:
    response = await client.post(
        "/api/participants", json={"name": name, "domain": domain}, headers=manager
    )
    assert response.status_code == 201, response.text
    return response.json()


@pytest.fixture
async def house(client: httpx.AsyncClient, auth_headers) -> dict:
    manager = await auth_headers("user")
    return {"manager": manager, "id": await create_domain(client, manager, "oak-house")}


async def test_a_manager_invites_and_the_link_makes_a_linked_member(
    client: httpx.AsyncClient, auth_headers, house: dict, db: Connection
) -> None:
    ana = await _person(client, house["manager"], house["id"])
    invitation = await _invite(
        client, house["manager"], house["id"], role="member", participant_id=ana["id"]
    )
    assert invitation["status"] == "pending" and invitation["email"] == "resident@example.org"
    assert invitation["url"] == "http://test/invite/" + invitation["token"]
    # Only a hash of the secret is stored; the token appears nowhere in the row.
    secret = invitation["token"].split(".", 1)[1]
    row = await (
        await db.execute("SELECT * FROM domain_invitations WHERE id = %s", (invitation["id"],))
    ).fetchone()
    assert bytes(row["token_hash"]) == hashlib.sha256(secret.encode()).digest()
    assert secret not in repr(row)

    resident = await auth_headers("user")
    accepted = await client.post(
        "/api/invitations/accept", json={"token": invitation["token"]}, headers=resident
    )
    assert accepted.status_code == 200, accepted.text
    assert accepted.json() == {
        "domain_id": house["id"],
        "domain_name": "oak-house",
        "role": "member",
        "participant_id": ana["id"],
    }
    me = await user_id(client, resident)
    members = (await client.get(f"/api/domains/{house['id']}/members", headers=resident)).json()
    assert {"user_id": me, "role": "member", "participant_id": ana["id"]}.items() <= next(
        m for m in members if m["user_id"] == me
    ).items()
    person = await client.get(f"/api/participants/{ana['id']}", headers=resident)
    assert person.json()["user_id"] == me
    # Single use: a second accept, by anyone, is 410.
    again = await client.post(
        "/api/invitations/accept",
        json={"token": invitation["token"]},
        headers=await auth_headers("user"),
    )
    assert_error(again, 410, "RESOURCE_GONE")
    listed = await client.get(f"/api/domains/{house['id']}/invitations", headers=house["manager"])
    assert [(i["id"], i["status"], i["accepted_by"]) for i in listed.json()] == [
        (invitation["id"], "accepted", me)
    ]
    assert "token" not in listed.json()[0]


async def test_revoked_expired_and_forged_tokens_are_refused(
    client: httpx.AsyncClient, auth_headers, house: dict, db: Connection
) -> None:
    resident = await auth_headers("user")
    revoked = await _invite(client, house["manager"], house["id"])
    gone = await client.delete(
        f"/api/domains/{house['id']}/invitations/{revoked['id']}", headers=house["manager"]
    )
    assert gone.status_code == 204
    body = assert_error(
        await client.post(
            "/api/invitations/accept", json={"token": revoked["token"]}, headers=resident
        ),
        410,
        "RESOURCE_GONE",
    )
    assert "revoked" in body["error"]

    expired = await _invite(client, house["manager"], house["id"])
    await db.execute(
        "UPDATE domain_invitations SET expires_at = now() - interval '1 second' WHERE id = %s",
        (expired["id"],),
    )
    body = assert_error(
        await client.post(
            "/api/invitations/accept", json={"token": expired["token"]}, headers=resident
        ),
        410,
        "RESOURCE_GONE",
    )
    assert "expired" in body["error"]

    pending = await _invite(client, house["manager"], house["id"])
    head, secret = pending["token"].split(".", 1)
    for forged in (f"{head}.{secret[:-1]}x", f"{head}.", "garbage", head):
        assert_error(
            await client.post("/api/invitations/accept", json={"token": forged}, headers=resident),
            404,
            "RESOURCE_NOT_FOUND",
        )
    # None of it made the resident a member.
    members = await client.get(f"/api/domains/{house['id']}/members", headers=house["manager"])
    assert await user_id(client, resident) not in {m["user_id"] for m in members.json()}
    # The invitation lasts 7 days.
    row = await (
        await db.execute(
            "SELECT expires_at - created_at AS life FROM domain_invitations WHERE id = %s",
            (pending["id"],),
        )
    ).fetchone()
    assert abs(row["life"].total_seconds() - 7 * 86400) < 60


async def test_only_managers_of_the_domain_invite_list_and_revoke(
    client: httpx.AsyncClient, auth_headers, house: dict
) -> None:
    invitation = await _invite(client, house["manager"], house["id"])
    member = await auth_headers("user")
    accepted = await client.post(
        "/api/invitations/accept", json={"token": invitation["token"]}, headers=member
    )
    assert accepted.status_code == 200
    stranger = await auth_headers("user")
    await create_domain(client, stranger, "lodge")
    base = f"/api/domains/{house['id']}/invitations"
    refusals = ((member, 403, "AUTHORIZATION_ERROR"), (stranger, 404, "RESOURCE_NOT_FOUND"))
    for who, status, code in refusals:
        assert_error(await client.get(base, headers=who), status, code)
        assert_error(
            await client.post(base, json={"email": "x@example.org"}, headers=who), status, code
        )
        assert_error(await client.delete(f"{base}/{invitation['id']}", headers=who), status, code)
    # Revoking an accepted invitation is refused: remove the member instead.
    assert_error(
        await client.delete(f"{base}/{invitation['id']}", headers=house["manager"]),
        409,
        "DUPLICATE_RESOURCE",
    )


async def test_the_invited_person_must_be_of_the_domain_and_unlinked(
    client: httpx.AsyncClient, auth_headers, house: dict
) -> None:
    other = await auth_headers("user")
    lodge = await create_domain(client, other, "lodge")
    lodge_ana = await _person(client, other, lodge)
    base = f"/api/domains/{house['id']}/invitations"
    assert_error(
        await client.post(
            base,
            json={"email": "a@example.org", "participant_id": lodge_ana["id"]},
            headers=house["manager"],
        ),
        404,
        "RESOURCE_NOT_FOUND",
    )
    ana = await _person(client, house["manager"], house["id"])
    first = await _invite(client, house["manager"], house["id"], participant_id=ana["id"])
    second = await _invite(client, house["manager"], house["id"], participant_id=ana["id"])
    one, two = await auth_headers("user"), await auth_headers("user")
    ok = await client.post("/api/invitations/accept", json={"token": first["token"]}, headers=one)
    assert ok.status_code == 200
    # Ana is taken by now: the second invitation cannot give her to someone else.
    assert_error(
        await client.post("/api/invitations/accept", json={"token": second["token"]}, headers=two),
        409,
        "DUPLICATE_RESOURCE",
    )
    assert_error(
        await client.post(
            base,
            json={"email": "b@example.org", "participant_id": ana["id"]},
            headers=house["manager"],
        ),
        409,
        "DUPLICATE_RESOURCE",
    )


async def test_accepting_never_demotes(
    client: httpx.AsyncClient, auth_headers, house: dict
) -> None:
    co_manager = await auth_headers("user")
    promote = await _invite(client, house["manager"], house["id"], role="manager")
    await client.post(
        "/api/invitations/accept", json={"token": promote["token"]}, headers=co_manager
    )
    viewer = await _invite(client, house["manager"], house["id"], role="viewer")
    accepted = await client.post(
        "/api/invitations/accept", json={"token": viewer["token"]}, headers=co_manager
    )
    assert accepted.json()["role"] == "manager"


async def test_bad_bodies_are_422(client: httpx.AsyncClient, house: dict) -> None:
    base = f"/api/domains/{house['id']}/invitations"
    for body in (
        {},
        {"email": "not-an-email"},
        {"email": "a@example.org", "role": "admin"},
        {"email": "a@example.org", "token": "x"},
    ):
        assert_error(
            await client.post(base, json=body, headers=house["manager"]), 422, "VALIDATION_ERROR"
        )


async def test_the_routes_are_documented(client: httpx.AsyncClient) -> None:
    document = (await client.get("/openapi.json")).json()
    paths = document["paths"]
    create = paths["/api/domains/{domain_id}/invitations"]["post"]
    assert {"201", "401", "403", "404", "409", "422", "503"} <= set(create["responses"])
    assert create["responses"]["201"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/InvitationCreated"
    )
    created = document["components"]["schemas"]["InvitationCreated"]["properties"]
    assert {"token", "url"} <= set(created)
    accept = paths["/api/invitations/accept"]["post"]
    assert {"200", "401", "404", "409", "410", "422"} <= set(accept["responses"])
    revoke = paths["/api/domains/{domain_id}/invitations/{invitation_id}"]["delete"]
    assert {"204", "403", "404", "409"} <= set(revoke["responses"])
    register = paths["/auth/register"]["post"]
    assert {"201", "403", "404", "409", "410", "422"} <= set(register["responses"])
