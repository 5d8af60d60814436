"""Rows of participants as the queries return them."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID


@dataclass(frozen=True)
class ParticipantRow:
    """A participant as stored: its JSON columns may be NULL (the read model fills defaults)."""

    id: UUID
    domain_id: UUID
    user_id: UUID | None
    name: str
    email: str | None
    phone: str | None
    skills: list[str] | None
    availability: dict[str, Any] | None
    preferences: dict[str, Any] | None
    metadata: dict[str, Any] | None
    is_active: bool
    created_by: UUID | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class ImportKey:
    """What an import's duplicate check compares: a stored participant's name and email."""

    id: UUID
    domain_id: UUID
    name: str
    email: str | None
