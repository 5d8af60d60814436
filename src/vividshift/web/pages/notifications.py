"""Notifications: a person's email choices, reminder lead time and quiet hours, their
calendar feed and own Apprise channels; and, for managers, their houses' channels
(the page of /api/me/notifications, /api/me/feed and the domain channel API — the same
services)."""

from __future__ import annotations

import contextlib
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request
from pydantic import ValidationError
from starlette.responses import Response

from vividshift.auth.deps import Principal
from vividshift.db import Connection, Db
from vividshift.errors import AppError, NotFound
from vividshift.feeds import service as feeds
from vividshift.notifications import service
from vividshift.notifications.events import EVENT_TYPES
from vividshift.notifications.schemas import (
    ChannelCreate,
    PersonalChannelCreate,
    PreferencesWrite,
)
from vividshift.web.deps import Form, SignedIn
from vividshift.web.forms import FieldErrors, pydantic_errors, text, whole_number
from vividshift.web.render import redirect, render

router = APIRouter(tags=["web"], include_in_schema=False)

EVENT_LABELS = {
    "rotation.published.v1": "A new rotation is out",
    "place.changed.v1": "My place changed (swap, reassign)",
    "turn.reminder.v1": "My turn starts soon",
    "cover.requested.v1": "Someone asks me to cover a place",
    "generation.failed.v1": "A generation I asked for failed",
    "channel.disabled.v1": "A channel I set up was disabled",
}
assert set(EVENT_LABELS) == set(EVENT_TYPES)


async def _page(
    request: Request,
    db: Connection,
    user: Principal,
    status_code: int = 200,
    **extra: Any,
) -> Response:
    return render(
        request,
        "notifications.html",
        status_code,
        prefs=await service.get_preferences(db, user),
        feed=await feeds.my_feed(db, user),
        houses=await service.managed_domains(db, user),
        labels=EVENT_LABELS,
        errors=extra.pop("errors", {}),
        **extra,
    )


def _refusal(exc: AppError) -> str:
    details = exc.details if isinstance(exc.details, dict) else {}
    return f"{exc.message}: {details['url']}" if "url" in details else exc.message


@router.get("/notifications")
async def notifications(request: Request, user: SignedIn, db: Db) -> Response:
    """Your notification settings, calendar feed and channels."""
    return await _page(request, db, user)


@router.post("/notifications/preferences")
async def save_preferences(request: Request, user: SignedIn, db: Db, form: Form) -> Response:
    """Save which emails you get, the reminder lead time and quiet hours."""
    errors: FieldErrors = {}
    chosen = [e for e in form.getlist("email_events") if isinstance(e, str)]
    values: dict[str, Any] = {
        "email_events": chosen,
        "reminder_hours": whole_number(form, "reminder_hours"),
        "quiet_hours_start": text(form, "quiet_hours_start") or None,
        "quiet_hours_end": text(form, "quiet_hours_end") or None,
        "timezone": text(form, "timezone") or None,
    }
    try:
        body = PreferencesWrite.model_validate(values)
    except ValidationError as exc:
        errors.update(pydantic_errors(exc))
        return await _page(request, db, user, 422, errors=errors)
    await service.set_preferences(db, user, body)
    return redirect(request, "/notifications", "Preferences saved.")


@router.post("/notifications/feed")
async def new_feed(request: Request, user: SignedIn, db: Db, form: Form) -> Response:
    """A new calendar subscription URL (shown once; the previous one stops working)."""
    created = await feeds.create_my_feed(db, request.app.state.settings, user)
    return await _page(request, db, user, new_feed_url=created.url)


@router.post("/notifications/feed/revoke")
async def revoke_feed(request: Request, user: SignedIn, db: Db, form: Form) -> Response:
    """Stop your calendar feed's URL working."""
    with contextlib.suppress(NotFound):  # nothing live: the page shows that
        await feeds.revoke_my_feed(db, user)
    return redirect(request, "/notifications", "Calendar feed stopped.")


@router.post("/notifications/channels")
async def add_channel(request: Request, user: SignedIn, db: Db, form: Form) -> Response:
    """Add an Apprise URL of your own."""
    errors: FieldErrors = {}
    try:
        body = PersonalChannelCreate(name=text(form, "name"), url=text(form, "url"))
        await service.create_personal_channel(db, request.app.state.settings, user, body)
    except ValidationError as exc:
        errors.update(pydantic_errors(exc))
    except AppError as exc:
        errors["url"] = _refusal(exc)
    if errors:
        return await _page(request, db, user, 422, errors=errors)
    return redirect(request, "/notifications", "Channel added.")


@router.post("/notifications/channels/{channel_id}/delete")
async def delete_channel(
    request: Request, channel_id: UUID, user: SignedIn, db: Db, form: Form
) -> Response:
    """Remove one of your channels."""
    await service.delete_personal_channel(db, user, channel_id)
    return redirect(request, "/notifications", "Channel removed.")


@router.post("/notifications/domains/{domain_id}/channels")
async def add_domain_channel(
    request: Request, domain_id: UUID, user: SignedIn, db: Db, form: Form
) -> Response:
    """Manager: add a webhook or Apprise URL to a house (a webhook's secret shown once)."""
    errors: FieldErrors = {}
    created = None
    try:
        body = ChannelCreate(
            kind=text(form, "kind"),  # type: ignore[arg-type]
            name=text(form, "name"),
            url=text(form, "url"),
        )
        created = await service.create_domain_channel(
            db, request.app.state.settings, user, domain_id, body
        )
    except ValidationError as exc:
        errors.update(pydantic_errors(exc))
    except AppError as exc:
        if exc.status_code in (403, 404):
            raise
        errors["url"] = _refusal(exc)
    if errors or created is None:
        return await _page(request, db, user, 422, errors={f"domain_{domain_id}": errors})
    if created.secret:
        return await _page(
            request, db, user, new_secret=created.secret, new_secret_for=created.name
        )
    return redirect(request, "/notifications", "Channel added.")


@router.post("/notifications/domains/{domain_id}/channels/{channel_id}/delete")
async def delete_domain_channel(
    request: Request, domain_id: UUID, channel_id: UUID, user: SignedIn, db: Db, form: Form
) -> Response:
    """Manager: remove a house's channel."""
    await service.delete_domain_channel(db, user, domain_id, channel_id)
    return redirect(request, "/notifications", "Channel removed.")
