"""/openapi.json states the rules the server enforces: name and version patterns,
fields a PATCH refuses as null, IANA time zones, the participant email rule and the
seed's range; and a swap of unknown details is a 404 whatever the ids."""

import uuid
from typing import Any

import httpx
import jsonschema
import pytest

from tests.rota.helpers import house
from tests.system.test_http_errors import assert_error
from vividshift.domains.schemas import NOT_NULL_ON_UPDATE as DOMAIN_NOT_NULL
from vividshift.fields import MAX_SEED, iana_zones
from vividshift.participants.schemas import NOT_NULL_ON_UPDATE as PARTICIPANT_NOT_NULL
from vividshift.targets.schemas import NOT_NULL_ON_UPDATE as TARGET_NOT_NULL


@pytest.fixture
async def schemas(client: httpx.AsyncClient) -> dict[str, Any]:
    document = (await client.get("/openapi.json")).json()
    return dict(document["components"]["schemas"])


def _branches(prop: dict[str, Any]) -> list[dict[str, Any]]:
    return list(prop.get("anyOf", [prop]))


async def test_patterns_are_stated(
    client: httpx.AsyncClient, auth_headers: Any, schemas: dict[str, Any]
) -> None:
    """A pattern written before the NUL check used to be left out of the document."""
    assert schemas["DefinitionCreate"]["properties"]["name"]["pattern"] == "^[a-z][a-z0-9_]*$"
    assert schemas["DomainCreate"]["properties"]["name"]["pattern"] == "^[a-z0-9][a-z0-9_-]*$"
    version = _branches(schemas["DomainUpdate"]["properties"]["version"])[0]
    assert version["pattern"] == r"^\d{1,6}(\.\d{1,6}){1,2}$"
    headers = await auth_headers("user")
    for name, status in (("Kitchen", 422), ("0kitchen", 201)):
        body = {"name": name, "display_name": "Kitchen"}
        response = await client.post("/api/domains", json=body, headers=headers)
        assert response.status_code == status, response.text


@pytest.mark.parametrize(
    ("model", "fields"),
    [
        ("ParticipantUpdate", PARTICIPANT_NOT_NULL),
        ("TargetUpdate", TARGET_NOT_NULL),
        ("DomainUpdate", DOMAIN_NOT_NULL),
        ("DefinitionUpdate", ("name", "json_schema", "is_active")),
        ("EntityUpdate", ("name",)),
        ("PreferencesWrite", ("email_events",)),
    ],
)
def test_fields_refused_as_null_are_not_nullable(
    schemas: dict[str, Any], model: str, fields: tuple[str, ...]
) -> None:
    properties = schemas[model]["properties"]
    for field in fields:
        assert {"type": "null"} not in _branches(properties[field]), (model, field)
        assert properties[field].get("default", "unset") is not None, (model, field)
    # Fields that may be cleared keep their null.
    if model == "ParticipantUpdate":
        assert {"type": "null"} in _branches(properties["email"])


async def test_a_null_name_is_still_refused(client: httpx.AsyncClient, auth_headers: Any) -> None:
    headers = await auth_headers("admin")
    created = await client.post("/api/participants", json={"name": "Ann"}, headers=headers)
    assert created.status_code == 201, created.text
    url = f"/api/participants/{created.json()['id']}"
    assert_error(
        await client.patch(url, json={"name": None}, headers=headers), 422, "VALIDATION_ERROR"
    )


@pytest.mark.parametrize(
    ("model", "field"),
    [("ProfileWrite", "timezone"), ("PreferencesWrite", "timezone"), ("Schedule", "timezone")],
)
def test_time_zones_are_the_iana_names(schemas: dict[str, Any], model: str, field: str) -> None:
    zone = _branches(schemas[model]["properties"][field])[0]
    assert zone["enum"] == list(iana_zones())
    assert "Europe/Paris" in zone["enum"] and "Mars/Olympus" not in zone["enum"]


async def test_every_listed_zone_is_accepted(client: httpx.AsyncClient, auth_headers: Any) -> None:
    headers = await auth_headers("user")
    # The first and last names, and an old alias: all are the server's too.
    for zone in (iana_zones()[0], iana_zones()[-1], "America/Argentina/ComodRivadavia"):
        profile = await client.put("/api/me/profile", json={"timezone": zone}, headers=headers)
        assert profile.status_code == 200, profile.text
        prefs = await client.put("/api/me/notifications", json={"timezone": zone}, headers=headers)
        assert prefs.status_code == 200, prefs.text
    refused = await client.put(
        "/api/me/profile", json={"timezone": "Mars/Olympus"}, headers=headers
    )
    assert_error(refused, 422, "VALIDATION_ERROR")


