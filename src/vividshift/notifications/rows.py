"""Rows of notification channels and preferences as the queries return them."""

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
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


@dataclass(frozen=True)
class ClaimedDelivery:
    """A delivery leased for one attempt, with its event, channel and domain."""

    id: UUID
    attempts: int  # counting this attempt
    kind: str
    user_id: UUID | None
    channel_id: UUID | None
    domain_id: UUID
    event_id: UUID
    event_type: str
    payload: dict[str, Any]
    event_created_at: datetime
    url: str | None
    secret: str | None
    channel_name: str | None
    channel_user_id: UUID | None
    channel_created_by: UUID | None
    channel_active: bool | None
    domain_name: str
    domain_display_name: str
    domain_timezone: str | None


@dataclass(frozen=True)
class Recipient:
    """The account a delivery is for, with the participants linked to it."""

    id: UUID
    username: str
    email: str
    is_active: bool
    timezone: str | None
    participant_ids: list[UUID]


@dataclass(frozen=True)
class DeliveryRow:
    """A delivery as its log shows it, with every attempt (JSON)."""

    id: UUID
    event_id: UUID
    event_type: str
    channel_id: UUID | None
    channel_name: str | None
    user_id: UUID | None
    kind: str
    status: str
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    delivered_at: datetime | None
    created_at: datetime
    total: int  # of every matching delivery, by a window count on the page's query
    attempt_log: list[dict[str, Any]]
