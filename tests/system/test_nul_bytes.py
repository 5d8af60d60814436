"""U+0000 from any source (path, query, header, form, CSV) is refused with 422 and the
JSON error body — or, on a page, the page's error message — never a 500 from the
driver (issue 17). One middleware (`vividshift.http.nul_guard`) does it."""

from collections.abc import Awaitable, Callable

import httpx
import pytest

AuthHeaders = Callable[..., Awaitable[dict[str, str]]]
NUL = "a%00b"


def assert_refused(response: httpx.Response, where: str | None = None) -> None:
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["code"] == "VALIDATION_ERROR"
    assert "NUL" in str(body["details"])
    if where is not None:
        assert body["details"][0]["loc"] == [where]


@pytest.mark.parametrize(
    "url",
    [
        f"/api/participants?q={NUL}",
        f"/api/participants?has_skill={NUL}",
        f"/api/participants?has_all_skills={NUL}",
        f"/api/participants?has_all_skills=cooking&has_all_skills={NUL}",
        f"/api/targets?q={NUL}",
        f"/api/targets?requires_skill={NUL}",
        f"/api/users?q={NUL}",
        f"/api/assignments?strategy={NUL}",
        f"/api/assignments?domain={NUL}",
        f"/api/domains?q={NUL}",
        "/api/participants?q=a%00",  # at the very end
    ],
)
async def test_nul_in_the_query_string(
    client: httpx.AsyncClient, auth_headers: AuthHeaders, url: str
) -> None:
    admin = await auth_headers("admin")
    assert_refused(await client.get(url, headers=admin), "query")


@pytest.mark.parametrize(
    "url", [f"/api/entities/{NUL}", f"/api/entities/participant/{NUL}", "/api/%00/participants"]
)
async def test_nul_in_the_path(
    client: httpx.AsyncClient, auth_headers: AuthHeaders, url: str
) -> None:
    admin = await auth_headers("admin")
    assert_refused(await client.get(url, headers=admin), "path")


async def test_nul_in_headers(client: httpx.AsyncClient, auth_headers: AuthHeaders) -> None:
    user = await auth_headers("user")
    headers = user | {"Idempotency-Key": "key\x00one"}
    response = await client.post("/api/participants", json={"name": "Ann"}, headers=headers)
    assert_refused(response, "header")
    # Before authentication: the user agent a session would record.
    response = await client.post(
        "/auth/login", json={"username": "x", "password": "y"}, headers={"User-Agent": "a\x00"}
    )
    assert_refused(response, "header")
    # A quoted cookie value may spell NUL as an octal escape.
    response = await client.get(
        "/api/me", headers=user | {"Cookie": 'vividshift_session="a\\000b"'}
    )
    assert_refused(response, "header")


async def test_nul_in_csv_imports(client: httpx.AsyncClient, auth_headers: AuthHeaders) -> None:
    user = await auth_headers("user") | {"Content-Type": "text/csv"}
    raw = "name,skills\nAnn\x00,cooking\n"
    response = await client.post("/api/participants/import", content=raw, headers=user)
    assert response.status_code == 422 and "NUL" in response.text
    # Decoded from inside a cell: a JSON object cell holding the \u0000 escape.
    raw = 'name,metadata\nAnn,"{""note"": ""a\\u0000b""}"\n'
    response = await client.post("/api/participants/import", content=raw, headers=user)
    assert response.status_code == 422 and "NUL" in response.text
    raw = 'name,required_count,metadata\nDishes,1,"{""a\\u0000"": 1}"\n'
    response = await client.post("/api/targets/import", content=raw, headers=user)
    assert response.status_code == 422 and "NUL" in response.text


async def test_a_form_post_to_the_api_with_nul(
    client: httpx.AsyncClient, auth_headers: AuthHeaders
) -> None:
    user = await auth_headers("user")
    response = await client.post("/api/participants", data={"name": "a\x00b"}, headers=user)
    assert_refused(response, "body")


async def test_clean_requests_still_pass(
    client: httpx.AsyncClient, auth_headers: AuthHeaders
) -> None:
    user = await auth_headers("user")
    # %2500 is a literal "%00", no NUL.
    response = await client.get("/api/participants?q=a%2500b", headers=user)
    assert response.status_code == 200
    response = await client.post("/api/participants", json={"name": "Ann"}, headers=user)
    assert response.status_code == 201