async def test_the_email_rule_is_stated(
    client: httpx.AsyncClient, auth_headers: Any, schemas: dict[str, Any]
) -> None:
    email = _branches(schemas["ParticipantCreate"]["properties"]["email"])[0]
    headers = await auth_headers("admin")
    for value, status in (("", 422), ("no-at-sign", 422), ("a@b", 201)):
        assert (value.count("@") == 1 and len(value) > 2) == (status == 201)
        response = await client.post(
            "/api/participants", json={"name": "Bo", "email": value}, headers=headers
        )
        assert response.status_code == status, (value, response.text)
    assert email["pattern"] == r"^[^@\s\x00]+@[^@\s\x00]+$"


async def test_the_seed_range_reads_exactly(
    client: httpx.AsyncClient, auth_headers: Any, schemas: dict[str, Any]
) -> None:
    """JSON numbers of the document are floats: the bound is one a float holds exactly."""
    seed = _branches(schemas["GenerateRequest"]["properties"]["seed"])[0]
    assert seed["maximum"] == MAX_SEED and float(MAX_SEED) == MAX_SEED
    headers = await auth_headers("admin")
    too_big = await client.post(
        "/api/assignments/generate", json={"seed": MAX_SEED + 1}, headers=headers
    )
    assert_error(too_big, 422, "VALIDATION_ERROR")


