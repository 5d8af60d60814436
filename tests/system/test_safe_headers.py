"""Safe defaults in response headers: tokens are never cached (RFC 6749 §5.1), and no
response may be sniffed into another content type."""

import httpx

from tests.auth.helpers import login, register


async def test_token_responses_are_not_stored(client: httpx.AsyncClient) -> None:
    user = await register(client)
    logged_in = await login(client, user["username"], user["password"])
    assert logged_in.status_code == 200
    assert logged_in.headers["cache-control"] == "no-store"
    assert logged_in.headers["pragma"] == "no-cache"
    refreshed = await client.post(
        "/auth/refresh", json={"refresh_token": logged_in.json()["refresh_token"]}
    )
    assert refreshed.status_code == 200, refreshed.text
    assert refreshed.headers["cache-control"] == "no-store"


async def test_every_response_says_nosniff(client: httpx.AsyncClient) -> None:
    for response in (
        await client.get("/health"),
        await client.get("/api/participants"),  # 401 JSON error
        await client.get("/no/such/route"),
        await client.post("/auth/login", json={"username": 1}),
    ):
        assert response.headers["x-content-type-options"] == "nosniff", response.url
        assert response.headers.get_list("x-content-type-options") == ["nosniff"]
