"""Native endpoints take only what the OpenAPI document says: JSON booleans (not 0/1 or
"yes") and YYYY-MM-DD dates (not a number read as a Unix time)."""

import httpx
import pytest


@pytest.mark.parametrize("value", [0, 1, "true", "yes", "0"])
async def test_is_active_must_be_a_json_boolean(
    client: httpx.AsyncClient, auth_headers, value
) -> None:  # type: ignore[no-untyped-def]
    headers = await auth_headers("admin")
    for path, body in (
        ("/api/participants", {"name": "Ann", "is_active": value}),
        ("/api/targets", {"name": "Sweep", "is_active": value}),
    ):
        response = await client.post(path, json=body, headers=headers)
        assert response.status_code == 422, (path, value, response.text)
        assert response.json()["details"][0]["loc"][-1] == "is_active"
    ok = await client.post(
        "/api/participants", json={"name": "Ann", "is_active": False}, headers=headers
    )
    assert ok.status_code == 201 and ok.json()["is_active"] is False


@pytest.mark.parametrize("value", ["0", "1700000000", "2026-1-2", "yesterday"])
async def test_dates_in_queries_are_iso(client: httpx.AsyncClient, auth_headers, value) -> None:  # type: ignore[no-untyped-def]
    headers = await auth_headers("viewer")
    response = await client.get(f"/api/assignments?date_to={value}", headers=headers)
    assert response.status_code == 422, (value, response.text)
    good = await client.get("/api/assignments?date_to=2026-01-02", headers=headers)
    assert good.status_code == 200


async def test_a_csv_import_still_reads_true_and_false(
    client: httpx.AsyncClient, auth_headers
) -> None:  # type: ignore[no-untyped-def]
    headers = await auth_headers("admin") | {"Content-Type": "text/csv"}
    body = "name,is_active\nAnn,false\nBob,TRUE\n"
    response = await client.post("/api/participants/import", content=body, headers=headers)
    assert response.status_code == 201, response.text
