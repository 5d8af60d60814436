"""Register, login, the session check on each request, logout and sessions."""

import httpx

from tests.auth.helpers import bearer, login, login_ok, new_name, new_password, register
from vividshift.db import Connection


async def test_register_then_login_with_username_or_email(client: httpx.AsyncClient) -> None:
    user = await register(client)
    assert user["role"] == "user"
    assert set(user) == {"id", "username", "email", "role", "password"}
    by_name = await login_ok(client, user["username"], user["password"])
    by_email = await login_ok(client, user["email"].upper(), user["password"])
    assert by_name["user"] == {"id": user["id"], "username": user["username"], "role": "user"}
    assert by_email["user"]["id"] == user["id"]
    assert by_name["token_type"] == "bearer"
    me = await client.get("/api/me", headers=bearer(by_name["token"]))
    assert me.status_code == 200
    assert me.json()["username"] == user["username"]
    assert me.json()["last_login_at"] is not None


async def test_register_refuses_server_fields(client: httpx.AsyncClient) -> None:
    for extra in ({"role": "admin"}, {"is_active": False}, {"email_verified": True}, {"id": "x"}):
        body = {"username": "someone1", "email": "s1@example.org", "password": new_password()}
        response = await client.post("/auth/register", json=body | extra)
        assert response.status_code == 422, extra
        assert response.json()["code"] == "VALIDATION_ERROR"


async def test_register_duplicates_are_409(client: httpx.AsyncClient) -> None:
    user = await register(client)
    bodies = []
    for username, email in (
        (user["username"].upper(), "other1@example.org"),
        ("otherone", user["email"].upper()),
    ):
        body = {"username": username, "email": email, "password": new_password()}
        response = await client.post("/auth/register", json=body)
        assert response.status_code == 409
        assert response.json()["code"] == "DUPLICATE_RESOURCE"
        bodies.append({k: v for k, v in response.json().items() if k != "timestamp"})
    # One answer for a taken username and a taken email: it does not say which exists.
    assert bodies[0] == bodies[1]
    assert bodies[0]["error"] == "This username or email is already registered"


async def test_registration_is_rate_limited_per_address(
    client: httpx.AsyncClient, db: Connection
) -> None:

    await db.execute(
        "INSERT INTO registration_attempts (ip_address, created_at)"
        " SELECT '127.0.0.1', now() - interval '10 minutes' FROM generate_series(1, 19)"
    )
    await register(client)  # the 20th of the hour
    name = new_name()
    body = {"username": name, "email": f"{name}@example.org", "password": new_password()}
    refused = await client.post("/auth/register", json=body)
    assert refused.status_code == 429, refused.text
    assert refused.json()["code"] == "RATE_LIMITED"
    assert 3000 <= int(refused.headers["retry-after"]) <= 3001
    cur = await db.execute("SELECT count(*) AS n FROM users WHERE username = %s", (name,))
    assert (await cur.fetchone())["n"] == 0
    # Another address is not affected.
    await db.execute("UPDATE registration_attempts SET ip_address = '10.9.9.9'")
    assert (await client.post("/auth/register", json=body)).status_code == 201


async def test_password_policy(client: httpx.AsyncClient) -> None:
    for bad in ("short7!", "x" * 129, "password123", "PASSWORD123", "qwertyuiop"):
        body = {"username": "policyuser", "email": "p@example.org", "password": bad}
        response = await client.post("/auth/register", json=body)
        assert response.status_code == 422, bad
        assert response.json()["details"][0]["loc"] == ["body", "password"]
    # No composition rules; spaces and any characters count, exactly as typed.
    for good in ("        ", "ñandú köln 日本", "x" * 128):
        user = await register(client, password=good)
        assert (await login(client, user["username"], good)).status_code == 200
        assert (await login(client, user["username"], good.strip() + "·")).status_code == 401


async def test_stored_hash_is_argon2id_with_the_required_parameters(
    client: httpx.AsyncClient, db: Connection
) -> None:
    user = await register(client)
    cur = await db.execute("SELECT password_hash FROM users WHERE id = %s", (user["id"],))
    stored = (await cur.fetchone())["password_hash"]
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert user["password"] not in stored


async def test_hash_with_old_parameters_is_upgraded_at_login(
    client: httpx.AsyncClient, db: Connection
) -> None:
    from argon2 import PasswordHasher

    user = await register(client)
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(user["password"])
    await db.execute("UPDATE users SET password_hash = %s WHERE id = %s", (weak, user["id"]))
    await login_ok(client, user["username"], user["password"])
    cur = await db.execute("SELECT password_hash FROM users WHERE id = %s", (user["id"],))
    assert (await cur.fetchone())["password_hash"].startswith("$argon2id$v=19$m=19456,t=2,p=1$")


