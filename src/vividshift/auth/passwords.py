"""Password hashing (argon2id) and the password policy.

Hashing: argon2id, m=19456 KiB, t=2, p=1 (OWASP / ASVS 5.0). A stored hash made with
other parameters is re-hashed at the next successful login. Unknown users are checked
against a dummy hash of the same parameters so a login costs the same either way.

Off the event loop: a hash costs ~50–100 ms of CPU, so the service hashes and verifies
in a small thread pool (HASH_THREADS, the CPUs up to 4; argon2 releases the GIL), never
on the loop: a login flood queues logins, not /health. The pool bounds the CPU a flood
can take; the dummy-hash equalisation runs in the same pool, so timings stay equal.

Policy (NIST SP 800-63B): 8 to 128 characters, compared exactly as typed (no trimming,
no normalisation), no composition rules, and refused when it is (case-insensitively)
one of the 19 640 common passwords shipped in common-passwords.txt.gz (the list
Django ships, BSD-3-Clause; see COMMON-PASSWORDS-LICENSE).
"""

import asyncio
import contextlib
import gzip
import os
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_LENGTH = 8
MAX_LENGTH = 128
MEMORY_KIB = 19456
TIME_COST = 2
PARALLELISM = 1
HASH_THREADS = max(1, min(4, os.cpu_count() or 1))

_COMMON_LIST = Path(__file__).with_name("common-passwords.txt.gz")

hasher = PasswordHasher(
    time_cost=TIME_COST, memory_cost=MEMORY_KIB, parallelism=PARALLELISM, type=Type.ID
)


@cache
def common_passwords() -> frozenset[str]:
    with gzip.open(_COMMON_LIST, "rt", encoding="utf-8") as lines:
        return frozenset(line.strip().lower() for line in lines if line.strip())


def policy_problem(password: str) -> str | None:
    """Why `password` is not acceptable as a new password, or None."""
    if len(password) < MIN_LENGTH:
        return f"must be at least {MIN_LENGTH} characters"
    if len(password) > MAX_LENGTH:
        return f"must be at most {MAX_LENGTH} characters"
    if password.lower() in common_passwords():
        return "is too common; choose another"
    return None


def hash_password(password: str) -> str:
    return hasher.hash(password)


@cache
def _dummy_hash() -> str:
    return hasher.hash("vividshift dummy password for unknown users")


def verify_password(stored_hash: str | None, password: str) -> bool:
    """True when `password` matches; with no stored hash, burns the same time and fails."""
    if stored_hash is None:
        with contextlib.suppress(VerificationError):
            hasher.verify(_dummy_hash(), password)
        return False
    try:
        return hasher.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    try:
        return hasher.check_needs_rehash(stored_hash)
    except (InvalidHashError, ValueError):
        return True


_pool = ThreadPoolExecutor(max_workers=HASH_THREADS, thread_name_prefix="argon2")


async def hash_password_async(password: str) -> str:
    """`hash_password` in the hashing pool (for code on the event loop)."""
    return await asyncio.get_running_loop().run_in_executor(_pool, hash_password, password)


async def verify_password_async(stored_hash: str | None, password: str) -> bool:
    """`verify_password` in the hashing pool (for code on the event loop)."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_pool, verify_password, stored_hash, password)


def warm_up() -> None:
    """Load the list and the dummy hash before the first request, not during it."""
    common_passwords()
    _dummy_hash()
