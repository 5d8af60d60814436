"""Forms that create something are safe to send twice (back button, double click).

Each such form carries a hidden `idempotency_key` with a fresh random value, rendered
with the form (`{{ idempotency_field() }}` in a template). The page hands that key to
the same idempotency service the API's `Idempotency-Key` header uses
(`vividshift.idempotency.service`): the first post creates, a second post of the same
form with the same values replays the first result (the page then shows what the first
post led to), and the same key with other values is refused with a readable message.

A form that is shown as the result of another post (the dashboard's "Save this
rotation" under a preview) reuses the key of the post that produced it, and that post
asks `earlier_result` first: a browser that re-sends the preview (back button, reload)
after the save is shown the saved result instead of a new preview to save again.
"""

import re
import secrets
from collections.abc import Awaitable, Callable
from typing import TypeVar
from uuid import UUID

from markupsafe import Markup, escape
from pydantic import BaseModel
from starlette.datastructures import FormData

from vividshift.db import Connection, transaction
from vividshift.errors import AppError, ValidationFailed
from vividshift.idempotency.service import run_idempotent

FIELD = "idempotency_key"
KEY_PATTERN = re.compile(r"^[\x21-\x7e]{1,200}$")  # the API header's rule
REUSED = (
    "This form was already sent with other values. The form below is a fresh one: "
    "check the values and send it again."
)

M = TypeVar("M", bound=BaseModel)


def new_key() -> str:
    return secrets.token_urlsafe(24)


def idempotency_field(key: str | None = None) -> Markup:
    """The hidden input of a create form: `key`, else a fresh one."""
    value = escape(key or new_key())
    return Markup(f'<input type="hidden" name="{FIELD}" value="{value}">')


def form_key(form: FormData) -> str | None:
    """The form's key (None when it has none: a client that is not our page); 422 when it
    is not a key our page would send."""
    value = form.get(FIELD)
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not KEY_PATTERN.match(value):
        raise ValidationFailed("This form could not be accepted: reload the page and try again.")
    return value


def is_reused_key(exc: AppError) -> bool:
    """The idempotency service's refusal of a key sent again with other values."""
    return isinstance(exc, ValidationFailed) and exc.message.startswith(
        "Idempotency-Key reused with a different request"
    )


def readable(exc: AppError) -> AppError:
    """`exc`, or for a reused key the page's own wording of it."""
    return ValidationFailed(REUSED) if is_reused_key(exc) else exc


async def run_once(
    db: Connection,
    form: FormData,
    *,
    user_id: UUID,
    scope: str,
    body: BaseModel,
    model: type[M],
    create: Callable[[], Awaitable[M]],
) -> tuple[M, bool]:
    """(result, replayed): `create()` once per form key and body, in one transaction with
    the key (for services that take no key themselves)."""
    async with transaction(db, acting_user=user_id):
        return await run_idempotent(
            db,
            form_key(form),
            user_id=user_id,
            scope=scope,
            body=body.model_dump(mode="json"),
            model=model,
            create=create,
        )


class _NotYet(Exception):
    """Raised instead of creating: the probe of `earlier_result` found no result."""


async def earlier_result(
    db: Connection, form: FormData, *, user_id: UUID, scope: str, body: BaseModel, model: type[M]
) -> M | None:
    """What this form's key already created for this very body, if anything (nothing is
    created or kept: a new key is claimed and released again)."""
    key = form_key(form)
    if key is None:
        return None

    async def not_yet() -> M:
        raise _NotYet

    try:
        async with transaction(db, acting_user=user_id):
            result, _ = await run_idempotent(
                db,
                key,
                user_id=user_id,
                scope=scope,
                body=body.model_dump(mode="json"),
                model=model,
                create=not_yet,
            )
    except _NotYet:
        return None
    except AppError as exc:
        if is_reused_key(exc):
            return None
        raise
    return result
