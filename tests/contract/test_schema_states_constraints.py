"""What /openapi.json states is what the server does, for the invitation, registration
and fair-share operations: a body the schema allows is not refused for a rule the
schema does not state, and every method a path answers is named by a 405's Allow."""

import re
import uuid

import httpx

from tests.domains.helpers import create_domain
from tests.secrets_registry import remember
from tests.system.test_http_errors import assert_error

PASSWORD = "a long unusual passphrase 7391"
remember(PASSWORD)


async def test_a_405_names_every_method_of_the_path(
    client: httpx.AsyncClient, auth_headers
) -> None:
    manager = await auth_headers("user")
    domain = await create_domain(client, manager, f"allow-{uuid.uuid4().hex[:6]}")
    # GET and POST of the collection are two routes; Starlette named only the first.
    response = await client.put(f"/api/domains/{domain}/invitations", headers=manager)
    assert_error(response, 405, "VALIDATION_ERROR")
    assert response.headers["allow"] == "GET, HEAD, OPTIONS, POST"
    response = await client.get(f"/api/place-requests/{uuid.uuid4()}/approve", headers=manager)
    assert_error(response, 405, "VALIDATION_ERROR")
    assert response.headers["allow"] == "OPTIONS, POST"


async def test_the_schema_states_that_reserved_names_are_no_addresses(
    client: httpx.AsyncClient, auth_headers
) -> None:
    """email-validator refuses `.test`, `.local` and the like, which `format: email`
    allows: the schema's `not` pattern names them, so a schema-valid address is taken."""
    document = (await client.get("/openapi.json")).json()
    email = document["components"]["schemas"]["InvitationCreate"]["properties"]["email"]
    refused = re.compile(email["not"]["pattern"])
    manager = await auth_headers("user")
    domain = await create_domain(client, manager, f"mail-{uuid.uuid4().hex[:6]}")
    url = f"/api/domains/{domain}/invitations"
    for address in ("Resident@House.Test", "x@lodge.local", "a@LOCALHOST", "b@c.onion"):
        assert refused.search(address), address
        assert_error(
            await client.post(url, json={"email": address}, headers=manager),
            422,
            "VALIDATION_ERROR",
        )
    for address in ("a@testing.org", "local@example.org", "x@house.tests"):
        assert not refused.search(address), address
        response = await client.post(url, json={"email": address}, headers=manager)
        assert response.status_code == 201, response.text
        remember(response.json()["token"])
    # email-validator's limit is 254 characters: the schema's maxLength says so.
    long_address = "0@" + ".".join(["a" * 63] * 3) + "." + "a" * 61
    assert len(long_address) == 255 and email["maxLength"] == 254
    assert_error(
        await client.post(url, json={"email": long_address}, headers=manager),
        422,
        "VALIDATION_ERROR",
    )
    register = document["components"]["schemas"]["RegisterRequest"]["properties"]["email"]
    assert register["not"] == email["not"]


async def test_the_password_bounds_of_registration_are_in_the_schema(
    client: httpx.AsyncClient,
) -> None:
    document = (await client.get("/openapi.json")).json()
    schema = document["components"]["schemas"]["RegisterRequest"]["properties"]["password"]
    assert (schema["minLength"], schema["maxLength"]) == (8, 128)
    name = f"r{uuid.uuid4().hex[:10]}"
    body = {"username": name, "email": f"{name}@example.org"}
    for password in ("short7!", "x" * 129):
        assert_error(
            await client.post("/auth/register", json=body | {"password": password}),
            422,
            "VALIDATION_ERROR",
        )


async def test_the_schema_states_that_strings_hold_no_nul(
    client: httpx.AsyncClient, auth_headers
) -> None:
    """Every request refuses U+0000 (PostgreSQL cannot store it): the free strings of the
    document say so with a pattern, so a schema-valid note is one the server takes."""
    document = (await client.get("/openapi.json")).json()
    schemas = document["components"]["schemas"]
    note = next(s for s in schemas["PlaceRequestCreate"]["properties"]["note"]["anyOf"])
    assert not re.search(note["pattern"], "a\u0000b") and re.search(note["pattern"], "ab")
    for model, field in (("AcceptRequest", "token"), ("RegisterRequest", "password")):
        assert schemas[model]["properties"][field]["pattern"] == note["pattern"]
    # A bounded string keeps its own rule.
    assert schemas["RegisterRequest"]["properties"]["username"]["pattern"].startswith("^[A-Za")
    manager = await auth_headers("user")
    domain = await create_domain(client, manager, f"nul-{uuid.uuid4().hex[:6]}")
    response = await client.post(
        f"/api/domains/{domain}/invitations", json={"email": "a\u0000@example.org"}, headers=manager
    )
    assert_error(response, 422, "VALIDATION_ERROR")
