"""Rows of users and profiles as the queries return them."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from vividshift.auth.rows import UserRow

__all__ = ["ProfileRow", "UserRow"]


@dataclass(frozen=True)
class ProfileRow:
    """A saved profile (a user without one reads the schema's defaults)."""

    first_name: str | None
    last_name: str | None
    phone: str | None
    avatar_url: str | None
    timezone: str | None
    preferences: dict[str, Any]
    metadata: dict[str, Any]
    created_at: datetime
    updated_at: datetime
