"""The caller's own account and profile, and user administration (admins only).

An admin cannot remove the last active admin: demotion and deactivation lock the
active admins' rows first, so two admins demoting each other at once cannot both win.
Deactivation ends all of the user's sessions in the same transaction.
"""

from typing import Any
from uuid import UUID

from vividshift.auth import queries as auth_queries
from vividshift.auth.deps import Principal
from vividshift.auth.events import security_event
from vividshift.auth.service import ClientInfo, verify_current_password, wrong_current_password
from vividshift.config import Settings
from vividshift.db import Connection, transaction
from vividshift.errors import BusinessRuleViolation, NotFound, ValidationFailed
from vividshift.users import queries
from vividshift.users.rows import ProfileRow, UserRow


async def get_me(db: Connection, principal: Principal) -> UserRow:
    """The caller's account."""
    user = await queries.get_user(db, principal.id)
    if user is None:
        raise NotFound("No such user")
    return user


async def update_me(
    db: Connection,
    settings: Settings,
    principal: Principal,
    *,
    changes: dict[str, Any],
    current_password: str | None,
    client: ClientInfo,
) -> UserRow:
    """Change one's username or email; a new email needs the current password."""
    async with transaction(db, acting_user=principal.id):
        user = await queries.get_user(db, principal.id, for_update=True)
        if user is None:
            raise NotFound("No such user")
        values = {k: v for k, v in changes.items() if v is not None}
        if "email" in values:
            values["email"] = values["email"].lower()
            if values["email"] == user.email:
                del values["email"]
        verified = True
        if "email" in values:
            if current_password is None:
                raise ValidationFailed(
                    "Validation failed",
                    details=[
                        {
                            "loc": ["body", "current_password"],
                            "msg": "Required to change the email",
                            "type": "missing",
                        }
                    ],
                )
            verified = bool(
                await verify_current_password(db, settings, principal, current_password, client)
            )
            values["email_verified"] = False
        if verified and values:
            user = await queries.update_user(db, principal.id, **values)
    if not verified:
        raise wrong_current_password()
    return user


async def get_profile(db: Connection, principal: Principal) -> ProfileRow | None:
    """The caller's profile; None when none was saved yet (the schema's defaults)."""
    return await queries.get_profile(db, principal.id)


async def put_profile(db: Connection, principal: Principal, values: dict[str, Any]) -> ProfileRow:
    """Replace the caller's profile."""
    async with transaction(db, acting_user=principal.id):
        return await queries.upsert_profile(db, principal.id, values)


async def list_users(
    db: Connection,
    *,
    search: str | None,
    role: str | None,
    is_active: bool | None,
    limit: int,
    offset: int,
) -> tuple[list[UserRow], int]:
    """A page of users, by username, optionally filtered."""
    return await queries.list_users(
        db, search=search, role=role, is_active=is_active, limit=limit, offset=offset
    )


async def get_user(db: Connection, user_id: UUID) -> UserRow:
    """One user, 404 when unknown."""
    user = await queries.get_user(db, user_id)
    if user is None:
        raise NotFound("No such user")
    return user


async def _locked_target(db: Connection, user_id: UUID) -> tuple[UserRow, list[UUID]]:
    admins = await queries.lock_active_admins(db)
    user = await queries.get_user(db, user_id, for_update=True)
    if user is None:
        raise NotFound("No such user")
    return user, admins


def _refuse_last_admin(user: UserRow, admins: list[UUID]) -> None:
    if admins == [user.id]:
        raise BusinessRuleViolation("The last active admin cannot be demoted or deactivated")


async def set_role(db: Connection, actor_id: UUID | None, user_id: UUID, role: str) -> UserRow:
    """Change a user's role; it applies from the user's next request."""
    async with transaction(db, acting_user=actor_id):
        user, admins = await _locked_target(db, user_id)
        old_role = user.role
        if old_role == role:
            return user
        if old_role == "admin":
            _refuse_last_admin(user, admins)
        user = await queries.update_user(db, user_id, role=role)
    security_event(
        "user.role_changed", actor_id=actor_id, user_id=user_id, role=role, old_role=old_role
    )
    return user


async def deactivate(db: Connection, actor_id: UUID | None, user_id: UUID) -> UserRow:
    """Deactivate a user and end all their sessions."""
    async with transaction(db, acting_user=actor_id):
        user, admins = await _locked_target(db, user_id)
        if not user.is_active:
            return user
        _refuse_last_admin(user, admins)
        user = await queries.update_user(db, user_id, is_active=False)
        ended = await auth_queries.revoke_user_sessions(db, user_id, "deactivated")
    security_event("user.deactivated", actor_id=actor_id, user_id=user_id, count=ended)
    return user


async def reactivate(db: Connection, actor_id: UUID | None, user_id: UUID) -> UserRow:
    """Let a deactivated user log in again."""
    async with transaction(db, acting_user=actor_id):
        user, _ = await _locked_target(db, user_id)
        if user.is_active:
            return user
        user = await queries.update_user(db, user_id, is_active=True)
    security_event("user.reactivated", actor_id=actor_id, user_id=user_id)
    return user


async def end_sessions(db: Connection, actor_id: UUID | None, user_id: UUID) -> int:
    """End every session of a user."""
    async with transaction(db, acting_user=actor_id):
        await get_user(db, user_id)
        ended = await auth_queries.revoke_user_sessions(db, user_id, "ended_by_admin")
    security_event("session.ended_by_admin", actor_id=actor_id, user_id=user_id, count=ended)
    return ended
