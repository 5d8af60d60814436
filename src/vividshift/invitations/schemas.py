"""Request and response bodies of invitations."""

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from vividshift.auth.schemas import Email

InvitedRole = Literal["manager", "member", "viewer"]
Status = Literal["pending", "accepted", "revoked", "expired"]
Token = Annotated[str, Field(min_length=1, max_length=200, description="the invitation's token")]


class InvitationCreate(BaseModel):
    """Whom to invite, with which role, and optionally the participant to link."""

    model_config = ConfigDict(extra="forbid")
    email: Email = Field(description="where the link goes (kept for the managers' list)")
    role: InvitedRole = Field(default="member", description="the role in the domain")
    participant_id: UUID | None = Field(
        default=None,
        description="a participant of this domain, not yet linked to an account, that "
        "becomes the invitee's own",
    )


class InvitationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    domain_id: UUID
    email: str | None
    role: InvitedRole
    participant_id: UUID | None
    status: Status
    created_by: UUID | None
    created_at: datetime
    expires_at: datetime
    accepted_at: datetime | None
    accepted_by: UUID | None
    revoked_at: datetime | None


class InvitationCreated(InvitationRead):
    token: str = Field(description="the secret; shown once, only a hash of it is kept")
    url: str = Field(description="the link to pass on: opens the page that accepts it")


class AcceptRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    token: Token


class Accepted(BaseModel):
    """The membership an accepted invitation gave."""

    domain_id: UUID
    domain_name: str
    role: InvitedRole = Field(description="the role now held (an invitation never demotes)")
    participant_id: UUID | None = Field(description="the participant now linked, if any")
