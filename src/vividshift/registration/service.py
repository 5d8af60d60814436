"""Self-registration under the install's registration mode.

- `open` (the default, for compatibility): anyone may register;
- `invite`: only with an invitation token (the link a manager passed on);
- `closed`: nobody (403); accounts come from `vividshift users create`, from an admin,
  or — signed in already — from accepting an invitation.

The new account's global role is VIVIDSHIFT_REGISTRATION_ROLE (`user` or `viewer`), never
`admin`, also on an empty install: the first admin is made with the CLI. With a token,
the account and its membership are made in one transaction: a used, revoked or expired
token (410) or an unknown one (404) leaves no account behind. At most
VIVIDSHIFT_REGISTRATION_MAX_PER_ADDRESS registrations per client address and login window
(429), and a taken username or email is one 409 that does not say which, so registration
cannot be used to probe for accounts.
"""

from vividshift.auth import service as auth_service
from vividshift.auth.rows import UserRow
from vividshift.auth.service import ClientInfo
from vividshift.config import Settings
from vividshift.db import Connection
from vividshift.errors import Conflict, Forbidden
from vividshift.invitations import service as invitations
from vividshift.invitations.schemas import Accepted


async def register(
    db: Connection,
    settings: Settings,
    *,
    username: str,
    email: str,
    password: str,
    invitation_token: str | None,
    client: ClientInfo,
) -> tuple[UserRow, Accepted | None]:
    """Create an account under the registration mode; (user, the accepted invitation)."""
    if settings.registration == "closed":
        raise Forbidden("Registration is closed: ask an administrator for an account")
    if settings.registration == "invite" and invitation_token is None:
        raise Forbidden("Registration needs an invitation: open the link you were sent")
    auth_service.check_new_password(password)
    await auth_service.count_registration(db, settings, client)
    accepted: list[Accepted] = []
    account_made = False

    async def accept(conn: Connection, user: UserRow) -> None:
        nonlocal account_made
        account_made = True
        if invitation_token is not None:
            accepted.append(
                await invitations.accept_in_transaction(conn, user.id, invitation_token)
            )

    try:
        user = await auth_service.create_user(
            db,
            username=username,
            email=email,
            password=password,
            role=settings.registration_role,
            then=accept,
        )
    except Conflict:
        if account_made:  # the invitation's conflict, not the account's
            raise
        raise Conflict(auth_service.REGISTRATION_TAKEN) from None
    return user, accepted[0] if accepted else None
