"""Rows of assignment targets (the web page's tasks) as the queries return them."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID


@dataclass(frozen=True)
class TargetRow:
    """A target as stored: its JSON columns may be NULL (the read model fills defaults)."""

    id: UUID
    domain_id: UUID
    name: str
    description: str | None
    required_count: int
    effort: Decimal
    required_skills: list[str] | None
    constraints: dict[str, Any] | None
    metadata: dict[str, Any] | None
    is_active: bool
    created_by: UUID | None
    created_at: datetime
    updated_at: datetime
