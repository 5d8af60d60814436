"""Channels, deliveries and preferences: who may see and change what.

Decisions:
- **Domain channels** (webhooks, Apprise URLs) are set up by the domain's managers.
  Members may list them with URLs cut to scheme and host (paths and Apprise URLs often
  hold tokens); the webhook secret is shown once, when the channel is created.
- **Personal channels** are Apprise URLs of one account (`/api/me/channels`); email goes
  to the account's address, per event type as the person chose.
- **URLs are checked when saved** (`safety`: public hosts only, unless
  `VIVIDSHIFT_ALLOW_PRIVATE_WEBHOOKS`), and again before every attempt.
- **Deliveries**: a domain's managers see all of them; a member sees those addressed to
  them. Another domain's are a 404.
- **Re-enabling** a channel (`is_active: true`) clears its failure record.
"""

from __future__ import annotations

import base64
import secrets
from typing import Any
from uuid import UUID

import psycopg.errors

from vividshift.auth.deps import Principal
from vividshift.config import Settings
from vividshift.db import Connection, transaction
from vividshift.domains import service as domains
from vividshift.domains.access import domain_access
from vividshift.errors import NotFound, ValidationFailed
from vividshift.http.paging import PageParams, Sort
from vividshift.notifications import queries, unsubscribe
from vividshift.notifications.rows import ChannelRow
from vividshift.notifications.safety import UnsafeTarget, check_http_url
from vividshift.notifications.schemas import (
    ChannelCreate,
    ChannelCreated,
    ChannelRead,
    ChannelUpdate,
    DeliveryPage,
    DeliveryRead,
    PersonalChannelCreate,
    PreferencesRead,
    PreferencesWrite,
    channel_read,
)
from vividshift.notifications.senders import apprise_url

CHANNEL_NOT_FOUND = "Channel not found"


def new_webhook_secret() -> str:
    """A Standard Webhooks secret: `whsec_` and 32 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


async def check_url(settings: Settings, kind: str, url: str) -> None:
    """422 when a channel's URL may not be used (see `safety`)."""
    try:
        if kind == "webhook":
            await check_http_url(url, allow_private=settings.allow_private_webhooks)
        else:
            await apprise_url.check(url, allow_private=settings.allow_private_webhooks)
    except UnsafeTarget as exc:
        raise ValidationFailed("This URL may not be used", details={"url": str(exc)}) from None


async def list_domain_channels(
    conn: Connection, principal: Principal, domain_id: UUID
) -> list[ChannelRead]:
    """The domain's channels (full URLs for managers)."""
    access = await domain_access(conn, principal, domain_id)
    rows = await queries.list_channels(conn, domain_id=access.domain_id)
    return [channel_read(r, full=access.allows("manager")) for r in rows]


async def create_domain_channel(
    conn: Connection, settings: Settings, principal: Principal, domain_id: UUID, body: ChannelCreate
) -> ChannelCreated:
    """Manager: a webhook (with a new signing secret) or Apprise URL for the domain."""
    access = (await domain_access(conn, principal, domain_id)).require("manager")
    await check_url(settings, body.kind, body.url)
    secret = new_webhook_secret() if body.kind == "webhook" else None
    async with transaction(conn, acting_user=principal.id):
        row = await queries.insert_channel(
            conn,
            {
                "domain_id": access.domain_id,
                "kind": body.kind,
                "name": body.name,
                "url": body.url,
                "secret": secret,
                "events": list(body.events),
                "created_by": principal.id,
            },
        )
    return ChannelCreated.model_validate(row, from_attributes=True)


async def _domain_channel(
    conn: Connection, principal: Principal, domain_id: UUID, channel_id: UUID
) -> ChannelRow:
    access = (await domain_access(conn, principal, domain_id)).require("manager")
    row = await queries.get_channel(conn, channel_id)
    if row is None or row.domain_id != access.domain_id:
        raise NotFound(CHANNEL_NOT_FOUND, details={"id": str(channel_id)})
    return row


async def _update(
    conn: Connection, settings: Settings, row: ChannelRow, body: ChannelUpdate, actor: UUID
) -> ChannelRow:
    changes: dict[str, Any] = body.model_dump(exclude_unset=True)
    for key in ("name", "url", "events", "is_active"):
        if key in changes and changes[key] is None:
            raise ValidationFailed(f"{key} may not be null")
    if "url" in changes:
        await check_url(settings, row.kind, changes["url"])
    if changes.get("is_active"):
        changes |= {"failing_since": None, "disabled_at": None, "disabled_reason": None}
    if not changes:
        return row
    async with transaction(conn, acting_user=actor):
        updated = await queries.update_channel(conn, row.id, changes)
    assert updated is not None
    return updated


async def update_domain_channel(
    conn: Connection,
    settings: Settings,
    principal: Principal,
    domain_id: UUID,
    channel_id: UUID,
    body: ChannelUpdate,
) -> ChannelRead:
    """Manager: rename, re-point, choose events, disable or re-enable a channel."""
    row = await _domain_channel(conn, principal, domain_id, channel_id)
    return channel_read(await _update(conn, settings, row, body, principal.id), full=True)


async def delete_domain_channel(
    conn: Connection, principal: Principal, domain_id: UUID, channel_id: UUID
) -> None:
    """Manager: remove a channel with its deliveries."""
    row = await _domain_channel(conn, principal, domain_id, channel_id)
    async with transaction(conn, acting_user=principal.id):
        await queries.delete_channel(conn, row.id)


