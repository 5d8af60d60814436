"""No user enumeration at login: same status, same body, comparable time."""

import statistics
import time

from tests.auth.conftest import MakeClient
from tests.auth.helpers import login, new_name, new_password, register
from vividshift.db import Connection

ROUNDS = 9


def comparable(body: dict) -> dict:
    return {k: v for k, v in body.items() if k != "timestamp"}


async def test_unknown_wrong_and_disabled_look_alike(
    make_client: MakeClient, db: Connection
) -> None:
    client = await make_client(login_max_delay_seconds=0)
    user = await register(client)
    disabled = await register(client)
    await db.execute("UPDATE users SET is_active = false WHERE id = %s", (disabled["id"],))
    answers = [
        await login(client, new_name(), new_password()),  # unknown user
        await login(client, user["username"], new_password()),  # wrong password
        await login(client, user["email"], new_password()),  # wrong password, by email
        await login(client, disabled["username"], disabled["password"]),  # disabled, right pw
    ]
    assert {a.status_code for a in answers} == {401}
    bodies = [comparable(a.json()) for a in answers]
    assert all(b == bodies[0] for b in bodies), bodies
    assert bodies[0]["code"] == "AUTHENTICATION_ERROR"
    headers = [
        {k: v for k, v in a.headers.items() if k not in ("date", "x-request-id")} for a in answers
    ]
    assert all(h == headers[0] for h in headers), headers


async def _median_ms(client, username: str, password_of) -> float:
    times = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        response = await login(client, username, password_of())
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 401
    return statistics.median(times)


async def test_unknown_user_and_wrong_password_take_comparable_time(
    make_client: MakeClient,
) -> None:
    """Benchmark-style: medians of interleaved rounds, ratio within a factor of 2."""
    client = await make_client(login_max_delay_seconds=0)
    user = await register(client)
    await login(client, new_name(), new_password())  # warm-up
    unknown, wrong = [], []
    for _ in range(3):  # interleave so drift hits both sides alike
        unknown.append(await _median_ms(client, new_name(), new_password))
        wrong.append(await _median_ms(client, user["username"], new_password))
    u, w = statistics.median(unknown), statistics.median(wrong)
    ratio = max(u, w) / min(u, w)
    print(
        f"\nfailed login median: unknown user {u:.1f} ms, wrong password {w:.1f} ms, "
        f"ratio {ratio:.2f}"
    )
    assert ratio < 2, (u, w)


async def test_successful_login_time(make_client: MakeClient) -> None:
    """Reports the median time of a successful login (argon2id m=19456 t=2 p=1)."""
    client = await make_client()
    user = await register(client)
    times = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        response = await login(client, user["username"], user["password"])
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    print(f"\nsuccessful login median: {statistics.median(times):.1f} ms")
