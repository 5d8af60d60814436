"""Calendar feeds: create (rotate), revoke and serve them.

Decisions:
- **Tokens** are 256-bit random secrets (`secrets.token_urlsafe(32)`), stored as their
  SHA-256 like session tokens; the URL holding one is shown once. Creating a feed again
  revokes the previous one (rotation); revoking leaves none. A revoked or unknown
  token is a 404, never a hint.
- **Who**: a person's feed is theirs (any signed-in account); a domain's feed is made,
  rotated and revoked by its managers, and its status read by anyone who sees it.
- **What**: final places as stored now (after swaps, reassigns, covers) of runs not
  cancelled, from 90 days back to the latest planned run. A person's feed covers the
  domains they still see, through the participants linked to their account; it ends
  with the account (an inactive account's feed is a 404).
- **Caching**: the ETag is a hash of the document; `If-None-Match` with it is a 304.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta
from uuid import UUID

from vividshift.auth.deps import Principal
from vividshift.auth.tokens import hash_token
from vividshift.config import Settings
from vividshift.db import Connection, transaction
from vividshift.domains.access import domain_access, visible_domain_ids
from vividshift.errors import NotFound
from vividshift.feeds import calendar, queries
from vividshift.feeds.rows import FeedRow
from vividshift.feeds.schemas import FeedCreated, FeedStatus

HISTORY_DAYS = 90


def feed_url(settings: Settings, token: str) -> str:
    return f"{settings.site_url}/feeds/{token}.ics"


async def _create(
    conn: Connection,
    settings: Settings,
    actor: UUID,
    *,
    user_id: UUID | None = None,
    domain_id: UUID | None = None,
) -> FeedCreated:
    token = secrets.token_urlsafe(32)
    async with transaction(conn, acting_user=actor):
        await queries.revoke_live(conn, user_id=user_id, domain_id=domain_id)
        row = await queries.insert_feed(
            conn, hash_token(token), actor, user_id=user_id, domain_id=domain_id
        )
    return FeedCreated(
        active=True, created_at=row.created_at, url=feed_url(settings, token), token=token
    )


def _status(row: FeedRow | None) -> FeedStatus:
    if row is None:
        return FeedStatus(active=False)
    return FeedStatus(active=True, created_at=row.created_at, last_used_at=row.last_used_at)


async def my_feed(conn: Connection, principal: Principal) -> FeedStatus:
    """Whether the caller has a live feed."""
    return _status(await queries.get_live(conn, user_id=principal.id))


async def create_my_feed(conn: Connection, settings: Settings, principal: Principal) -> FeedCreated:
    """A new subscription URL for the caller's places (the previous one stops working)."""
    return await _create(conn, settings, principal.id, user_id=principal.id)


async def revoke_my_feed(conn: Connection, principal: Principal) -> None:
    """The caller's feed stops working."""
    async with transaction(conn, acting_user=principal.id):
        if not await queries.revoke_live(conn, user_id=principal.id):
            raise NotFound("No live feed")


async def domain_feed(conn: Connection, principal: Principal, domain_id: UUID) -> FeedStatus:
    """Whether the domain has a live feed."""
    access = await domain_access(conn, principal, domain_id)
    return _status(await queries.get_live(conn, domain_id=access.domain_id))


async def create_domain_feed(
    conn: Connection, settings: Settings, principal: Principal, domain_id: UUID
) -> FeedCreated:
    """Manager: a new subscription URL for every place of the domain."""
    access = (await domain_access(conn, principal, domain_id)).require("manager")
    return await _create(conn, settings, principal.id, domain_id=access.domain_id)


async def revoke_domain_feed(conn: Connection, principal: Principal, domain_id: UUID) -> None:
    """Manager: the domain's feed stops working."""
    access = (await domain_access(conn, principal, domain_id)).require("manager")
    async with transaction(conn, acting_user=principal.id):
        if not await queries.revoke_live(conn, domain_id=access.domain_id):
            raise NotFound("No live feed")


async def render_feed(
    conn: Connection, token: str, *, now: datetime | None = None
) -> tuple[bytes, str]:
    """The calendar of a live token and its ETag; 404 otherwise."""
    not_found = NotFound("Feed not found")
    row = await queries.find_by_hash(conn, hash_token(token))
    if row is None:
        raise not_found
    since = (now or datetime.now(UTC)).date() - timedelta(days=HISTORY_DAYS)
    if row.user_id is not None:
        if not row.user_active:
            raise not_found
        assert row.username is not None and row.user_role is not None  # joined by user_id
        principal = Principal(row.user_id, row.username, row.user_role, row.id)
        domains = await visible_domain_ids(conn, principal)
        places = await queries.person_places(conn, row.user_id, domains, since)
        body = calendar.feed(f"VividShift: {row.username}", places, person_feed=True)
    else:
        assert row.domain_id is not None  # a feed is a person's or a domain's (CHECK)
        places = await queries.domain_places(conn, row.domain_id, since)
        name = row.domain_display_name or row.domain_name
        body = calendar.feed(f"VividShift: {name}", places, person_feed=False)
    await queries.touch(conn, row.id)
    return body, '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
