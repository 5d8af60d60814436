"""Invitation use-cases; each one is one transaction.

Decisions:
- Managers of a domain (and admins) invite, list and revoke; the list holds emails, so
  members and viewers do not see it (403), and other domains' callers get 404.
- The token is the credential: whoever holds the link may accept it, whatever their
  account's email (there is no email sending yet; the manager passes the link on by
  hand). The email is where it was meant to go, kept for the managers' list.
- Single use: accepting locks the invitation's row, so of two accepts at once one wins
  and the other finds it used (410). Used, revoked, expired (7 days) or of a deactivated
  domain: 410 `RESOURCE_GONE`. A malformed token, or one whose secret does not match:
  404, as for an unknown one.
- Accepting never demotes: a member invited as viewer stays a member.
- The participant named by the invitation becomes the account's own ("me"); when it is
  linked to someone else by then, or the account already has a participant in that
  domain, the accept is refused (409) and nothing changes: a manager sorts it out.
- Revoking an accepted invitation is refused (409: remove the member instead);
  revoking a revoked or expired one changes nothing (204).
"""

import uuid
from dataclasses import asdict, fields
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from vividshift.auth.deps import Principal
from vividshift.db import Connection, transaction
from vividshift.domains import queries as domain_queries
from vividshift.domains.access import RANK, domain_access
from vividshift.errors import Conflict, Gone, NotFound
from vividshift.invitations import queries, tokens
from vividshift.invitations.rows import InvitationInDomain, InvitationPreview
from vividshift.invitations.schemas import (
    Accepted,
    InvitationCreate,
    InvitationCreated,
    InvitationRead,
)

LIFETIME = timedelta(days=7)
ACCEPT_PATH = "/invite/"


def _not_found(invitation_id: UUID | None = None) -> NotFound:
    details = {"id": str(invitation_id)} if invitation_id else None
    return NotFound("Invitation not found", details=details)


def base_url(request: Any) -> str:
    """Where invitation links point: VIVIDSHIFT_PUBLIC_URL, else the request's address."""
    return request.app.state.settings.public_url or str(request.base_url)


def invitation_url(base_url: str, token: str) -> str:
    """The link that opens the page accepting `token`."""
    return base_url.rstrip("/") + ACCEPT_PATH + token


async def _manager_access(conn: Connection, caller: Principal | None, domain_id: UUID) -> None:
    try:
        access = await domain_access(conn, caller, domain_id)
    except NotFound:
        raise NotFound("Domain not found", details={"id": str(domain_id)}) from None
    access.require("manager")


async def create_invitation(
    conn: Connection,
    caller: Principal | None,
    domain_id: UUID,
    body: InvitationCreate,
    *,
    base_url: str,
) -> InvitationCreated:
    """Invite someone to a domain (a manager); the token and link come back once."""
    actor = caller.id if caller else None
    invitation_id = uuid.uuid4()
    token, token_hash = tokens.new_token(invitation_id)
    async with transaction(conn, acting_user=actor):
        await _manager_access(conn, caller, domain_id)
        if body.participant_id is not None:
            person = await queries.lock_participant(conn, body.participant_id, domain_id)
            if person is None:
                raise NotFound(
                    "Participant not found", details={"participant_id": str(body.participant_id)}
                )
            if person.user_id is not None:
                raise Conflict(
                    "This participant is already linked to an account",
                    details={"participant_id": str(body.participant_id)},
                )
        row = await queries.insert_invitation(
            conn,
            invitation_id=invitation_id,
            domain_id=domain_id,
            email=str(body.email).lower(),
            role=body.role,
            participant_id=body.participant_id,
            token_hash=token_hash,
            created_by=actor,
            expires_at=datetime.now(UTC) + LIFETIME,
        )
    return InvitationCreated(**asdict(row), token=token, url=invitation_url(base_url, token))


