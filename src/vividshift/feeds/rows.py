"""Rows of calendar feeds as the queries return them."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

FEED_COLUMNS = (
    "id, user_id, domain_id, token_hash, created_by, created_at, revoked_at, last_used_at"
)


@dataclass(frozen=True)
class FeedRow:
    """A calendar feed: a person's (user_id) or a domain's, its token hashed."""

    id: UUID
    user_id: UUID | None
    domain_id: UUID | None
    token_hash: str
    created_by: UUID | None
    created_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None


@dataclass(frozen=True)
class FeedOwner(FeedRow):
    """A live feed with its owner: the account (person feeds) or the domain."""

    user_role: str | None
    username: str | None
    user_active: bool | None
    domain_name: str | None
    domain_display_name: str | None


@dataclass(frozen=True)
class FeedPlace:
    """A place of a run as a calendar event shows it, with the others on the same task."""

    detail_id: UUID
    position: int
    participant_id: UUID
    target_id: UUID
    assignment_id: UUID
    assignment_name: str | None
    assignment_date: date
    status: str
    configuration: dict[str, Any] | None
    updated_at: datetime
    domain_id: UUID
    domain_name: str
    domain_display_name: str
    timezone: str | None
    target_name: str
    target_window: Any  # the task's constraints.time_window, JSON as stored
    participant_name: str
    others: list[dict[str, Any]]  # [{participant_id, name}], JSON

    def run(self) -> dict[str, Any]:
        """The run's fields that the window of a place is read from, by key."""
        return {"assignment_date": self.assignment_date, "configuration": self.configuration}
