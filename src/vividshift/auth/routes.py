"""/auth/*: login, token refresh, sessions and password change (registration:
`vividshift.registration`, which also accepts invitations)."""

from typing import Annotated
from uuid import UUID

from fastapi import Depends, Request, Response

from vividshift.auth import service
from vividshift.auth.deps import Authenticated, Public
from vividshift.auth.schemas import (
    LoginRequest,
    PasswordChange,
    RefreshRequest,
    SessionRead,
    TokenResponse,
)
from vividshift.auth.service import ClientInfo, IssuedTokens
from vividshift.db import Db
from vividshift.http.openapi import Responses
from vividshift.http.routing import api_router

router = api_router(prefix="/auth", tags=["auth"])

_ERRORS: Responses = {
    401: {"description": "Not authenticated"},
    422: {"description": "Invalid body"},
}


def client_info(request: Request) -> ClientInfo:
    host = request.client.host if request.client else None
    return ClientInfo.of(host, request.headers.get("user-agent"))


async def _client(request: Request) -> ClientInfo:
    # async: FastAPI would run a plain function in a worker thread, a hop per request.
    return client_info(request)


Client = Annotated[ClientInfo, Depends(_client)]


def _token_response(issued: IssuedTokens, response: Response) -> TokenResponse:
    # RFC 6749 §5.1: tokens must not be stored by any cache on the way.
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return TokenResponse(
        token=issued.access_token,
        refresh_token=issued.refresh_token,
        expires_at=issued.access_expires_at,
        session_expires_at=issued.session_expires_at,
        user=issued.user,  # type: ignore[arg-type]
    )


@router.post(
    "/login",
    response_model=TokenResponse,
    dependencies=[Public],
    responses={**_ERRORS, 429: {"description": "Too many failed attempts (Retry-After)"}},
)
async def login(
    body: LoginRequest, request: Request, response: Response, client: Client, db: Db
) -> TokenResponse:
    """Log in with username or email; returns an access and a refresh token."""
    app = request.app
    issued = await service.login(
        db,
        app.state.settings,
        app.state.jwt_key,
        login=body.username,
        password=body.password,
        client=client,
    )
    return _token_response(issued, response)


@router.post("/refresh", response_model=TokenResponse, dependencies=[Public], responses=_ERRORS)
async def refresh(
    body: RefreshRequest, request: Request, response: Response, client: Client, db: Db
) -> TokenResponse:
    """Exchange a refresh token (once) for new tokens; reuse ends the session."""
    app = request.app
    issued = await service.refresh(
        db,
        app.state.settings,
        app.state.jwt_key,
        refresh_token=body.refresh_token,
        client=client,
    )
    return _token_response(issued, response)


@router.post("/logout", status_code=204, responses=_ERRORS)
async def logout(user: Authenticated, db: Db) -> Response:
    """End the current session."""
    await service.logout(db, user)
    return Response(status_code=204)


@router.post("/logout-all", status_code=204, responses=_ERRORS)
async def logout_all(user: Authenticated, db: Db) -> Response:
    """End every session of the caller, this one included."""
    await service.logout_all(db, user)
    return Response(status_code=204)


@router.get("/sessions", response_model=list[SessionRead], responses=_ERRORS)
async def list_sessions(user: Authenticated, db: Db) -> list[SessionRead]:
    """The caller's live sessions; `current` marks this one."""
    return await service.list_sessions(db, user)


@router.delete(
    "/sessions/{session_id}",
    status_code=204,
    responses={**_ERRORS, 404: {"description": "No such live session of yours"}},
)
async def end_session(session_id: UUID, user: Authenticated, db: Db) -> Response:
    """End one of the caller's sessions."""
    await service.end_session(db, user, session_id)
    return Response(status_code=204)


@router.post(
    "/password",
    status_code=204,
    responses={**_ERRORS, 429: {"description": "Too many wrong current passwords (Retry-After)"}},
)
async def change_password(
    body: PasswordChange, request: Request, user: Authenticated, client: Client, db: Db
) -> Response:
    """Change the password (the current one is required); other sessions end."""
    await service.change_password(
        db,
        request.app.state.settings,
        user,
        current_password=body.current_password,
        new_password=body.new_password,
        client=client,
    )
    return Response(status_code=204)
