"""User administration: admins only; roles apply at the next request; last admin kept."""

import httpx

from tests.auth.helpers import bearer, login_ok, register
from tests.factories import make_user
from vividshift.db import Connection


async def test_list_and_search_users_paged(
    client: httpx.AsyncClient, auth_headers, db: Connection
) -> None:
    admin = await auth_headers("admin")
    for i in range(3):
        await make_user(db, username=f"zebra{i}x", email=f"zebra{i}@zoo.example")
    page = await client.get("/api/users", params={"q": "zebra", "limit": 2}, headers=admin)
    assert page.status_code == 200
    body = page.json()
    assert body["total"] == 3 and body["limit"] == 2 and body["offset"] == 0
    assert [u["username"] for u in body["items"]] == ["zebra0x", "zebra1x"]
    rest = await client.get("/api/users", params={"q": "ZOO.example", "offset": 2}, headers=admin)
    assert [u["username"] for u in rest.json()["items"]] == ["zebra2x"]
    assert "password_hash" not in rest.text
    wild = await client.get("/api/users", params={"q": "%"}, headers=admin)
    assert wild.json()["total"] == 0  # LIKE wildcards are literal
    bad = await client.get("/api/users", params={"limit": 0}, headers=admin)
    assert bad.status_code == 422
    viewers = await client.get("/api/users", params={"role": "viewer"}, headers=admin)
    assert all(u["role"] == "viewer" for u in viewers.json()["items"])


async def test_get_one_user(client: httpx.AsyncClient, auth_headers, db: Connection) -> None:
    admin = await auth_headers("admin")
    user = await make_user(db)
    response = await client.get(f"/api/users/{user['id']}", headers=admin)
    assert response.status_code == 200
    assert response.json()["username"] == user["username"]
    missing = await client.get("/api/users/00000000-0000-0000-0000-000000000000", headers=admin)
    assert missing.status_code == 404
    bad = await client.get("/api/users/not-a-uuid", headers=admin)
    assert bad.status_code == 422


async def test_role_change_applies_to_the_next_request(
    client: httpx.AsyncClient, auth_headers
) -> None:
    admin = await auth_headers("admin")
    target = await register(client)
    tokens = await login_ok(client, target["username"], target["password"])
    assert (await client.get("/api/users", headers=bearer(tokens["token"]))).status_code == 403
    changed = await client.put(
        f"/api/users/{target['id']}/role", json={"role": "admin"}, headers=admin
    )
    assert changed.status_code == 200 and changed.json()["role"] == "admin"
    # Same token, next request: the role comes from the database.
    assert (await client.get("/api/users", headers=bearer(tokens["token"]))).status_code == 200
    await client.put(f"/api/users/{target['id']}/role", json={"role": "viewer"}, headers=admin)
    assert (await client.get("/api/users", headers=bearer(tokens["token"]))).status_code == 403
    bad = await client.put(f"/api/users/{target['id']}/role", json={"role": "root"}, headers=admin)
    assert bad.status_code == 422


async def test_deactivation_ends_sessions_and_reactivation_allows_login(
    client: httpx.AsyncClient, auth_headers
) -> None:
    admin = await auth_headers("admin")
    target = await register(client)
    tokens = await login_ok(client, target["username"], target["password"])
    off = await client.post(f"/api/users/{target['id']}/deactivate", headers=admin)
    assert off.status_code == 200 and off.json()["is_active"] is False
    assert (await client.get("/api/me", headers=bearer(tokens["token"]))).status_code == 401
    refreshed = await client.post("/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert refreshed.status_code == 401
    failed = await client.post(
        "/auth/login", json={"username": target["username"], "password": target["password"]}
    )
    assert failed.status_code == 401
    on = await client.post(f"/api/users/{target['id']}/reactivate", headers=admin)
    assert on.json()["is_active"] is True
    await login_ok(client, target["username"], target["password"])


async def test_admin_ends_a_users_sessions(client: httpx.AsyncClient, auth_headers) -> None:
    admin = await auth_headers("admin")
    target = await register(client)
    tokens = [await login_ok(client, target["username"], target["password"]) for _ in range(2)]
    ended = await client.delete(f"/api/users/{target['id']}/sessions", headers=admin)
    assert ended.status_code == 200 and ended.json() == {"ended": 2}
    for t in tokens:
        assert (await client.get("/api/me", headers=bearer(t["token"]))).status_code == 401


async def test_last_active_admin_cannot_be_removed(
    client: httpx.AsyncClient, auth_headers, db: Connection
) -> None:
    await db.execute("UPDATE users SET role = 'user' WHERE role = 'admin'")
    admin = await auth_headers("admin")
    me = (await client.get("/api/me", headers=admin)).json()
    demote = await client.put(f"/api/users/{me['id']}/role", json={"role": "user"}, headers=admin)
    assert demote.status_code == 422 and demote.json()["code"] == "BUSINESS_LOGIC_ERROR"
    off = await client.post(f"/api/users/{me['id']}/deactivate", headers=admin)
    assert off.status_code == 422
    # With a second active admin, the first may step down.
    second = await make_user(db, role="admin")
    demote = await client.put(f"/api/users/{me['id']}/role", json={"role": "user"}, headers=admin)
    assert demote.status_code == 200
    assert (await client.get("/api/users", headers=admin)).status_code == 403
    assert second["role"] == "admin"


async def test_an_inactive_admin_does_not_count(
    client: httpx.AsyncClient, auth_headers, db: Connection
) -> None:
    await db.execute("UPDATE users SET role = 'user' WHERE role = 'admin'")
    await make_user(db, role="admin", is_active=False)
    admin = await auth_headers("admin")
    me = (await client.get("/api/me", headers=admin)).json()
    response = await client.post(f"/api/users/{me['id']}/deactivate", headers=admin)
    assert response.status_code == 422
