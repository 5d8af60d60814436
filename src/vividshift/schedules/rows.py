"""Rows of schedules as the queries return them."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID


@dataclass(frozen=True)
class ScheduledDomain:
    """An active domain with a schedule object (not yet validated) in its configuration."""

    id: UUID
    name: str
    display_name: str
    created_by: UUID | None
    schedule: Any


@dataclass(frozen=True)
class Cursor:
    """Where the workers stand on a domain's schedule."""

    domain_id: UUID
    cron: str
    timezone: str
    next_due_at: datetime
    armed_at: datetime
    last_claimed_at: datetime | None
