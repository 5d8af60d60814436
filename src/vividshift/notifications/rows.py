"""Rows of notification channels and preferences as the queries return them."""

from dataclasses import dataclass
from datetime import date, datetime, time
from uuid import UUID

CHANNEL_COLUMNS = (
    "id, domain_id, user_id, kind, name, url, secret, events, is_active, failing_since,"
    " disabled_at, disabled_reason, created_by, created_at, updated_at"
)
PREFERENCE_COLUMNS = (
    "id, user_id, email_events, reminder_hours, quiet_hours_start, quiet_hours_end, timezone,"
    " created_at, updated_at"
)


@dataclass(frozen=True)
class ChannelRow:
    """A webhook or Apprise channel: a domain's or a person's (user_id)."""

    id: UUID
    domain_id: UUID | None
    user_id: UUID | None
    kind: str
    name: str
    url: str
    secret: str | None  # the webhook signing secret; None for Apprise
    events: list[str]  # empty: every event
    is_active: bool
    failing_since: datetime | None
    disabled_at: datetime | None
    disabled_reason: str | None
    created_by: UUID | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class FailedChannel(ChannelRow):
    """A channel after a failed delivery; `just_disabled` when this failure disabled it."""

    just_disabled: bool


@dataclass(frozen=True)
class PreferencesRow:
    """A person's saved notification preferences."""

    id: UUID
    user_id: UUID
    email_events: list[str]
    reminder_hours: int | None
    quiet_hours_start: time | None
    quiet_hours_end: time | None
    timezone: str | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class DomainChannel:
    """A domain channel an event goes to."""

    id: UUID
    kind: str


@dataclass(frozen=True)
class PersonalChannel:
    """A person's own channel an event goes to."""

    id: UUID
    kind: str
    user_id: UUID


@dataclass(frozen=True)
class RunSummary:
    """A run with its domain: what every event about it names."""

    id: UUID
    name: str | None
    assignment_date: date
    status: str
    domain_id: UUID
    domain_name: str
    domain_display_name: str


@dataclass(frozen=True)
class DomainSummary:
    id: UUID
    name: str
    display_name: str


@dataclass(frozen=True)
class PlaceSummary:
    """A place of a run with its task and person names, as event payloads show it."""

    detail_id: UUID
    target_id: UUID
    target_name: str
    position: int
    participant_id: UUID
    participant_name: str
