"""Shapes of channels, deliveries and preferences."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, time
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    Strict,
    StrictBool,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from vividshift.fields import NO_NUL, ZONE_NAMES, ClockTime, bounded
from vividshift.notifications.events import EVENT_TYPES
from vividshift.notifications.rows import ChannelRow
from vividshift.patching import sent_nulls_refused

EventType = Literal[
    "rotation.published.v1",
    "place.changed.v1",
    "generation.failed.v1",
    "turn.reminder.v1",
    "cover.requested.v1",
    "channel.disabled.v1",
]
assert set(EventType.__args__) == set(EVENT_TYPES)  # type: ignore[attr-defined]
ChannelName = Annotated[str, bounded(100, min_length=1), NO_NUL]
ChannelUrl = Annotated[str, bounded(2000, min_length=1), NO_NUL]
Events = Annotated[
    list[EventType],
    Field(max_length=len(EVENT_TYPES), description="event types sent here; empty = all"),
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ChannelCreate(_Strict):
    kind: Literal["webhook", "apprise"] = Field(
        description="webhook: Standard Webhooks POSTs of JSON; apprise: an Apprise URL "
        "(discord://, slack://, ntfy://, json://, …)"
    )
    name: ChannelName
    url: ChannelUrl = Field(description="https:// endpoint (webhook) or Apprise URL")
    events: Events = Field(default_factory=list)


class PersonalChannelCreate(_Strict):
    name: ChannelName
    url: ChannelUrl = Field(description="an Apprise URL (discord://, ntfy://, tgram://, …)")
    events: Events = Field(default_factory=list)


class ChannelUpdate(_Strict):
    name: ChannelName | None = None
    url: ChannelUrl | None = None
    events: Events | None = None
    is_active: StrictBool | None = Field(
        default=None, description="true re-enables a disabled channel (its failure record cleared)"
    )


class ChannelRead(BaseModel):
    id: UUID
    domain_id: UUID | None
    user_id: UUID | None
    kind: str
    name: str
    url: str = Field(description="in full for managers and the owner; others see scheme and host")
    events: list[str]
    is_active: bool
    failing_since: datetime | None
    disabled_at: datetime | None
    disabled_reason: str | None
    created_at: datetime
    updated_at: datetime


class ChannelCreated(ChannelRead):
    secret: str | None = Field(
        description="the webhook signing secret (whsec_…), shown only in this answer; "
        "null for Apprise"
    )


class AttemptRead(BaseModel):
    attempt: int
    outcome: Literal["succeeded", "failed"]
    response_code: int | None
    duration_ms: int
    error: str | None
    started_at: datetime


class DeliveryRead(BaseModel):
    id: UUID = Field(description="stable over retries: the `webhook-id` receivers dedupe on")
    event_id: UUID
    event_type: str
    channel_id: UUID | None
    channel_name: str | None
    user_id: UUID | None = Field(description="the person it is for; null for a domain channel")
    kind: Literal["webhook", "apprise", "email"]
    status: Literal["pending", "delivered", "failed", "cancelled"]
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    delivered_at: datetime | None
    created_at: datetime
    attempt_log: list[AttemptRead]


class DeliveryPage(BaseModel):
    items: list[DeliveryRead]
    total: int
    limit: int
    offset: int


# `_quiet_pair`, stated: quiet hours are both set, or neither (left out or null).
_QUIET_PAIR: dict[str, Any] = {
    "anyOf": [
        {
            "properties": {
                "quiet_hours_start": {"type": "null"},
                "quiet_hours_end": {"type": "null"},
            }
        },
        {
            "required": ["quiet_hours_start", "quiet_hours_end"],
            "properties": {
                "quiet_hours_start": {"not": {"type": "null"}},
                "quiet_hours_end": {"not": {"type": "null"}},
            },
        },
    ]
}


def _preferences_schema(schema: dict[str, Any]) -> None:
    sent_nulls_refused(("email_events",))(schema)  # the service refuses null: send []
    schema.update(_QUIET_PAIR)


class PreferencesWrite(_Strict):
    model_config = ConfigDict(extra="forbid", json_schema_extra=_preferences_schema)

    email_events: Events | None = Field(
        default=None, description="event types you get by email (all by default)"
    )
    reminder_hours: Annotated[int, Strict()] | None = Field(
        default=None,
        ge=0,
        le=336,
        description="hours before a turn to be reminded; "
        "null = the domain's setting (24 by default)",
    )
    quiet_hours_start: ClockTime | None = Field(default=None, description="no reminders from …")
    quiet_hours_end: ClockTime | None = Field(default=None, description="… until (local time)")
    timezone: Annotated[str, bounded(64, min_length=1), NO_NUL, ZONE_NAMES] | None = Field(
        default=None, description="IANA zone of the quiet hours (default: your profile's)"
    )

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        if value is None:
            return None
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("unknown time zone") from None
        return value

    @model_validator(mode="after")
    def _quiet_pair(self) -> PreferencesWrite:
        if (self.quiet_hours_start is None) != (self.quiet_hours_end is None):
            raise ValueError("quiet_hours_start and quiet_hours_end go together")
        return self


def _clock(value: time) -> str:
    return value.strftime("%H:%M")


# A local wall-clock time, answered as "HH:MM" (JSON Schema's `format: time` wants an
# offset, which a time of day in the person's own zone does not have).
LocalClock = Annotated[
    time,
    PlainSerializer(_clock, return_type=str),
    WithJsonSchema(
        {"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$", "examples": ["22:00"]},
        mode="serialization",
    ),
]


class PreferencesRead(BaseModel):
    email_events: list[str]
    reminder_hours: int | None
    quiet_hours_start: LocalClock | None
    quiet_hours_end: LocalClock | None
    timezone: str | None
    channels: list[ChannelRead] = Field(description="your own Apprise channels")


def channel_read(row: ChannelRow, *, full: bool) -> ChannelRead:
    shown = row if full else replace(row, url=redact(row.url))
    return ChannelRead.model_validate(shown, from_attributes=True)


def redact(url: str) -> str:
    """Scheme and host only: webhook paths and Apprise URLs often hold tokens."""
    scheme, _, rest = url.partition("://")
    host = rest.split("/", 1)[0].rsplit("@", 1)[-1]
    return f"{scheme}://{host}/…"
