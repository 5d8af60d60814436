"""Brute force: the rule of vividshift.auth.throttle, counted in PostgreSQL."""

import asyncio

import httpx
import psycopg
from psycopg.rows import dict_row

from tests.auth.conftest import MakeClient
from tests.auth.helpers import login, new_name, new_password, register
from tests.conftest import make_settings
from vividshift.app import create_app
from vividshift.auth import service
from vividshift.db import Connection


async def backdate_failures(
    db: Connection, account_key: str, count: int, minutes_ago: int, ip: str = "10.9.9.9"
) -> None:
    await db.execute(
        """INSERT INTO login_failures (account_key, ip_address, created_at)
           SELECT %s, %s, now() - make_interval(mins => %s) FROM generate_series(1, %s)""",
        (account_key, ip, minutes_ago, count),
    )


def assert_429(response: httpx.Response) -> int:
    assert response.status_code == 429, response.text
    assert response.json()["code"] == "RATE_LIMITED"
    retry_after = int(response.headers["retry-after"])
    assert retry_after >= 1
    return retry_after


async def test_the_101st_failure_in_an_hour_is_refused(
    make_client: MakeClient, db: Connection
) -> None:
    client = await make_client(login_max_delay_seconds=0)
    user = await register(client)
    for attempt in range(100):
        response = await login(client, user["username"], new_password())
        assert response.status_code == 401, attempt
    retry_after = assert_429(await login(client, user["username"], new_password()))
    assert 3500 <= retry_after <= 3600
    # While locked, even the right password is refused (the lock reveals nothing) …
    assert_429(await login(client, user["email"], user["password"]))
    # … refused attempts are not counted …
    cur = await db.execute(
        "SELECT count(*) AS n FROM login_failures WHERE account_key = %s", (user["id"],)
    )
    assert (await cur.fetchone())["n"] == 100
    # … and other accounts, from the same address, are not affected.
    other = await register(client)
    assert (await login(client, other["username"], other["password"])).status_code == 200


async def test_unknown_names_are_limited_alike(make_client: MakeClient) -> None:
    client = await make_client(login_max_delay_seconds=0, login_max_failures_per_account=5)
    user = await register(client)
    ghost = new_name()
    for name in (user["username"], ghost):
        for _ in range(5):
            assert (await login(client, name, new_password())).status_code == 401
        assert_429(await login(client, name, new_password()))


async def test_growing_delay_after_five_failures(make_client: MakeClient, db: Connection) -> None:
    client = await make_client()  # production defaults: 5 free failures, delays up to 60 s
    user = await register(client)
    for _ in range(5):
        assert (await login(client, user["username"], new_password())).status_code == 401
    assert assert_429(await login(client, user["username"], user["password"])) == 1
    # The delay doubles with each further failure: 5 more, spread in the past.
    await db.execute("DELETE FROM login_failures WHERE account_key = %s", (user["id"],))
    await backdate_failures(db, user["id"], 9, minutes_ago=0)
    assert assert_429(await login(client, user["username"], user["password"])) == 16
    await backdate_failures(db, user["id"], 10, minutes_ago=0)
    assert assert_429(await login(client, user["username"], user["password"])) == 60  # cap


async def test_success_resets_the_delay_but_not_the_hourly_cap(
    make_client: MakeClient, db: Connection
) -> None:
    client = await make_client()
    user = await register(client)
    # 95 failures half an hour ago: their delays have long passed.
    await backdate_failures(db, user["id"], 95, minutes_ago=30)
    assert (await login(client, user["username"], user["password"])).status_code == 200
    # The success reset the delay: five fresh failures are answered at once …
    for _ in range(5):
        assert (await login(client, user["username"], new_password())).status_code == 401
    # … but the hour's 100 failures still count: locked until the oldest leave the window.
    retry_after = assert_429(await login(client, user["username"], user["password"]))
    assert 1700 <= retry_after <= 1800


async def test_failures_leave_the_window(make_client: MakeClient, db: Connection) -> None:
    client = await make_client()
    user = await register(client)
    await backdate_failures(db, user["id"], 150, minutes_ago=61)
    assert (await login(client, user["username"], user["password"])).status_code == 200


async def test_new_address_is_not_locked_by_anothers_failures_once_they_stop(
    make_client: MakeClient, db: Connection
) -> None:
    """An attacker's 100 failures lock the account for at most the window: the owner,
    from a new address, gets in once the failures are an hour old."""
    owner = await make_client(address="192.0.2.10")
    user = await register(owner)
    await backdate_failures(db, user["id"], 100, minutes_ago=59, ip="198.51.100.66")
    retry_after = assert_429(await login(owner, user["username"], user["password"]))
    assert retry_after <= 60
    await db.execute(
        "UPDATE login_failures SET created_at = created_at - interval '2 minutes'"
        " WHERE account_key = %s",
        (user["id"],),
    )
    assert (await login(owner, user["username"], user["password"])).status_code == 200


async def test_per_address_limit(make_client: MakeClient) -> None:
    sprayer = await make_client(
        address="203.0.113.7", login_max_delay_seconds=0, login_max_failures_per_address=3
    )
    for _ in range(3):
        assert (await login(sprayer, new_name(), new_password())).status_code == 401
    assert_429(await login(sprayer, new_name(), new_password()))
    elsewhere = await make_client(address="203.0.113.8", login_max_failures_per_address=3)
    user = await register(elsewhere)
    assert (await login(elsewhere, user["username"], user["password"])).status_code == 200


async def test_wrong_current_password_counts_as_a_failure(
    make_client: MakeClient, db: Connection
) -> None:
    client = await make_client(login_max_delay_seconds=0, login_max_failures_per_account=3)
    user = await register(client)
    tokens = (await login(client, user["username"], user["password"])).json()
    headers = {"Authorization": f"Bearer {tokens['token']}"}
    for _ in range(3):
        body = {"current_password": new_password(), "new_password": new_password()}
        assert (await client.post("/auth/password", json=body, headers=headers)).status_code == 422
    body = {"current_password": user["password"], "new_password": new_password()}
    assert_429(await client.post("/auth/password", json=body, headers=headers))


async def test_processes_agree_under_concurrency(fresh_db_url: str) -> None:
    """30 concurrent wrong logins, limit 10: exactly 10 are checked, 20 refused."""
    settings = make_settings(
        fresh_db_url,
        db_pool_max_size=15,
        login_max_delay_seconds=0,
        login_max_failures_per_account=10,
    )
    name = new_name()
    async with await psycopg.AsyncConnection.connect(
        fresh_db_url, autocommit=True, row_factory=dict_row
    ) as conn:
        await service.create_user(
            conn, username=name, email=f"{name}@example.org", password=new_password()
        )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            responses = await asyncio.gather(
                *(login(client, name, new_password()) for _ in range(30))
            )
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [401] * 10 + [429] * 20, statuses
