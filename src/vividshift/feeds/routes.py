"""Calendar feeds: `GET /feeds/{token}.ics` (no session) and the tokens behind them."""

from typing import Annotated
from uuid import UUID

from fastapi import Header, Path, Request, Response, status

from vividshift.auth.deps import Authenticated, Public, Reader, Writer
from vividshift.db import Db
from vividshift.feeds import service
from vividshift.feeds.schemas import FeedCreated, FeedStatus
from vividshift.http.openapi import AUTH, ERROR_BODY_JSON, READ, Responses, described
from vividshift.http.routing import api_router

router = api_router(tags=["feeds"])

UNSEEN: Responses = {404: described("No such domain, or one the caller is not a member of")}
NO_FEED: Responses = {
    404: described("No such domain (or one the caller is not in), or no live feed")
}


@router.get(
    "/feeds/{token}.ics",
    dependencies=[Public],
    response_class=Response,
    responses={
        200: {
            "content": {"text/calendar": {"schema": {"type": "string"}}},
            "description": "The iCalendar document (ETag set)",
        },
        304: {"description": "Unchanged since the ETag sent in If-None-Match"},
        404: {"content": ERROR_BODY_JSON, "description": "Unknown or revoked token"},
    },
)
async def get_feed(
    db: Db,
    token: Annotated[str, Path(min_length=20, max_length=100, pattern=r"^[A-Za-z0-9_-]+$")],
    if_none_match: Annotated[str | None, Header(max_length=200)] = None,
) -> Response:
    """A person's or domain's places as iCalendar; subscribe once, no session needed."""
    body, etag = await service.render_feed(db, token)
    headers = {"ETag": etag, "Cache-Control": "private, max-age=300"}
    if if_none_match is not None and etag in {t.strip() for t in if_none_match.split(",")}:
        return Response(status_code=status.HTTP_304_NOT_MODIFIED, headers=headers)
    return Response(body, media_type="text/calendar; charset=utf-8", headers=headers)


@router.get("/api/me/feed", response_model=FeedStatus, responses=AUTH)
async def my_feed(user: Authenticated, db: Db) -> FeedStatus:
    """Whether you have a live calendar feed (its URL is shown only when made)."""
    return await service.my_feed(db, user)


@router.post(
    "/api/me/feed", response_model=FeedCreated, status_code=status.HTTP_201_CREATED, responses=AUTH
)
async def create_my_feed(user: Authenticated, db: Db, request: Request) -> FeedCreated:
    """A new subscription URL for your places; the previous one stops working."""
    return await service.create_my_feed(db, request.app.state.settings, user)


@router.delete(
    "/api/me/feed",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=AUTH | {404: described("No live feed")},
)
async def revoke_my_feed(user: Authenticated, db: Db) -> None:
    """Stop your feed's URL working."""
    await service.revoke_my_feed(db, user)


@router.get("/api/domains/{domain_id}/feed", response_model=FeedStatus, responses=READ | UNSEEN)
async def domain_feed(domain_id: UUID, user: Reader, db: Db) -> FeedStatus:
    """Whether the domain has a live calendar feed."""
    return await service.domain_feed(db, user, domain_id)


@router.post(
    "/api/domains/{domain_id}/feed",
    response_model=FeedCreated,
    status_code=status.HTTP_201_CREATED,
    responses=READ | UNSEEN,
)
async def create_domain_feed(
    domain_id: UUID, user: Writer, db: Db, request: Request
) -> FeedCreated:
    """Manager: a new subscription URL of every place; the previous one stops working."""
    return await service.create_domain_feed(db, request.app.state.settings, user, domain_id)


@router.delete(
    "/api/domains/{domain_id}/feed",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=READ | NO_FEED,
)
async def revoke_domain_feed(domain_id: UUID, user: Writer, db: Db) -> None:
    """Manager: stop the domain feed's URL working."""
    await service.revoke_domain_feed(db, user, domain_id)
