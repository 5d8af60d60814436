"""Shared helpers of the web page tests: accounts with real passwords, CSRF scraping."""

import re
import uuid
from typing import Any

from tests.secrets_registry import remember
from vividshift.auth import passwords

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def new_password() -> str:
    password = f"Web-{uuid.uuid4().hex[:16]}"
    remember(password)
    return password


def csrf_of(html: str) -> str:
    found = TOKEN.search(html)
    assert found, "the page has no CSRF token"
    return found.group(1)


def account(role: str, password: str, name: str | None = None) -> dict[str, Any]:
    """Column values of a users row with a real argon2 hash."""
    name = name or f"{role}{uuid.uuid4().hex[:8]}"
    return {
        "username": name,
        "email": f"{name}@example.org",
        "password_hash": passwords.hash_password(password),
        "role": role,
    }
