"""A wrong method is 405 with an `Allow` naming every method the path serves (not only
the first route's), in the JSON error body."""

import httpx
import pytest


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("PATCH", "/api/participants", "GET, POST"),
        ("OPTIONS", "/api/participants", "GET, POST"),
        ("DELETE", "/api/assignments", "GET"),
        ("PUT", "/health", "GET"),
        ("HEAD", "/health", "GET"),
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
