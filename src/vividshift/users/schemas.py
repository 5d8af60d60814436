"""Bodies of /api/me and /api/users."""

import json
from datetime import datetime
from functools import cache
from typing import Annotated, Any
from uuid import UUID
from zoneinfo import available_timezones

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, HttpUrl

from vividshift.auth.schemas import Email, PasswordInput, Role, Username
from vividshift.fields import ZONE_NAMES

MAX_JSON_BYTES = 16 * 1024
MAX_JSON_DEPTH = 8


class UserRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: UUID
    username: str
    email: str
    role: Role
    is_active: bool
    email_verified: bool
    last_login_at: datetime | None
    created_at: datetime
    updated_at: datetime


class MeUpdate(BaseModel):
    """Change of one's own username and/or email; an email change needs the password."""

    model_config = ConfigDict(extra="forbid")
    username: Username | None = None
    email: Email | None = None
    current_password: PasswordInput | None = None


class UserPage(BaseModel):
    items: list[UserRead]
    total: int
    limit: int
    offset: int


class RoleChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: Role


class SessionsEnded(BaseModel):
    ended: int


MAX_URL_LENGTH = 2048


def _url_as_sent_at_most_2048(value: Any) -> Any:
    if isinstance(value, str) and len(value) > MAX_URL_LENGTH:
        raise ValueError(f"must be at most {MAX_URL_LENGTH} characters")
    return value


@cache
def _timezones() -> frozenset[str]:
    return frozenset(available_timezones())


def _iana_timezone(value: str) -> str:
    if value not in _timezones():
        raise ValueError("must be an IANA time zone name, such as Europe/Paris or UTC")
    return value


def _depth(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    return 0


def _bounded_json(value: dict[str, Any]) -> dict[str, Any]:
    if len(json.dumps(value, ensure_ascii=False).encode()) > MAX_JSON_BYTES:
        raise ValueError(f"must be at most {MAX_JSON_BYTES} bytes as JSON")
    if _depth(value) > MAX_JSON_DEPTH:
        raise ValueError(f"must be nested at most {MAX_JSON_DEPTH} levels deep")
    return value


BoundedJson = Annotated[dict[str, Any], AfterValidator(_bounded_json)]
Name = Annotated[str, Field(min_length=1, max_length=100)]


class ProfileWrite(BaseModel):
    """The whole profile; omitted fields are reset to their defaults."""

    model_config = ConfigDict(extra="forbid")
    first_name: Name | None = None
    last_name: Name | None = None
    phone: Annotated[str, Field(pattern=r"^\+?[0-9][0-9 ().\-]{2,19}$", max_length=20)] | None = (
        None
    )
    # The limit is on the URL as sent (normalising may add a `/`), as the schema states.
    avatar_url: (
        Annotated[
            HttpUrl,
            BeforeValidator(_url_as_sent_at_most_2048),
            Field(json_schema_extra={"maxLength": MAX_URL_LENGTH}),
        ]
        | None
    ) = None
    timezone: Annotated[str, Field(max_length=50), ZONE_NAMES, AfterValidator(_iana_timezone)] = (
        "UTC"
    )
    preferences: BoundedJson = Field(default_factory=dict)
    metadata: BoundedJson = Field(default_factory=dict)


class ProfileRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    first_name: str | None = None
    last_name: str | None = None
    phone: str | None = None
    avatar_url: str | None = None
    timezone: str | None = "UTC"
    preferences: dict[str, Any] = Field(default_factory=dict)
    metadata: dict[str, Any] = Field(default_factory=dict)
    created_at: datetime | None = None
    updated_at: datetime | None = None
