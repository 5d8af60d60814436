"""Session-changing actions are logged as structured events, without secrets."""

import json
import logging

import httpx
import pytest

from tests.auth.helpers import bearer, login, login_ok, new_password, register
from vividshift.auth.events import security_event


async def test_events_are_structured_and_hold_no_secrets(
    client: httpx.AsyncClient, auth_headers, caplog: pytest.LogCaptureFixture, db
) -> None:
    caplog.set_level(logging.INFO, logger="vividshift.security")
    admin = await auth_headers("admin")
    user = await register(client)
    await login(client, user["username"], "wrong-" + user["password"])
    first = await login_ok(client, user["username"], user["password"])
    second = (
        await client.post("/auth/refresh", json={"refresh_token": first["refresh_token"]})
    ).json()
    # Past the reuse grace (moved back rather than waited for): a reuse, not a race.
    await db.execute(
        "UPDATE user_sessions SET rotated_at = rotated_at - interval '1 minute' WHERE user_id = %s",
        (user["id"],),
    )
    await client.post("/auth/refresh", json={"refresh_token": first["refresh_token"]})  # reuse
    third = await login_ok(client, user["username"], user["password"])
    new = new_password()
    await client.post(
        "/auth/password",
        json={"current_password": user["password"], "new_password": new},
        headers=bearer(third["token"]),
    )
    await client.put(f"/api/users/{user['id']}/role", json={"role": "viewer"}, headers=admin)
    await client.post(f"/api/users/{user['id']}/deactivate", headers=admin)
    await client.post("/auth/logout", headers=admin)

    events = [r.security_event for r in caplog.records if hasattr(r, "security_event")]
    names = [e["event"] for e in events]
    for expected in (
        "user.created",
        "login.failed",
        "login.succeeded",
        "session.refreshed",
        "session.refresh_reuse",
        "password.changed",
        "user.role_changed",
        "user.deactivated",
        "session.logout",
    ):
        assert expected in names, expected
    for record in caplog.records:
        if record.name == "vividshift.security":
            assert json.loads(record.getMessage())["event"]
    text = caplog.text + repr([r.__dict__ for r in caplog.records])
    secrets = [
        user["password"],
        new,
        first["token"],
        first["refresh_token"],
        second["token"],
        second["refresh_token"],
        third["token"],
        third["refresh_token"],
    ]
    for secret in secrets:
        assert secret not in text


def test_event_fields_are_allow_listed() -> None:
    with pytest.raises(ValueError, match="password"):
        security_event("login.failed", password="x")