async def list_deliveries(
    conn: Connection,
    principal: Principal,
    domain_id: UUID,
    *,
    status: str | None,
    page: PageParams,
) -> DeliveryPage:
    """The domain's deliveries with every attempt: all for managers, a member's own."""
    access = await domain_access(conn, principal, domain_id)
    only = None if access.allows("manager") else principal.id
    rows, total = await queries.list_deliveries(
        conn, access.domain_id, user_id=only, status=status, limit=page.limit, offset=page.offset
    )
    return DeliveryPage(
        items=[DeliveryRead.model_validate(r, from_attributes=True) for r in rows],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )


async def get_preferences(conn: Connection, principal: Principal) -> PreferencesRead:
    """The caller's notification preferences and own channels."""
    row = await queries.get_preferences(conn, principal.id)
    channels = await queries.list_channels(conn, user_id=principal.id)
    return PreferencesRead(
        email_events=list(row.email_events if row else queries.DEFAULT_EMAIL_EVENTS),
        reminder_hours=row.reminder_hours if row else None,
        quiet_hours_start=row.quiet_hours_start if row else None,
        quiet_hours_end=row.quiet_hours_end if row else None,
        timezone=row.timezone if row else None,
        channels=[channel_read(c, full=True) for c in channels],
    )


async def set_preferences(
    conn: Connection, principal: Principal, body: PreferencesWrite
) -> PreferencesRead:
    """Replace the caller's preferences with the fields sent (others keep their value)."""
    values = body.model_dump(exclude_unset=True)
    if "email_events" in values:
        if values["email_events"] is None:
            raise ValidationFailed("email_events may not be null (send [] for none)")
        values["email_events"] = sorted(set(values["email_events"]))
    if values.keys() & {"quiet_hours_start", "quiet_hours_end"}:
        # A pair: sending either sets both (the model has checked they go together), so
        # `{"quiet_hours_end": null}` clears the quiet hours instead of half of them.
        values["quiet_hours_start"] = body.quiet_hours_start
        values["quiet_hours_end"] = body.quiet_hours_end
    async with transaction(conn, acting_user=principal.id):
        await queries.upsert_preferences(conn, principal.id, values)
    return await get_preferences(conn, principal)


async def create_personal_channel(
    conn: Connection, settings: Settings, principal: Principal, body: PersonalChannelCreate
) -> ChannelRead:
    """An Apprise URL of the caller's own."""
    await check_url(settings, "apprise", body.url)
    async with transaction(conn, acting_user=principal.id):
        row = await queries.insert_channel(
            conn,
            {
                "user_id": principal.id,
                "kind": "apprise",
                "name": body.name,
                "url": body.url,
                "events": list(body.events),
                "created_by": principal.id,
            },
        )
    return channel_read(row, full=True)


async def _own_channel(conn: Connection, principal: Principal, channel_id: UUID) -> ChannelRow:
    row = await queries.get_channel(conn, channel_id)
    if row is None or row.user_id != principal.id:
        raise NotFound(CHANNEL_NOT_FOUND, details={"id": str(channel_id)})
    return row


async def update_personal_channel(
    conn: Connection,
    settings: Settings,
    principal: Principal,
    channel_id: UUID,
    body: ChannelUpdate,
) -> ChannelRead:
    """Change one of the caller's own channels."""
    row = await _own_channel(conn, principal, channel_id)
    return channel_read(await _update(conn, settings, row, body, principal.id), full=True)


async def delete_personal_channel(conn: Connection, principal: Principal, channel_id: UUID) -> None:
    """Remove one of the caller's own channels."""
    row = await _own_channel(conn, principal, channel_id)
    async with transaction(conn, acting_user=principal.id):
        await queries.delete_channel(conn, row.id)


async def unsubscribe_email(
    conn: Connection, key: bytes, user_id: UUID, event_type: str, sig: str
) -> None:
    """One-click unsubscribe: drop `event_type` from the account's email events. A link
    that does not verify is a 404 (nothing about the account is revealed)."""
    if not unsubscribe.is_valid(key, user_id, event_type, sig):
        raise NotFound("Unknown unsubscribe link")
    async with transaction(conn, acting_user=user_id):
        row = await queries.get_preferences(conn, user_id)
        current = list(row.email_events) if row else list(queries.DEFAULT_EMAIL_EVENTS)
        if event_type in current:
            current.remove(event_type)
        try:
            await queries.upsert_preferences(conn, user_id, {"email_events": current})
        except psycopg.errors.ForeignKeyViolation:  # the account is gone since the email
            raise NotFound("Unknown unsubscribe link") from None


async def managed_domains(conn: Connection, principal: Principal) -> list[dict[str, Any]]:
    """The active domains the caller manages, each with its channels (for the page)."""
    page = await domains.list_domains(
        conn, principal, active_only=True, sort=Sort("name", False), page=PageParams(limit=200)
    )
    out = []
    for domain in page.items:
        access = await domain_access(conn, principal, domain.id)
        if access.allows("manager"):
            rows = await queries.list_channels(conn, domain_id=domain.id)
            channels = [channel_read(r, full=True) for r in rows]
            out.append({"domain": domain, "channels": channels})
    return out
