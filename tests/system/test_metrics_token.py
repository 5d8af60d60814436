"""VIVIDSHIFT_METRICS_TOKEN: /metrics public when unset, bearer-token only when set."""

import secrets
from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import pytest
from pydantic import ValidationError

from tests.conftest import make_settings
from tests.secrets_registry import remember
from vividshift.app import create_app
from vividshift.auth.deps import app_routes, route_permission
from vividshift.db import Connection, get_db
from vividshift.system.metrics_access import token_matches

TOKEN = "metrics-" + secrets.token_urlsafe(24)
remember(TOKEN)


@pytest.fixture
async def token_client(database_url: str, db: Connection) -> AsyncIterator[httpx.AsyncClient]:
    """A client on an app whose /metrics needs TOKEN (on the test's `db` transaction)."""
    app = create_app(make_settings(database_url, metrics_token=TOKEN))

    async def test_db() -> AsyncIterator[Connection]:
        yield db

    app.dependency_overrides[get_db] = test_db
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            yield http


def assert_refused(response: httpx.Response) -> None:
    assert response.status_code == 401, response.text
    assert response.headers["www-authenticate"] == 'Bearer realm="metrics"'
    body = response.json()
    assert set(body) == {"error", "code", "details", "timestamp"}
    assert body["code"] == "AUTHENTICATION_ERROR"
    assert TOKEN not in response.text
    assert "vividshift_db_pool_size" not in response.text


async def test_metrics_are_public_when_no_token_is_set(client: httpx.AsyncClient) -> None:
    for headers in ({}, {"Authorization": "Bearer whatever-is-sent-here"}):
        response = await client.get("/metrics", headers=headers)
        assert response.status_code == 200
        assert "vividshift_db_pool_size" in response.text


async def test_metrics_need_the_bearer_token_when_set(
    token_client: httpx.AsyncClient,
) -> None:
    for headers in (
        {},
        {"Authorization": ""},
        {"Authorization": "Bearer"},
        {"Authorization": "Bearer "},
        {"Authorization": f"Bearer {TOKEN[:-1]}"},
        {"Authorization": f"Bearer {TOKEN}x"},
        {"Authorization": f"Bearer {TOKEN.upper()}"},
        {"Authorization": f"Basic {TOKEN}"},
        {"Authorization": TOKEN},
    ):
        assert_refused(await token_client.get("/metrics", headers=headers))
    # The token does not work as a query parameter either.
    assert_refused(await token_client.get("/metrics", params={"token": TOKEN}))

    for value in (f"Bearer {TOKEN}", f"bearer {TOKEN}", f"BEARER  {TOKEN} "):
        response = await token_client.get("/metrics", headers={"Authorization": value})
        assert response.status_code == 200, value
        assert response.headers["content-type"].startswith("text/plain")
        assert "vividshift_db_pool_size" in response.text
        # Refused scrapes are counted like any other request, by route template.
        assert 'http_requests_total{handler="/metrics",method="GET",status="401"}' in (
            response.text
        )


async def test_a_user_access_token_does_not_open_metrics(
    token_client: httpx.AsyncClient, auth_headers: Callable[..., Awaitable[dict[str, str]]]
) -> None:
    headers = await auth_headers("admin")
    assert_refused(await token_client.get("/metrics", headers=headers))


async def test_other_public_routes_ignore_the_metrics_token(
    token_client: httpx.AsyncClient,
) -> None:
    assert (await token_client.get("/health")).status_code == 200
    assert (await token_client.get("/openapi.json")).status_code == 200


@pytest.mark.parametrize("metrics_token", [None, TOKEN])
def test_metrics_stay_public_in_the_route_matrix_and_document_401(
    metrics_token: str | None,
) -> None:
    app = create_app(make_settings("postgresql://localhost/unused", metrics_token=metrics_token))
    (route,) = [r for r in app_routes(app) if r.path == "/metrics"]
    assert route_permission(route) == "public"
    spec = app.openapi()
    responses = spec["paths"]["/metrics"]["get"]["responses"]
    assert set(responses) == {"200", "401"}
    assert responses["401"]["content"] == {
        "application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}
    }
    assert set(spec["components"]["schemas"]["ErrorBody"]["properties"]) == {
        "error",
        "code",
        "details",
        "timestamp",
    }
    assert "VIVIDSHIFT_METRICS_TOKEN" in responses["401"]["description"]
    assert "text/plain" in responses["200"]["content"]


def test_token_matches_compares_whole_tokens() -> None:
    assert token_matches(f"Bearer {TOKEN}", TOKEN)
    assert token_matches(f"  bearer {TOKEN}  ", TOKEN)
    assert not token_matches(None, TOKEN)
    assert not token_matches(f"Token {TOKEN}", TOKEN)
    assert not token_matches(f"Bearer {TOKEN} extra", TOKEN)
    assert not token_matches("Bearer é" + TOKEN, TOKEN)


@pytest.mark.parametrize(
    "value", ["", "short-token", "x" * 15, "has a space in it!", "tab\tin-the-token-x", "ñ" * 20]
)
def test_a_weak_or_unsendable_metrics_token_is_refused(value: str) -> None:
    with pytest.raises(ValidationError, match="VIVIDSHIFT_METRICS_TOKEN"):
        make_settings("postgresql://localhost/unused", metrics_token=value)


def test_metrics_token_defaults_to_unset_and_is_secret() -> None:
    settings = make_settings("postgresql://localhost/unused")
    assert settings.metrics_token is None
    with_token = make_settings("postgresql://localhost/unused", metrics_token="x" * 16)
    assert with_token.metrics_token is not None
    assert "x" * 16 not in repr(with_token)
