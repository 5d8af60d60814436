"""Notification channels of a domain and of a person, deliveries, preferences, and the
one-click unsubscribe link of emails."""

from typing import Annotated, Literal
from uuid import UUID

from fastapi import Depends, Query, Request, Response, status
from fastapi.responses import HTMLResponse

from vividshift.auth.deps import Authenticated, Public, Reader, Writer
from vividshift.db import Db
from vividshift.http.openapi import AUTH, READ, WRITE, Responses, described
from vividshift.http.paging import PageParams, page_params
from vividshift.http.routing import api_router
from vividshift.notifications import service
from vividshift.notifications.schemas import (
    ChannelCreate,
    ChannelCreated,
    ChannelRead,
    ChannelUpdate,
    DeliveryPage,
    PersonalChannelCreate,
    PreferencesRead,
    PreferencesWrite,
)

router = api_router(tags=["notifications"])

Paging = Annotated[PageParams, Depends(page_params)]
UNSEEN: Responses = {404: described("No such domain, or one the caller is not a member of")}
CHANNEL_UNSEEN: Responses = {
    404: described("No such domain (or one the caller is not in), or no such channel there")
}
BAD_URL: Responses = {422: described("Invalid input, or a URL that may not be used (refused)")}


@router.get(
    "/api/domains/{domain_id}/channels", response_model=list[ChannelRead], responses=READ | UNSEEN
)
async def list_domain_channels(domain_id: UUID, user: Reader, db: Db) -> list[ChannelRead]:
    """The domain's webhooks and Apprise URLs (URLs in full for its managers)."""
    return await service.list_domain_channels(db, user, domain_id)


@router.post(
    "/api/domains/{domain_id}/channels",
    response_model=ChannelCreated,
    status_code=status.HTTP_201_CREATED,
    responses=WRITE | UNSEEN | BAD_URL,
)
async def create_domain_channel(
    domain_id: UUID, body: ChannelCreate, user: Writer, db: Db, request: Request
) -> ChannelCreated:
    """Manager: add a webhook or Apprise URL; a webhook's secret is shown only here."""
    return await service.create_domain_channel(
        db, request.app.state.settings, user, domain_id, body
    )


@router.patch(
    "/api/domains/{domain_id}/channels/{channel_id}",
    response_model=ChannelRead,
    responses=WRITE | CHANNEL_UNSEEN | BAD_URL,
)
async def update_domain_channel(
    domain_id: UUID, channel_id: UUID, body: ChannelUpdate, user: Writer, db: Db, request: Request
) -> ChannelRead:
    """Manager: rename, re-point, choose events, disable or re-enable a channel."""
    return await service.update_domain_channel(
        db, request.app.state.settings, user, domain_id, channel_id, body
    )


@router.delete(
    "/api/domains/{domain_id}/channels/{channel_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=READ | CHANNEL_UNSEEN,
)
async def delete_domain_channel(domain_id: UUID, channel_id: UUID, user: Writer, db: Db) -> None:
    """Manager: remove a channel and its deliveries."""
    await service.delete_domain_channel(db, user, domain_id, channel_id)


@router.get(
    "/api/domains/{domain_id}/deliveries", response_model=DeliveryPage, responses=READ | UNSEEN
)
async def list_deliveries(
    domain_id: UUID,
    user: Reader,
    db: Db,
    page: Paging,
    delivery_status: Annotated[
        Literal["pending", "delivered", "failed", "cancelled"] | None,
        Query(alias="status", description="only deliveries in this state"),
    ] = None,
) -> DeliveryPage:
    """Deliveries with every attempt, newest first: all for managers, a member's own."""
    return await service.list_deliveries(db, user, domain_id, status=delivery_status, page=page)


@router.get("/api/me/notifications", response_model=PreferencesRead, responses=AUTH)
async def get_preferences(user: Authenticated, db: Db) -> PreferencesRead:
    """Your notification preferences and own channels."""
    return await service.get_preferences(db, user)


@router.put("/api/me/notifications", response_model=PreferencesRead, responses=WRITE)
async def set_preferences(body: PreferencesWrite, user: Authenticated, db: Db) -> PreferencesRead:
    """Set the preferences sent: email events, reminder lead time, quiet hours, zone."""
    return await service.set_preferences(db, user, body)


@router.post(
    "/api/me/channels",
    response_model=ChannelRead,
    status_code=status.HTTP_201_CREATED,
    responses=WRITE | BAD_URL,
)
async def create_personal_channel(
    body: PersonalChannelCreate, user: Authenticated, db: Db, request: Request
) -> ChannelRead:
    """Add an Apprise URL of your own (Discord, ntfy, Telegram, …)."""
    return await service.create_personal_channel(db, request.app.state.settings, user, body)


@router.patch(
    "/api/me/channels/{channel_id}",
    response_model=ChannelRead,
    responses=WRITE | {404: described("No such channel of yours")} | BAD_URL,
)
async def update_personal_channel(
    channel_id: UUID, body: ChannelUpdate, user: Authenticated, db: Db, request: Request
) -> ChannelRead:
    """Change one of your channels."""
    return await service.update_personal_channel(
        db, request.app.state.settings, user, channel_id, body
    )


@router.delete(
    "/api/me/channels/{channel_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=AUTH | {404: described("No such channel of yours")},
)
async def delete_personal_channel(channel_id: UUID, user: Authenticated, db: Db) -> None:
    """Remove one of your channels."""
    await service.delete_personal_channel(db, user, channel_id)


_UNSUBSCRIBED = (
    "<!doctype html><html lang=en><head><meta charset=utf-8><title>Unsubscribed</title></head>"
    "<body><main><h1>Unsubscribed</h1><p>You will no longer get these emails. Change this any "
    "time under Notifications on your page.</p></main></body></html>"
)
UNSUBSCRIBE_RESPONSES: Responses = {
    404: described("The link does not verify, or its account is gone"),
    422: described("Missing or malformed parameters"),
}


@router.post(
    "/notifications/unsubscribe",
    status_code=status.HTTP_204_NO_CONTENT,
    dependencies=[Public],
    responses=UNSUBSCRIBE_RESPONSES,
)
async def unsubscribe_one_click(
    request: Request,
    db: Db,
    user: Annotated[UUID, Query(description="the account")],
    event: Annotated[str, Query(max_length=60, description="the event type")],
    sig: Annotated[str, Query(max_length=128, description="the link's signature")],
) -> Response:
    """One-click unsubscribe (RFC 8058) from one kind of email; no session needed."""
    await service.unsubscribe_email(db, request.app.state.jwt_key, user, event, sig)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# The page answers HTML, its errors the JSON error body (not the page's media type).
UNSUBSCRIBE_PAGE_RESPONSES: Responses = {
    code: {
        "description": answer["description"],
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}},
    }
    for code, answer in UNSUBSCRIBE_RESPONSES.items()
}


@router.get(
    "/notifications/unsubscribe",
    response_class=HTMLResponse,
    dependencies=[Public],
    responses=UNSUBSCRIBE_PAGE_RESPONSES,
)
async def unsubscribe_page(
    request: Request,
    db: Db,
    user: Annotated[UUID, Query(description="the account")],
    event: Annotated[str, Query(max_length=60, description="the event type")],
    sig: Annotated[str, Query(max_length=128, description="the link's signature")],
) -> HTMLResponse:
    """The email footer's link: unsubscribes from that kind of email and says so."""
    await service.unsubscribe_email(db, request.app.state.jwt_key, user, event, sig)
    return HTMLResponse(_UNSUBSCRIBED)
