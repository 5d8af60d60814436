"""Password hashing (argon2id) and the password policy.

Hashing: argon2id, m=19456 KiB, t=2, p=1 (OWASP / ASVS 5.0). A stored hash made with
other parameters is re-hashed at the next successful login. Unknown users are checked
against a dummy hash of the same parameters so a login costs the same either way.

Policy (NIST SP 800-63B): 8 to 128 characters, compared exactly as typed (no trimming,
no normalisation), no composition rules, and refused when it is (case-insensitively)
one of the 19 640 common passwords shipped in common-passwords.txt.gz (the list
Django ships, BSD-3-Clause; see COMMON-PASSWORDS-LICENSE).
"""

import contextlib
import gzip
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_LENGTH = 8
MAX_LENGTH = 128
MEMORY_KIB = 19456
TIME_COST = 2
PARALLELISM = 1

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


def warm_up() -> None:
    """Load the list and the dummy hash before the first request, not during it."""
    common_passwords()
    _dummy_hash()
