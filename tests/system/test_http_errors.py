"""Every error leaves as the JSON body of spec/API.md."""

from typing import Annotated

import httpx
import pytest
from fastapi import Body

from tests.conftest import make_settings
from vividshift.app import create_app

ERROR_KEYS = {"error", "code", "details", "timestamp"}


def assert_error(response: httpx.Response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == ERROR_KEYS
    assert body["code"] == code
    assert body["timestamp"].endswith("Z")
    return body


async def test_health(client: httpx.AsyncClient) -> None:
    response = await client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"service": "vividshift", "status": "healthy"}


async def test_unknown_route_is_404_json(client: httpx.AsyncClient) -> None:
    assert_error(await client.get("/no/such/route"), 404, "RESOURCE_NOT_FOUND")


async def test_wrong_method_is_405_with_allow(client: httpx.AsyncClient) -> None:
    response = await client.delete("/health")
    assert_error(response, 405, "VALIDATION_ERROR")
    assert response.headers["allow"] == "GET, HEAD, OPTIONS"


@pytest.fixture
async def echo_client(database_url: str):
    """An app with two extra routes: one echoing a JSON body, one failing."""
    app = create_app(make_settings(database_url, max_body_bytes=4096))

    @app.post("/echo")
    async def echo(payload: Annotated[dict, Body()]) -> dict:
        return payload

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("secret internal detail")

    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            yield http


async def test_invalid_json_is_422(echo_client: httpx.AsyncClient) -> None:
    response = await echo_client.post(
        "/echo", content=b"{not json", headers={"content-type": "application/json"}
    )
    body = assert_error(response, 422, "VALIDATION_ERROR")
    assert isinstance(body["details"], list)


async def test_wrong_type_is_422(echo_client: httpx.AsyncClient) -> None:
    assert_error(await echo_client.post("/echo", json=[1, 2]), 422, "VALIDATION_ERROR")


@pytest.mark.parametrize(
    "raw",
    [
        b'{"name": "a\\u0000b"}',
        b'{"a\\u0000": 1}',
        b'{"deep": [{"x": ["\\u0000"]}]}',
    ],
)
async def test_nul_escape_is_422(echo_client: httpx.AsyncClient, raw: bytes) -> None:
    response = await echo_client.post(
        "/echo", content=raw, headers={"content-type": "application/json"}
    )
    body = assert_error(response, 422, "VALIDATION_ERROR")
    assert "NUL" in body["details"][0]["msg"]


async def test_escaped_backslash_before_u0000_is_accepted(echo_client: httpx.AsyncClient) -> None:
    # "\\u0000" in JSON is a backslash followed by the text u0000, not a NUL.
    response = await echo_client.post(
        "/echo", content=b'{"path": "C:\\\\u0000"}', headers={"content-type": "application/json"}
    )
    assert response.status_code == 200
    assert response.json() == {"path": "C:\\u0000"}


@pytest.mark.parametrize("raw", [b"SG\xffJIM", b'{"name": "caf\xe9"}', b"\xfe\xff\x00{"])
async def test_body_that_is_not_utf8_is_422(echo_client: httpx.AsyncClient, raw: bytes) -> None:
    response = await echo_client.post(
        "/echo", content=raw, headers={"content-type": "application/json"}
    )
    assert_error(response, 422, "VALIDATION_ERROR")


async def test_raw_nul_byte_is_422(echo_client: httpx.AsyncClient) -> None:
    response = await echo_client.post(
        "/echo", content=b'{"name": "a\x00b"}', headers={"content-type": "application/json"}
    )
    assert_error(response, 422, "VALIDATION_ERROR")


async def test_oversized_body_is_413(echo_client: httpx.AsyncClient) -> None:
    response = await echo_client.post("/echo", json={"blob": "x" * 10_000})
    assert_error(response, 413, "VALIDATION_ERROR")


async def test_oversized_streamed_body_is_413(echo_client: httpx.AsyncClient) -> None:
    async def chunks():
        for _ in range(10):
            yield b"x" * 1000

    response = await echo_client.post(
        "/echo", content=chunks(), headers={"content-type": "application/json"}
    )
    assert_error(response, 413, "VALIDATION_ERROR")


async def test_unexpected_error_is_500_without_detail(echo_client: httpx.AsyncClient) -> None:
    response = await echo_client.get("/boom")
    body = assert_error(response, 500, "INTERNAL_ERROR")
    assert "secret" not in response.text
    assert body["details"] is None
