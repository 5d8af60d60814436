"""Rows of fair share as the queries return them: places with their outcome, requests to
cover or swap a place and their events, runs whose day ended."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from vividshift.db import qualified

DETAIL_COLUMNS = (
    "d.id, d.assignment_id, d.participant_id, d.target_id, d.position, d.metadata,"
    " d.created_at, d.rota_participant_id, d.pinned, d.outcome, d.outcome_at, d.outcome_by"
)
REQUEST_FIELDS = (
    "id, domain_id, assignment_id, detail_id, kind, status, requester_id, asked_participant_id,"
    " accepted_participant_id, accepted_detail_id, accepted_at, auto_find, note, created_by,"
    " created_at, updated_at"
)
REQUEST_COLUMNS = qualified(REQUEST_FIELDS, "r")  # aliased `r`


@dataclass(frozen=True)
class Detail:
    """A place of a run (an `assignment_details` row)."""

    id: UUID
    assignment_id: UUID
    participant_id: UUID  # who does it
    target_id: UUID
    position: int | None
    metadata: dict[str, Any] | None
    created_at: datetime
    rota_participant_id: UUID | None  # the rota's person, when someone else does it
    pinned: bool
    outcome: str | None
    outcome_at: datetime | None
    outcome_by: UUID | None


@dataclass(frozen=True)
class PlaceRow(Detail):
    """A place with its task's effort and name and its doer's name and account."""

    effort: Decimal
    target_name: str
    participant_user_id: UUID | None
    participant_name: str


@dataclass(frozen=True)
class DetailWithRun(Detail):
    """A place with its run's domain and status."""

    domain_id: UUID
    run_status: str


@dataclass(frozen=True)
class MarkedPlace:
    """A place after its outcome was written."""

    id: UUID
    assignment_id: UUID
    participant_id: UUID
    rota_participant_id: UUID | None
    target_id: UUID
    outcome: str | None
    outcome_at: datetime | None
    outcome_by: UUID | None


@dataclass(frozen=True)
class EndedRun:
    """A run whose local day has ended with open places, and its domain's configuration."""

    id: UUID
    domain_id: UUID
    assignment_date: date
    configuration: dict[str, Any]


@dataclass(frozen=True)
class RunPlace:
    """Who does which task in a run."""

    id: UUID
    participant_id: UUID
    target_id: UUID


@dataclass(frozen=True)
class RequestRow:
    """A request to cover or swap a place (`place_requests`)."""

    id: UUID
    domain_id: UUID
    assignment_id: UUID
    detail_id: UUID
    kind: str
    status: str
    requester_id: UUID
    asked_participant_id: UUID | None
    accepted_participant_id: UUID | None
    accepted_detail_id: UUID | None
    accepted_at: datetime | None
    auto_find: bool
    note: str | None
    created_by: UUID | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class DueCoverSearch(RequestRow):
    """An automatic cover request whose next wave is due, with its domain's configuration."""

    configuration: dict[str, Any]


@dataclass(frozen=True)
class RequestEventRow:
    """A step of a request."""

    action: str
    participant_id: UUID | None
    user_id: UUID | None
    details: dict[str, Any]
    created_at: datetime


@dataclass(frozen=True)
class RequestListing:
    """A request with the names a page shows."""

    id: UUID
    kind: str
    status: str
    note: str | None
    domain_id: UUID
    assignment_id: UUID
    detail_id: UUID
    requester_id: UUID
    asked_participant_id: UUID | None
    accepted_participant_id: UUID | None
    accepted_detail_id: UUID | None
    created_at: datetime
    domain_name: str
    assignment_date: date
    target_name: str
    requester_name: str
    asked_name: str | None
    taker_name: str | None


@dataclass(frozen=True)
class OwnPlace:
    """A person's place in an active run (what they may give in a swap)."""

    id: UUID
    assignment_date: date
    target_name: str
