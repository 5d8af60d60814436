"""Rows of accounts, sessions and failed logins as the queries return them."""

from dataclasses import dataclass
from datetime import datetime
from typing import TypedDict
from uuid import UUID


@dataclass(frozen=True)
class UserRow:
    """An account without its password hash (users lists and reads it too)."""

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
class Account:
    """An account as a password check reads it: with its hash."""

    id: UUID
    username: str
    email: str
    role: str
    is_active: bool
    email_verified: bool
    last_login_at: datetime | None
    password_hash: str


class TokenUser(TypedDict):
    """Whom tokens are minted for. A mapping, not a dataclass: the web session reads it
    by key and the token response validates it as it is."""

    id: UUID
    username: str
    role: str


@dataclass(frozen=True)
class RotatedSession:
    """A session whose refresh token was just swapped, with its user."""

    id: UUID
    user_id: UUID
    expires_at: datetime
    username: str
    role: str


@dataclass(frozen=True)
class RaceWinner:
    """A session rotated a moment ago by a racing refresh, with its user."""

    id: UUID
    user_id: UUID
    token_hash: str
    expires_at: datetime
    rotated_at: datetime
    username: str
    role: str


@dataclass(frozen=True)
class SessionToken:
    """Which refresh token a session holds now."""

    id: UUID
    user_id: UUID
    token_hash: str
    is_revoked: bool


@dataclass(frozen=True)
class LiveSession:
    """A live session as its owner lists it."""

    id: UUID
    created_at: datetime
    updated_at: datetime
    expires_at: datetime
    idle_expires_at: datetime
    user_agent: str | None
    ip_address: str | None


@dataclass(frozen=True)
class FailureStats:
    """Failed logins in the window, in epoch seconds of database time."""

    now: float
    account_failures: int
    account_pivot: float | None
    address_failures: int
    address_pivot: float | None
    failures_since_success: int
    last_failure: float | None


@dataclass(frozen=True)
class RegistrationCount:
    """Registrations from one address in the window, in epoch seconds of database time."""

    n: int
    oldest: float | None
    now: float
