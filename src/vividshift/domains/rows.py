"""Rows of domains and their members as the queries return them."""

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from vividshift.stored_json import stored_object


@dataclass(frozen=True)
class DomainRow:
    """A domain (a house): its configuration as stored, defaults not filled in."""

    id: UUID
    name: str
    display_name: str
    description: str | None
    version: str
    is_active: bool
    configuration: dict[str, Any]
    business_rules: list[Any] | None
    created_by: UUID | None
    created_at: datetime
    updated_at: datetime

    def as_mapping(self) -> dict[str, Any]:
        """The row by column name, for the generation code that reads domains by key."""
        return asdict(self)


def configuration_of(domain: DomainRow | None) -> dict[str, Any]:
    """A domain's stored configuration ({} for none)."""
    return stored_object(domain.configuration if domain is not None else None)


@dataclass(frozen=True)
class DomainWithRole:
    """A domain's id and name with the caller's membership role (None: no member)."""

    id: UUID
    name: str
    member_role: str | None


@dataclass(frozen=True)
class MemberRow:
    """A membership with the account's username and linked participant."""

    user_id: UUID
    username: str
    role: Literal["viewer", "member", "manager"]
    created_at: datetime
    participant_id: UUID | None


@dataclass(frozen=True)
class ActiveUser:
    """An active account, as a membership or a link names it."""

    id: UUID
    username: str
