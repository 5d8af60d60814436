"""/api/domains/{domain_id}/invitations (managers) and /api/invitations/accept."""

from uuid import UUID

from fastapi import Request, status

from vividshift.auth.deps import Authenticated, Writer
from vividshift.db import Db
from vividshift.http.openapi import AUTH, CONFLICT, READ, WRITE, Responses, described
from vividshift.http.routing import api_router
from vividshift.invitations import service
from vividshift.invitations.schemas import (
    Accepted,
    AcceptRequest,
    InvitationCreate,
    InvitationCreated,
    InvitationRead,
)

router = api_router(tags=["invitations"])

UNSEEN: Responses = {404: described("No such domain, or one the caller is not a member of")}
MANAGERS: Responses = {403: described("Only managers of the domain (and admins) may")}


@router.post(
    "/api/domains/{domain_id}/invitations",
    response_model=InvitationCreated,
    status_code=status.HTTP_201_CREATED,
    responses=WRITE
    | MANAGERS
    | {
        404: described("No such domain (or one the caller is not in), or no such participant"),
        409: described("The participant is already linked to an account"),
    },
)
async def create_invitation(
    domain_id: UUID, body: InvitationCreate, request: Request, user: Writer, db: Db
) -> InvitationCreated:
    """Manager: invite by email with a role (and a participant to link); the link comes back."""
    link_base = service.base_url(request)
    return await service.create_invitation(db, user, domain_id, body, base_url=link_base)


@router.get(
    "/api/domains/{domain_id}/invitations",
    response_model=list[InvitationRead],
    responses=READ | MANAGERS | UNSEEN,
)
async def list_invitations(domain_id: UUID, user: Writer, db: Db) -> list[InvitationRead]:
    """Manager: the invitations of a domain, newest first, with their status."""
    return await service.list_invitations(db, user, domain_id)


@router.delete(
    "/api/domains/{domain_id}/invitations/{invitation_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=READ
    | MANAGERS
    | {404: described("No such domain (or one the caller is not in), or no such invitation")}
    | {409: described("The invitation was accepted already")},
)
async def revoke_invitation(domain_id: UUID, invitation_id: UUID, user: Writer, db: Db) -> None:
    """Manager: revoke an invitation; its link answers 410 from now on."""
    await service.revoke_invitation(db, user, domain_id, invitation_id)


@router.post(
    "/api/invitations/accept",
    response_model=Accepted,
    responses=AUTH
    | CONFLICT
    | {
        404: described("No invitation with this token"),
        409: described(
            "The invitation's person is linked to another account, or yours to "
            "another person of the house"
        ),
        410: described("The invitation was used already, revoked, or has expired"),
        422: described("Invalid body"),
    },
)
async def accept_invitation(body: AcceptRequest, user: Authenticated, db: Db) -> Accepted:
    """Accept an invitation: become a member with its role, linked to its person."""
    return await service.accept(db, user, body.token)
