"""A target's effort (points per place) through /api/targets: create, read, update,
import, bounds."""

import httpx
import pytest

from tests.system.test_http_errors import assert_error


async def test_effort_defaults_to_one_and_round_trips(
    client: httpx.AsyncClient, auth_headers
) -> None:
    headers = await auth_headers("user")
    bin_ = await client.post("/api/targets", json={"name": "Bin"}, headers=headers)
    assert bin_.status_code == 201, bin_.text
    assert bin_.json()["effort"] == 1
    toilet = await client.post(
        "/api/targets", json={"name": "Toilet B", "effort": 3}, headers=headers
    )
    tid = toilet.json()["id"]
    assert toilet.json()["effort"] == 3
    assert (await client.get(f"/api/targets/{tid}", headers=headers)).json()["effort"] == 3
    patched = await client.patch(f"/api/targets/{tid}", json={"effort": 2.5}, headers=headers)
    assert patched.status_code == 200, patched.text
    assert patched.json()["effort"] == 2.5
    # A patch without effort keeps it.
    renamed = await client.patch(f"/api/targets/{tid}", json={"name": "WC"}, headers=headers)
    assert renamed.json()["effort"] == 2.5


async def test_effort_imports_from_csv(client: httpx.AsyncClient, auth_headers) -> None:
    headers = await auth_headers("user")
    ok = await client.post(
        "/api/targets/import",
        content="name,required_count,effort\nParlor,5,1.5\nBin,1,\n",
        headers=headers | {"content-type": "text/csv"},
    )
    assert ok.status_code == 201, ok.text
    efforts = [
        (await client.get(f"/api/targets/{tid}", headers=headers)).json()["effort"]
        for tid in ok.json()["ids"]
    ]
    assert efforts == [1.5, 1]


@pytest.mark.parametrize("effort", [0, -1, 1000.01, 0.001, 5e-324, "lots", None])
async def test_bad_effort_is_422(client: httpx.AsyncClient, auth_headers, effort) -> None:
    headers = await auth_headers("user")
    assert_error(
        await client.post("/api/targets", json={"name": "T", "effort": effort}, headers=headers),
        422,
        "VALIDATION_ERROR",
    )
    tid = (await client.post("/api/targets", json={"name": "T"}, headers=headers)).json()["id"]
    assert_error(
        await client.patch(f"/api/targets/{tid}", json={"effort": effort}, headers=headers),
        422,
        "VALIDATION_ERROR",
    )


async def test_effort_is_documented(client: httpx.AsyncClient) -> None:
    schemas = (await client.get("/openapi.json")).json()["components"]["schemas"]
    for name in ("TargetCreate", "TargetUpdate", "TargetRead"):
        assert "effort" in schemas[name]["properties"], name
    assert "points" in str(schemas["TargetCreate"]["properties"]["effort"])