async def test_a_swap_of_unknown_details_is_404_even_when_the_same(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    headers = await auth_headers("admin")
    detail = str(uuid.uuid4())
    body = {"first_detail_id": detail, "second_detail_id": detail}
    response = await client.post(
        f"/api/assignments/{uuid.uuid4()}/swap", json=body, headers=headers
    )
    assert_error(response, 404, "RESOURCE_NOT_FOUND")


async def test_sort_keys_are_an_enum(client: httpx.AsyncClient, auth_headers: Any) -> None:
    document = (await client.get("/openapi.json")).json()
    headers = await auth_headers("admin")
    for path in ("/api/participants", "/api/targets", "/api/domains"):
        (sort,) = [p for p in document["paths"][path]["get"]["parameters"] if p["name"] == "sort"]
        choices = sort["schema"]["enum"]
        assert "name" in choices and "-name" in choices and "bogus" not in choices
        for value in choices:
            response = await client.get(path, params={"sort": value}, headers=headers)
            assert response.status_code == 200, (path, value, response.text)
        refused = await client.get(path, params={"sort": "bogus"}, headers=headers)
        assert_error(refused, 422, "VALIDATION_ERROR")


async def test_quiet_hours_are_clock_times_not_numbers(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    headers = await auth_headers("user")
    url = "/api/me/notifications"
    # An offset means nothing for a wall time in a zone ("-18:25" was a 500).
    for value in (0, 3600, 1.5, "15:56:59-18:25", "16:01:50Z", "7:00", "24:00"):
        body = {"quiet_hours_start": "22:00", "quiet_hours_end": value}
        assert_error(await client.put(url, json=body, headers=headers), 422, "VALIDATION_ERROR")
    body = {"quiet_hours_start": "22:00", "quiet_hours_end": "07:00:00"}
    assert (await client.put(url, json=body, headers=headers)).status_code == 200


async def test_an_avatar_url_of_the_stated_length_is_taken(
    client: httpx.AsyncClient, auth_headers: Any, schemas: dict[str, Any]
) -> None:
    """2048 characters as sent, though normalising adds the `/` of an empty path."""
    limit = _branches(schemas["ProfileWrite"]["properties"]["avatar_url"])[0]["maxLength"]
    headers = await auth_headers("user")
    host = "https://" + ".".join(["a" * 60] * 40)
    for url, status in ((host[:limit], 200), (host[: limit + 1], 422)):
        assert len(url) in (limit, limit + 1)
        response = await client.put("/api/me/profile", json={"avatar_url": url}, headers=headers)
        assert response.status_code == status, response.text


async def test_reminder_hours_are_a_number_not_a_boolean(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    headers = await auth_headers("user")
    for value, status in ((False, 422), (True, 422), (0, 200), (24, 200)):
        body = {"reminder_hours": value}
        response = await client.put("/api/me/notifications", json=body, headers=headers)
        assert response.status_code == status, (value, response.text)


async def test_a_domains_whole_numbers_are_not_booleans(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    headers = await auth_headers("user")
    created = await client.post(
        "/api/domains", json={"name": "strict", "display_name": "Strict"}, headers=headers
    )
    url = f"/api/domains/{created.json()['id']}"
    for configuration, status in (
        ({"reminder_hours": False}, 422),
        ({"fair_share": {"cover_wave_size": True}}, 422),
        ({"rota": {"every": {"n": True, "unit": "day"}, "anchor": "2030-01-07"}}, 422),
        ({"reminder_hours": 0, "fair_share": {"cover_wave_size": 2}}, 200),
    ):
        response = await client.patch(url, json={"configuration": configuration}, headers=headers)
        assert response.status_code == status, (configuration, response.text)


async def test_an_empty_import_is_refused_as_the_schema_says(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    document = (await client.get("/openapi.json")).json()
    headers = await auth_headers("admin")
    for path in ("/api/participants/import", "/api/targets/import"):
        body = document["paths"][path]["post"]["requestBody"]["content"]["application/json"]
        assert body["schema"]["minItems"] == 1
        response = await client.post(path, json=[], headers=headers)
        assert_error(response, 422, "VALIDATION_ERROR")


async def test_quiet_hours_go_together_as_the_schema_says(
    client: httpx.AsyncClient, auth_headers: Any, schemas: dict[str, Any]
) -> None:
    write = schemas["PreferencesWrite"]
    headers = await auth_headers("user")
    for body in (
        {"quiet_hours_start": "22:00", "quiet_hours_end": None},
        {"quiet_hours_start": "22:00"},
        {"quiet_hours_end": "07:00"},
        {"quiet_hours_start": "22:00", "quiet_hours_end": "07:00"},
        {"quiet_hours_start": None, "quiet_hours_end": None},
        {},
    ):
        stated = jsonschema.Draft202012Validator({"anyOf": write["anyOf"]}).is_valid(body)
        response = await client.put("/api/me/notifications", json=body, headers=headers)
        assert response.status_code == (200 if stated else 422), (body, response.text)


async def test_one_null_quiet_hour_clears_both(
    client: httpx.AsyncClient, auth_headers: Any
) -> None:
    # After quiet hours are set, `{"quiet_hours_end": null}` was a 500 (half a pair).
    headers = await auth_headers("user")
    url = "/api/me/notifications"
    body = {"quiet_hours_start": "22:00", "quiet_hours_end": "07:00"}
    assert (await client.put(url, json=body, headers=headers)).status_code == 200
    response = await client.put(url, json={"quiet_hours_end": None}, headers=headers)
    assert response.status_code == 200, response.text
    assert (response.json()["quiet_hours_start"], response.json()["quiet_hours_end"]) == (
        None,
        None,
    )


@pytest.mark.parametrize(
    ("availability", "accepted"),
    [
        ({"monday": {"9:00": "available"}}, True),
        ({"monday": {"9:00": "avail\x00able"}}, False),
        ({"mon\x00day": {"9:00": "available"}}, False),
        ({"unavailable": [{"start": "2026-12-01", "note": ["a", {"deep": "x\x00"}]}]}, False),
    ],
)
async def test_free_form_json_states_no_nul_at_any_depth(
    client: httpx.AsyncClient,
    auth_headers: Any,
    schemas: dict[str, Any],
    availability: dict[str, Any],
    accepted: bool,
) -> None:
    """A NUL nested in a free-form object (a person's availability) is refused by the
    server and, as the document now says, by its schema: schemathesis found such bodies
    "valid by the schema, refused by the server"."""
    schema = schemas["ParticipantCreate"]["properties"]["availability"]
    resolver = {"components": {"schemas": schemas}} | schema
    valid = jsonschema.Draft202012Validator(resolver).is_valid(availability)
    assert valid is accepted
    if not accepted:
        body = {"name": "Ana", "availability": availability}
        response = await client.post(
            "/api/participants", json=body, headers=await auth_headers("user")
        )
        assert response.status_code == 422, response.text


async def test_local_wall_times_match_their_schema(
    client: httpx.AsyncClient, schemas: dict[str, Any], auth_headers: Any
) -> None:
    # A turn's local start has no offset (it may fall in a spring gap): not a date-time.
    headers = await auth_headers("user")
    domain = await house(client, headers)
    turns = await client.get(
        f"/api/domains/{domain['id']}/turns", params={"from": "2030-03-20"}, headers=headers
    )
    assert turns.status_code == 200, turns.text
    for name in ("local_start", "local_end"):
        schema = schemas["TurnRead"]["properties"][name]
        assert "format" not in schema
        for turn in turns.json()["turns"]:
            jsonschema.validate(turn[name], schema)


async def test_plan_numbers_are_not_booleans(client: httpx.AsyncClient, auth_headers: Any) -> None:
    headers = await auth_headers("user")
    domain = await house(client, headers)
    url = f"/api/domains/{domain['id']}/plan"
    for body in (
        {"from": "2030-01-07", "turns": True},
        {"from": "2030-01-07", "turns": 1, "seed": False},
        {"from": "2030-01-07", "turns": 1, "time_limit_s": True},
    ):
        response = await client.post(url, json=body, headers=headers)
        assert_error(response, 422, "VALIDATION_ERROR")
