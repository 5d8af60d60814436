"""Rows of users and profiles as the queries return them."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID


@dataclass(frozen=True)
class UserRow:
    """An account, without its password hash."""

    id: UUID
    username: str
    email: str
    role: str
    is_active: bool
    email_verified: bool
    last_login_at: datetime | None
    created_at: datetime
    updated_at: datetime


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