async def test_session_row_records_client_and_stores_only_a_hash(
    client: httpx.AsyncClient, db: Connection
) -> None:
    user = await register(client)
    response = await login(client, user["username"], user["password"], **{"User-Agent": "ua/1"})
    tokens = response.json()
    cur = await db.execute(
        "SELECT token_hash, user_agent, host(ip_address) AS ip FROM user_sessions"
        " WHERE user_id = %s",
        (user["id"],),
    )
    row = await cur.fetchone()
    assert row["user_agent"] == "ua/1"
    assert row["ip"] == "127.0.0.1"
    assert row["token_hash"] not in (tokens["token"], tokens["refresh_token"])
    assert len(row["token_hash"]) == 64


async def test_logout_ends_the_session_at_once(client: httpx.AsyncClient) -> None:
    user = await register(client)
    first = await login_ok(client, user["username"], user["password"])
    second = await login_ok(client, user["username"], user["password"])
    assert (await client.post("/auth/logout", headers=bearer(first["token"]))).status_code == 204
    assert (await client.get("/api/me", headers=bearer(first["token"]))).status_code == 401
    assert (await client.get("/api/me", headers=bearer(second["token"]))).status_code == 200
    refresh = await client.post("/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert refresh.status_code == 401


async def test_sessions_list_marks_current_and_can_end_one(client: httpx.AsyncClient) -> None:
    user = await register(client)
    first = await login_ok(client, user["username"], user["password"])
    second = await login_ok(client, user["username"], user["password"])
    listed = await client.get("/auth/sessions", headers=bearer(first["token"]))
    assert listed.status_code == 200
    sessions = listed.json()
    assert len(sessions) == 2
    assert [s["current"] for s in sessions].count(True) == 1
    other = next(s for s in sessions if not s["current"])
    ended = await client.delete(f"/auth/sessions/{other['id']}", headers=bearer(first["token"]))
    assert ended.status_code == 204
    assert (await client.get("/api/me", headers=bearer(second["token"]))).status_code == 401
    again = await client.delete(f"/auth/sessions/{other['id']}", headers=bearer(first["token"]))
    assert again.status_code == 404


async def test_cannot_end_someone_elses_session(client: httpx.AsyncClient) -> None:
    alice = await register(client)
    bob = await register(client)
    a = await login_ok(client, alice["username"], alice["password"])
    b = await login_ok(client, bob["username"], bob["password"])
    bob_sessions = (await client.get("/auth/sessions", headers=bearer(b["token"]))).json()
    response = await client.delete(
        f"/auth/sessions/{bob_sessions[0]['id']}", headers=bearer(a["token"])
    )
    assert response.status_code == 404
    assert (await client.get("/api/me", headers=bearer(b["token"]))).status_code == 200


async def test_logout_all(client: httpx.AsyncClient) -> None:
    user = await register(client)
    tokens = [await login_ok(client, user["username"], user["password"]) for _ in range(3)]
    response = await client.post("/auth/logout-all", headers=bearer(tokens[0]["token"]))
    assert response.status_code == 204
    for t in tokens:
        assert (await client.get("/api/me", headers=bearer(t["token"]))).status_code == 401


async def test_password_change_needs_current_and_ends_other_sessions(
    client: httpx.AsyncClient,
) -> None:
    user = await register(client)
    here = await login_ok(client, user["username"], user["password"])
    elsewhere = await login_ok(client, user["username"], user["password"])
    new = new_password()
    wrong = await client.post(
        "/auth/password",
        json={"current_password": "not-it-at-all", "new_password": new},
        headers=bearer(here["token"]),
    )
    assert wrong.status_code == 422
    assert wrong.json()["details"][0]["loc"] == ["body", "current_password"]
    common = await client.post(
        "/auth/password",
        json={"current_password": user["password"], "new_password": "iloveyou1"},
        headers=bearer(here["token"]),
    )
    assert common.status_code == 422
    ok = await client.post(
        "/auth/password",
        json={"current_password": user["password"], "new_password": new},
        headers=bearer(here["token"]),
    )
    assert ok.status_code == 204
    assert (await client.get("/api/me", headers=bearer(here["token"]))).status_code == 200
    assert (await client.get("/api/me", headers=bearer(elsewhere["token"]))).status_code == 401
    assert (await login(client, user["username"], user["password"])).status_code == 401
    assert (await login(client, user["username"], new)).status_code == 200


async def test_auth_headers_fixture(client: httpx.AsyncClient, auth_headers) -> None:
    headers = await auth_headers("viewer")
    me = await client.get("/api/me", headers=headers)
    assert me.status_code == 200
    assert me.json()["role"] == "viewer"
