"""Fair share's operations under bad input: another house's ids in every path and body
position are 404 with nothing written, lax values are refused, unknown fields and NUL
bytes are 422, dates are read strictly, and the cross-field rules are in the schema."""

import uuid

import httpx
import pytest

from tests.fairshare.helpers import details, generate, make_house
from tests.system.test_http_errors import assert_error
from vividshift.db import Connection


@pytest.fixture
async def houses(client: httpx.AsyncClient, auth_headers) -> dict:
    manager = await auth_headers("user")
    mine = await make_house(client, manager, ["Ann", "Ben", "Cid"], {"Bin": 1}, name="mine")
    theirs = await make_house(client, manager, ["Zed", "Yan"], {"Mop": 1}, name="theirs")
    run = await generate(client, mine, "2026-11-02")
    other_run = await generate(client, theirs, "2026-11-02")
    place = (await details(client, mine, run["id"]))[0]
    other_place = (await details(client, theirs, other_run["id"]))[0]
    asked = await client.post(
        f"/api/assignments/{run['id']}/details/{place['id']}/requests",
        json={"kind": "swap"},
        headers=manager,
    )
    assert asked.status_code == 201, asked.text
    return {
        "manager": manager,
        "mine": mine,
        "theirs": theirs,
        "run": run,
        "place": place,
        "other_place": other_place,
        "request": asked.json(),
    }


async def _writes(db: Connection) -> tuple:
    cur = await db.execute(
        "SELECT (SELECT count(*) FROM assignment_history) AS h,"
        " (SELECT count(*) FROM place_request_events) AS e,"
        " (SELECT count(*) FROM assignment_details WHERE outcome IS NOT NULL) AS o"
    )
    return tuple((await cur.fetchone()).values())


async def test_another_houses_ids_in_the_body_are_404_and_write_nothing(
    client: httpx.AsyncClient, db: Connection, houses: dict
) -> None:
    h, manager = houses, houses["manager"]
    place_url = f"/api/assignments/{h['run']['id']}/details/{h['place']['id']}"
    stranger = h["theirs"].people["Zed"]
    taker = next(p for p in h["mine"].people.values() if p != h["place"]["participant_id"])
    before = await _writes(db)
    for url, body in (
        (place_url + "/outcome", {"outcome": "covered", "by": stranger}),
        (place_url + "/outcome", {"outcome": "swapped", "by": str(uuid.uuid4())}),
        (place_url + "/requests", {"kind": "cover", "participant_id": stranger}),
        (
            f"/api/place-requests/{h['request']['id']}/accept",
            {"participant_id": stranger, "detail_id": h["other_place"]["id"]},
        ),
        (
            f"/api/place-requests/{h['request']['id']}/accept",
            {"participant_id": taker, "detail_id": h["other_place"]["id"]},
        ),
    ):
        response = await client.post(url, json=body, headers=manager)
        assert_error(response, 404, "RESOURCE_NOT_FOUND")
    assert await _writes(db) == before


async def test_another_houses_ids_in_the_path_are_404(
    client: httpx.AsyncClient, auth_headers, db: Connection, houses: dict
) -> None:
    h = houses
    outsider = await auth_headers("user")  # manages a house of their own only
    await make_house(client, outsider, ["Q"], {"Q": 1}, name="elsewhere")
    place_url = f"/api/assignments/{h['run']['id']}/details/{h['place']['id']}"
    request_url = f"/api/place-requests/{h['request']['id']}"
    domain = h["mine"].id
    # The place of one house under the run of another is no place either.
    crossed = f"/api/assignments/{h['run']['id']}/details/{h['other_place']['id']}"
    before = await _writes(db)
    for method, url, body in (
        ("POST", place_url + "/outcome", {"outcome": "done"}),
        ("GET", place_url + "/alternatives", None),
        ("POST", place_url + "/requests", {"kind": "cover"}),
        ("GET", request_url, None),
        ("POST", request_url + "/accept", {}),
        ("POST", request_url + "/approve", None),
        ("POST", request_url + "/refuse", None),
        ("POST", request_url + "/cancel", None),
        ("GET", f"/api/domains/{domain}/fairness", None),
        ("GET", f"/api/domains/{domain}/fairness.csv", None),
    ):
        response = await client.request(method, url, json=body, headers=outsider)
        assert_error(response, 404, "RESOURCE_NOT_FOUND")
    response = await client.post(
        crossed + "/outcome", json={"outcome": "done"}, headers=h["manager"]
    )
    assert_error(response, 404, "RESOURCE_NOT_FOUND")
    assert await _writes(db) == before


async def test_lax_values_unknown_fields_and_nul_bytes_are_422(
    client: httpx.AsyncClient, db: Connection, houses: dict
) -> None:
    h, manager = houses, houses["manager"]
    place_url = f"/api/assignments/{h['run']['id']}/details/{h['place']['id']}"
    accept_url = f"/api/place-requests/{h['request']['id']}/accept"
    before = await _writes(db)
    for url, body in (
        (place_url + "/requests", {"kind": "cover", "auto_find": "true"}),
        (place_url + "/requests", {"kind": "cover", "auto_find": 1}),
        (place_url + "/requests", {"kind": "cover", "urgent": True}),
        (place_url + "/requests", {"kind": "cover", "note": "a\u0000b"}),
        (place_url + "/requests", {"kind": 5}),
        (place_url + "/outcome", {"outcome": "done", "extra": 1}),
        (place_url + "/outcome", {"outcome": "done", "note": "x\u0000"}),
        (place_url + "/outcome", {"outcome": ["done"]}),
        (place_url + "/outcome", {"outcome": "done", "by": 7}),
        (accept_url, {"participant_id": "not-a-uuid"}),
        (accept_url, {"taker": h["mine"].people["Cid"]}),
        (accept_url, {"participant_id": "\u0000"}),
    ):
        response = await client.post(url, json=body, headers=manager)
        assert_error(response, 422, "VALIDATION_ERROR")
    for url in (
        place_url.replace(h["place"]["id"], "%00") + "/outcome",
        place_url + "/outcome?x=%00",
    ):
        response = await client.post(url, json={"outcome": "done"}, headers=manager)
        assert_error(response, 422, "VALIDATION_ERROR")
    assert await _writes(db) == before


async def test_fairness_dates_are_read_strictly_and_to_the_last_date(
    client: httpx.AsyncClient, houses: dict
) -> None:
    h = houses
    base = f"/api/domains/{h['mine'].id}/fairness"
    for suffix in ("", ".csv"):
        for query in ("to=0", "from=2026-12-01T00:00:00", "to=20261201", "from=%00", "to=x"):
            response = await client.get(f"{base}{suffix}?{query}", headers=h["manager"])
            assert_error(response, 422, "VALIDATION_ERROR")
        for query in ("to=9999-12-31", "from=0001-01-01&to=9999-12-31"):
            response = await client.get(f"{base}{suffix}?{query}", headers=h["manager"])
            assert response.status_code == 200, response.text


async def test_the_cross_field_rules_are_in_the_schema(client: httpx.AsyncClient) -> None:
    schemas = (await client.get("/openapi.json")).json()["components"]["schemas"]
    outcome = schemas["OutcomeRequest"]
    assert outcome["if"]["properties"]["outcome"]["enum"] == ["covered", "swapped"]
    assert outcome["then"]["required"] == ["by"]
    assert outcome["else"]["properties"]["by"] == {"type": "null"}
    create = schemas["PlaceRequestCreate"]
    assert create["then"]["properties"]["auto_find"] == {"const": False}
