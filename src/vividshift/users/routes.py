"""/api/me (own account and profile) and /api/users (administration, admins only)."""

from typing import Annotated
from uuid import UUID

from fastapi import Query, Request

from vividshift.auth.deps import AdminUser, Authenticated
from vividshift.auth.routes import Client
from vividshift.auth.schemas import Role
from vividshift.db import Db
from vividshift.http.openapi import Responses
from vividshift.http.routing import api_router
from vividshift.users import service
from vividshift.users.schemas import (
    MeUpdate,
    ProfileRead,
    ProfileWrite,
    RoleChange,
    SessionsEnded,
    UserPage,
    UserRead,
)

router = api_router(tags=["users"])

_AUTH: Responses = {401: {"description": "Not authenticated"}}
_ADMIN: Responses = {
    **_AUTH,
    403: {"description": "Admins only"},
    404: {"description": "No such user"},
}
_LAST_ADMIN: Responses = {
    422: {"description": "Would remove the last active admin, or invalid body"}
}


@router.get("/api/me", response_model=UserRead, responses=_AUTH)
async def get_me(user: Authenticated, db: Db) -> UserRead:
    """The caller's account."""
    return UserRead.model_validate(await service.get_me(db, user))


@router.patch(
    "/api/me",
    response_model=UserRead,
    responses={
        **_AUTH,
        409: {"description": "Username or email taken"},
        429: {"description": "Too many wrong current passwords (Retry-After)"},
    },
)
async def update_me(
    body: MeUpdate, request: Request, user: Authenticated, client: Client, db: Db
) -> UserRead:
    """Change username or email (an email change needs `current_password`)."""
    row = await service.update_me(
        db,
        request.app.state.settings,
        user,
        changes=body.model_dump(include={"username", "email"}),
        current_password=body.current_password,
        client=client,
    )
    return UserRead.model_validate(row)


@router.get("/api/me/profile", response_model=ProfileRead, responses=_AUTH)
async def get_profile(user: Authenticated, db: Db) -> ProfileRead:
    """The caller's profile."""
    row = await service.get_profile(db, user)
    return ProfileRead() if row is None else ProfileRead.model_validate(row)


@router.put("/api/me/profile", response_model=ProfileRead, responses=_AUTH)
async def put_profile(body: ProfileWrite, user: Authenticated, db: Db) -> ProfileRead:
    """Replace the caller's profile."""
    values = body.model_dump(mode="json")
    return ProfileRead.model_validate(await service.put_profile(db, user, values))


@router.get("/api/users", response_model=UserPage, responses=_ADMIN)
async def list_users(
    admin: AdminUser,
    db: Db,
    q: Annotated[str | None, Query(max_length=100, description="in username or email")] = None,
    role: Role | None = None,
    is_active: bool | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> UserPage:
    """Users by username, paged; `q` searches username and email."""
    rows, total = await service.list_users(
        db, search=q, role=role, is_active=is_active, limit=limit, offset=offset
    )
    items = [UserRead.model_validate(r) for r in rows]
    return UserPage(items=items, total=total, limit=limit, offset=offset)


@router.get("/api/users/{user_id}", response_model=UserRead, responses=_ADMIN)
async def get_user(user_id: UUID, admin: AdminUser, db: Db) -> UserRead:
    """One user."""
    return UserRead.model_validate(await service.get_user(db, user_id))


@router.put(
    "/api/users/{user_id}/role", response_model=UserRead, responses={**_ADMIN, **_LAST_ADMIN}
)
async def set_role(user_id: UUID, body: RoleChange, admin: AdminUser, db: Db) -> UserRead:
    """Change a user's role (effective from their next request)."""
    return UserRead.model_validate(await service.set_role(db, admin.id, user_id, body.role))


@router.post(
    "/api/users/{user_id}/deactivate",
    response_model=UserRead,
    responses={**_ADMIN, **_LAST_ADMIN},
)
async def deactivate_user(user_id: UUID, admin: AdminUser, db: Db) -> UserRead:
    """Deactivate a user; all their sessions end."""
    return UserRead.model_validate(await service.deactivate(db, admin.id, user_id))


@router.post("/api/users/{user_id}/reactivate", response_model=UserRead, responses=_ADMIN)
async def reactivate_user(user_id: UUID, admin: AdminUser, db: Db) -> UserRead:
    """Reactivate a user."""
    return UserRead.model_validate(await service.reactivate(db, admin.id, user_id))


@router.delete("/api/users/{user_id}/sessions", response_model=SessionsEnded, responses=_ADMIN)
async def end_user_sessions(user_id: UUID, admin: AdminUser, db: Db) -> SessionsEnded:
    """End every session of a user."""
    return SessionsEnded(ended=await service.end_sessions(db, admin.id, user_id))
