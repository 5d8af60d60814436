"""Argon2 runs in a bounded thread pool, not on the event loop: while logins hash, the
loop keeps serving. A 1 ms ticker on the loop counts how often it ran: hashing on the
loop lets it run once between hashes at most; off the loop it runs many times per hash
(timing-independent, so a busy machine does not make the test flaky)."""

import asyncio

from tests.assignments.helpers import live_app
from tests.auth.helpers import login, register
from vividshift.auth import passwords


async def _ticks_during(work: asyncio.Future) -> int:
    """How many times a 1 ms ticker ran on the loop while `work` ran."""
    ticks = 0
    while not work.done():
        await asyncio.sleep(0.001)
        ticks += 1
    await work
    return ticks


async def test_verification_leaves_the_loop_free() -> None:
    stored = passwords.hash_password("Tpw-right-password")
    checks = asyncio.gather(
        *(passwords.verify_password_async(stored, "Tpw-wrong-password") for _ in range(6)),
        passwords.verify_password_async(None, "Tpw-unknown-user"),  # equalised, off-loop too
    )
    ticks = await _ticks_during(checks)
    assert checks.result() == [False] * 7
    assert ticks >= 5 * 7, ticks


async def test_concurrent_logins_succeed_through_the_pool(fresh_db_url: str) -> None:
    async with live_app(fresh_db_url) as live:
        user = await register(live.client)
        logins = asyncio.gather(
            *(login(live.client, user["username"], user["password"]) for _ in range(4))
        )
        ticks = await _ticks_during(logins)
    assert [r.status_code for r in logins.result()] == [200] * 4
    assert ticks >= 5 * 4, ticks


async def test_a_hash_made_in_the_pool_verifies() -> None:
    stored = await passwords.hash_password_async("Tpw-pool-made-1")
    assert passwords.verify_password(stored, "Tpw-pool-made-1")
    assert await passwords.verify_password_async(stored, "Tpw-pool-made-1")
