"""The predecessor's walkthroughs, step by step through the real app."""

from typing import Any

import httpx

from tests.secrets_registry import remember

# The predecessor's examples use "password123", which our password policy refuses on
# purpose (spec/predecessor/README.md); everything else is sent as written.
PASSWORD = "Lodge-Rota-2026!x"
remember(PASSWORD)

DEFAULT_CHORES = {
    "Parlor": 5,
    "Frontyard": 3,
    "Backyard": 1,
    "Tank": 2,
    "Toilet B": 4,
    "Toilet A": 2,
    "Bin": 1,
}


async def register_and_login(
    client: httpx.AsyncClient, username: str = "admin", email: str = "admin@example.com"
) -> dict[str, str]:
    """Register (as the walkthroughs do), check the documented answer, log in; returns
    the Authorization header (`TOKEN=$(… | jq -r '.token')`)."""
    body = {"username": username, "email": email, "password": PASSWORD}
    registered = await client.post("/auth/register", json=body)
    assert registered.status_code == 201, registered.text
    answer = registered.json()
    assert answer["message"] and set(answer["user"]) >= {"id", "username", "email", "role"}
    assert (answer["user"]["username"], answer["user"]["email"]) == (username, email)
    assert answer["user"]["role"] == "user"
    logged_in = await client.post("/auth/login", json={"username": username, "password": PASSWORD})
    assert logged_in.status_code == 200, logged_in.text
    token = logged_in.json()["token"]
    remember(token, logged_in.json().get("refresh_token"))
    assert set(logged_in.json()["user"]) >= {"id", "username", "role"}
    return {"Authorization": f"Bearer {token}"}


def placements(result: dict[str, Any]) -> int:
    return sum(len(people) for people in result["assignments"].values())
