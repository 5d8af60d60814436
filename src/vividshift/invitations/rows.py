"""Rows of invitations as the queries return them."""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from vividshift.invitations.schemas import InvitedRole, Status


@dataclass(frozen=True)
class InvitationRow:
    """An invitation with its status computed from its timestamps."""

    id: UUID
    domain_id: UUID
    email: str | None
    role: InvitedRole
    participant_id: UUID | None
    created_by: UUID | None
    created_at: datetime
    expires_at: datetime
    accepted_at: datetime | None
    accepted_by: UUID | None
    revoked_at: datetime | None
    status: Status


@dataclass(frozen=True)
class InvitationInDomain(InvitationRow):
    """An invitation with the names and state of its domain."""

    domain_name: str
    domain_display_name: str
    domain_is_active: bool


@dataclass(frozen=True)
class LockedInvitation(InvitationInDomain):
    """An invitation locked for an accept or a revoke, with its token's hash."""

    token_hash: bytes


@dataclass(frozen=True)
class InvitationPreview(InvitationInDomain):
    """What the accept page shows: the invitation, its domain and its person's name."""

    participant_name: str | None


@dataclass(frozen=True)
class HashedPreview(InvitationPreview):
    """A preview with the token's hash, to check a presented token against."""

    token_hash: bytes


@dataclass(frozen=True)
class InvitedPerson:
    """A participant an invitation links to an account."""

    id: UUID
    name: str
    user_id: UUID | None
