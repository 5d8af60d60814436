"""The brute-force rule for logins (and for the current password of POST /auth/password).

Every failed attempt — unknown login, wrong password, disabled account: they look the
same — is a row of `login_failures`, keyed by account (the user id; the lower-cased
login name when no such user exists, so unknown names are limited the same way) and by
client address. The limits are counted in PostgreSQL, under a per-account advisory
lock, so any number of API processes agree. Over a sliding window (1 hour):

1. Per account, at most 100 failures. The next attempt is refused with 429
   RATE_LIMITED and `Retry-After` (the seconds until the oldest of those 100 failures
   leaves the window) — even with the right password, so the lock tells nothing.
2. Per client address, at most 1000 failures over all accounts (password spraying).
3. Growing delay: after 5 failures since the account's last successful login, each
   further attempt must wait 1, 2, 4 … seconds (capped at 60) after the previous
   failure; an earlier attempt is refused with 429 and `Retry-After`.

Refused attempts are not counted and do not check the password, so they never extend
a lock: once the failures stop, every lock ends within one window. That is why a user
with the right password, from any address, is never locked out by someone else's
failures for longer than the window after those failures stop.

A successful login resets the growing delay (rule 3 counts failures since the last
successful login) but not rule 1: the hour's failures still count towards the 100, so
an attacker cannot get more guesses by waiting for the owner to log in.
"""

import math
from dataclasses import dataclass

from vividshift.auth.rows import FailureStats
from vividshift.config import Settings


@dataclass(frozen=True)
class Refusal:
    retry_after: int
    reason: str


def check(settings: Settings, stats: FailureStats) -> Refusal | None:
    """Whether an attempt is refused now, given `get_failure_stats` (DB time)."""
    now = stats.now
    window = settings.login_failure_window_seconds
    if stats.account_failures >= settings.login_max_failures_per_account:
        return Refusal(_seconds_until(_after(stats.account_pivot, window), now), "account_limit")
    if stats.address_failures >= settings.login_max_failures_per_address:
        return Refusal(_seconds_until(_after(stats.address_pivot, window), now), "address_limit")
    over = stats.failures_since_success - settings.login_free_failures
    if settings.login_max_delay_seconds > 0 and over >= 0 and stats.last_failure:
        delay = min(2.0**over, float(settings.login_max_delay_seconds))
        wait = stats.last_failure + delay - now
        if wait > 0:
            return Refusal(_seconds_until(now + wait, now), "delay")
    return None


def _after(moment: float | None, seconds: int) -> float | None:
    return None if moment is None else moment + seconds


def _seconds_until(moment: float | None, now: float) -> int:
    if moment is None:
        return 1
    return max(1, math.ceil(moment - now))
