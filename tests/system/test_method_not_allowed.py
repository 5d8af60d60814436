"""A wrong method is 405 with an `Allow` naming every method the path serves (not only
the first route's, HEAD and OPTIONS included), in the JSON error body."""

import httpx
import pytest


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("PATCH", "/api/participants", "GET, HEAD, OPTIONS, POST"),
        ("DELETE", "/api/assignments", "GET, HEAD, OPTIONS"),
        ("PUT", "/health", "GET, HEAD, OPTIONS"),
        ("TRACE", "/health", "GET, HEAD, OPTIONS"),
        ("HEAD", "/api/assignments/generate", "OPTIONS, POST"),  # no GET: no HEAD
    ],
)
async def test_405_lists_every_served_method(
    client: httpx.AsyncClient, method: str, path: str, allow: str
) -> None:
    response = await client.request(method, path)
    assert response.status_code == 405
    assert response.headers["allow"] == allow
    if method != "HEAD":
        assert response.json()["code"] == "VALIDATION_ERROR"


@pytest.mark.parametrize(
    ("path", "allow"),
    [
        ("/api/domains/configuration-schema", "GET"),  # not the /{domain_id} operations
        ("/api/assignments/00000000-0000-0000-0000-000000000001.csv", "GET"),
        ("/api/assignments/00000000-0000-0000-0000-000000000001", "GET, PATCH"),
    ],
)
async def test_allow_names_the_paths_own_operation(
    client: httpx.AsyncClient, path: str, allow: str
) -> None:
    response = await client.put(path)
    assert response.status_code == 405
    assert response.headers["allow"] == ", ".join(sorted({*allow.split(", "), "HEAD", "OPTIONS"}))


async def test_a_path_of_another_operation_is_405_not_422(
    client: httpx.AsyncClient, auth_headers
) -> None:  # type: ignore[no-untyped-def]
    headers = await auth_headers("admin")
    response = await client.patch("/api/targets/import", json={}, headers=headers)
    assert response.status_code == 405
    assert response.headers["allow"] == "OPTIONS, POST"
    # A malformed id of the path's own operation stays a 422.
    bad_id = await client.get("/api/targets/not-a-uuid", headers=headers)
    assert bad_id.status_code == 422
