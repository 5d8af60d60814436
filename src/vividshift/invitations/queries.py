"""SQL of domain invitations."""

from datetime import datetime
from uuid import UUID

from vividshift.db import Connection, fetch_all, fetch_one
from vividshift.invitations.rows import (
    HashedPreview,
    InvitationRow,
    InvitedPerson,
    LockedInvitation,
)

STATUS = """
    CASE WHEN i.accepted_at IS NOT NULL THEN 'accepted'
         WHEN i.revoked_at IS NOT NULL THEN 'revoked'
         WHEN i.expires_at <= now() THEN 'expired'
         ELSE 'pending' END
"""
COLUMNS = f"""
    i.id, i.domain_id, i.email, i.role, i.participant_id, i.created_by, i.created_at,
    i.expires_at, i.accepted_at, i.accepted_by, i.revoked_at, {STATUS} AS status
"""


async def insert_invitation(
    conn: Connection,
    *,
    invitation_id: UUID,
    domain_id: UUID,
    email: str,
    role: str,
    participant_id: UUID | None,
    token_hash: bytes,
    created_by: UUID | None,
    expires_at: datetime,
) -> InvitationRow:
    row = await fetch_one(
        conn,
        InvitationRow,
        f"""
        INSERT INTO domain_invitations AS i
               (id, domain_id, email, role, participant_id, token_hash, created_by, expires_at)
        VALUES (%s, %s, %s, %s, %s, %s, %s, %s)
        RETURNING {COLUMNS}
        """,
        (invitation_id, domain_id, email, role, participant_id, token_hash, created_by, expires_at),
    )
    assert row is not None
    return row


async def list_invitations(conn: Connection, domain_id: UUID) -> list[InvitationRow]:
    """The invitations of a domain, newest first."""
    return await fetch_all(
        conn,
        InvitationRow,
        f"SELECT {COLUMNS} FROM domain_invitations AS i WHERE i.domain_id = %s"
        " ORDER BY i.created_at DESC, i.id",
        (domain_id,),
    )


async def lock_invitation(
    conn: Connection, invitation_id: UUID, domain_id: UUID | None = None
) -> LockedInvitation | None:
    """One invitation (of `domain_id` when given) with its hash and its domain, locked:
    concurrent accepts and revokes of it run one after the other."""
    return await fetch_one(
        conn,
        LockedInvitation,
        f"""
        SELECT {COLUMNS}, i.token_hash, d.name AS domain_name,
               d.display_name AS domain_display_name, d.is_active AS domain_is_active
          FROM domain_invitations AS i JOIN domains AS d ON d.id = i.domain_id
         WHERE i.id = %(id)s AND (%(domain)s::uuid IS NULL OR i.domain_id = %(domain)s)
           FOR UPDATE OF i
        """,
        {"id": invitation_id, "domain": domain_id},
    )


async def get_invitation(conn: Connection, invitation_id: UUID) -> HashedPreview | None:
    """One invitation with its hash, its domain and the name of its participant."""
    return await fetch_one(
        conn,
        HashedPreview,
        f"""
        SELECT {COLUMNS}, i.token_hash, d.name AS domain_name,
               d.display_name AS domain_display_name, d.is_active AS domain_is_active,
               p.name AS participant_name
          FROM domain_invitations AS i JOIN domains AS d ON d.id = i.domain_id
          LEFT JOIN participants AS p ON p.id = i.participant_id
         WHERE i.id = %s
        """,
        (invitation_id,),
    )


async def mark_revoked(conn: Connection, invitation_id: UUID) -> InvitationRow:
    row = await fetch_one(
        conn,
        InvitationRow,
        f"UPDATE domain_invitations AS i SET revoked_at = now() WHERE i.id = %s"
        f" RETURNING {COLUMNS}",
        (invitation_id,),
    )
    assert row is not None
    return row


async def mark_accepted(conn: Connection, invitation_id: UUID, user_id: UUID) -> None:
    await conn.execute(
        "UPDATE domain_invitations SET accepted_at = now(), accepted_by = %s WHERE id = %s",
        (user_id, invitation_id),
    )


async def lock_participant(
    conn: Connection, participant_id: UUID, domain_id: UUID
) -> InvitedPerson | None:
    """A participant of this domain, locked."""
    return await fetch_one(
        conn,
        InvitedPerson,
        "SELECT id, name, user_id FROM participants WHERE id = %s AND domain_id = %s FOR UPDATE",
        (participant_id, domain_id),
    )


async def linked_participant(
    conn: Connection, domain_id: UUID, user_id: UUID
) -> InvitedPerson | None:
    """The participant of this domain linked to the account, if any."""
    return await fetch_one(
        conn,
        InvitedPerson,
        "SELECT id, name, user_id FROM participants WHERE domain_id = %s AND user_id = %s",
        (domain_id, user_id),
    )


async def link_participant(conn: Connection, participant_id: UUID, user_id: UUID) -> None:
    await conn.execute(
        "UPDATE participants SET user_id = %s WHERE id = %s", (user_id, participant_id)
    )