async def list_invitations(
    conn: Connection, caller: Principal | None, domain_id: UUID
) -> list[InvitationRead]:
    """The invitations of a domain, newest first (a manager)."""
    async with transaction(conn):
        await _manager_access(conn, caller, domain_id)
        rows = await queries.list_invitations(conn, domain_id)
    return [InvitationRead.model_validate(r) for r in rows]


async def revoke_invitation(
    conn: Connection, caller: Principal | None, domain_id: UUID, invitation_id: UUID
) -> InvitationRead:
    """Revoke a pending invitation (a manager); its link stops working at once."""
    async with transaction(conn, acting_user=caller.id if caller else None):
        await _manager_access(conn, caller, domain_id)
        row = await queries.lock_invitation(conn, invitation_id, domain_id)
        if row is None:
            raise _not_found(invitation_id)
        if row.status == "accepted":
            raise Conflict(
                "This invitation was accepted already; remove the member instead",
                details={"id": str(invitation_id)},
            )
        if row.status != "pending":
            return InvitationRead.model_validate(row)
        revoked = await queries.mark_revoked(conn, invitation_id)
    return InvitationRead.model_validate(revoked)


def _gone_reason(row: InvitationInDomain) -> str | None:
    if row.status == "accepted":
        return "This invitation has been used already"
    if row.status == "revoked":
        return "This invitation was revoked"
    if row.status == "expired":
        return "This invitation has expired"
    if not row.domain_is_active:
        return "The house or team of this invitation is no longer active"
    return None


async def preview(conn: Connection, token: str) -> InvitationPreview:
    """What a token invites to (domain, role, participant), for the page that accepts it;
    404 when unknown, 410 when no longer valid."""
    parsed = tokens.parse_token(token)
    row = await queries.get_invitation(conn, parsed[0]) if parsed else None
    if row is None or not tokens.matches(row.token_hash, parsed[1]):  # type: ignore[index]
        raise _not_found()
    reason = _gone_reason(row)
    if reason:
        raise Gone(reason)
    return InvitationPreview(**{f.name: getattr(row, f.name) for f in fields(InvitationPreview)})


async def accept_in_transaction(conn: Connection, user_id: UUID, token: str) -> Accepted:
    """Accept `token` for the account `user_id`, inside the caller's transaction."""
    parsed = tokens.parse_token(token)
    row = await queries.lock_invitation(conn, parsed[0]) if parsed else None
    if row is None or not tokens.matches(row.token_hash, parsed[1]):  # type: ignore[index]
        raise _not_found()
    reason = _gone_reason(row)
    if reason:
        raise Gone(reason, details={"status": row.status})
    domain_id = row.domain_id
    await domain_queries.lock_domain(conn, domain_id)  # member changes of a domain in turn
    current = await domain_queries.get_member(conn, domain_id, user_id)
    role = row.role
    if current is not None and RANK[current.role] > RANK[role]:
        role = current.role
    participant_id = row.participant_id
    if participant_id is not None:
        person = await queries.lock_participant(conn, participant_id, domain_id)
        own = await queries.linked_participant(conn, domain_id, user_id)
        if person is None:
            participant_id = None  # deleted since: the membership still stands
        elif person.user_id not in (None, user_id):
            raise Conflict(
                "The person of this invitation is linked to another account by now; "
                "ask a manager of the house",
                details={"participant_id": str(participant_id)},
            )
        elif own is not None and own.id != participant_id:
            raise Conflict(
                "Your account is already linked to another person of this house",
                details={"participant_id": str(own.id)},
            )
        else:
            await queries.link_participant(conn, participant_id, user_id)
    await domain_queries.upsert_member(conn, domain_id, user_id, role, row.created_by)
    await queries.mark_accepted(conn, row.id, user_id)
    return Accepted(
        domain_id=domain_id,
        domain_name=row.domain_name,
        role=role,
        participant_id=participant_id,
    )


async def accept(conn: Connection, caller: Principal, token: str) -> Accepted:
    """Accept an invitation as the signed-in caller: membership and "me" link."""
    async with transaction(conn, acting_user=caller.id):
        return await accept_in_transaction(conn, caller.id, token)
