"""Events: the service API other features call, inside their own transaction, when
something people should hear about happens.

    from vividshift.notifications import events
    async with transaction(conn, acting_user=...):
        ...change the rota...
        await events.run_published(conn, run_id)
        await events.place_changed(conn, run_id, changes, reason="swap")
        await events.generation_failed(conn, domain_id, job_id, error, requested_by=user_id)
        await events.turn_reminder(conn, detail_id, starts_at=..., all_day=..., user_id=...)
        await events.cover_requested(conn, run_id, detail_id, request_id, [(person, why)])

Each call writes one `notification_events` row and its outbox (`notification_deliveries`,
one row per destination) on the caller's connection, in the caller's transaction: a
change rolled back notifies nobody, a committed one is never lost. Nothing is sent here;
a worker (queue `notifications`, one job per delivery queued in the same transaction
when a worker is live) or, without one, the API process (woken by a NOTIFY sent on
commit) sends them (`vividshift.notifications.delivery`).

Event types are versioned (`rotation.published.v1`): a receiver may rely on the fields
of a version; a change that breaks them gets a new version. Payloads name people by
participant id and name, never by email, and hold no secret.

Who is told:
- `rotation.published.v1`: the domain's channels (the whole roster) and each person
  with a place in the run (their own places), on their own channels and by email.
- `place.changed.v1`: the domain's channels (every change) and only the people whose
  places changed — the one taken off and the one put on — each with what changed for
  them.
- `generation.failed.v1`: the domain's channels and the person who asked for the run.
- `turn.reminder.v1`: the person whose turn it is (domain channels only when they list
  this type); at most once per place (`dedupe_key`).
- `cover.requested.v1`: each person a cover search asks (a wave of the fair-share
  issue's automatic search), with why they were asked; once per request and person
  (domain channels only when they list this type).
- `channel.disabled.v1`: the owner of a channel disabled after failing for a day, by email.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from vividshift.db import Connection
from vividshift.notifications import queries
from vividshift.notifications.rows import (
    ChannelRow,
    DomainSummary,
    PlaceSummary,
    RunSummary,
)

RUN_PUBLISHED = "rotation.published.v1"
PLACE_CHANGED = "place.changed.v1"
GENERATION_FAILED = "generation.failed.v1"
TURN_REMINDER = "turn.reminder.v1"
COVER_REQUESTED = "cover.requested.v1"
CHANNEL_DISABLED = "channel.disabled.v1"
EVENT_TYPES = (
    RUN_PUBLISHED,
    PLACE_CHANGED,
    GENERATION_FAILED,
    TURN_REMINDER,
    COVER_REQUESTED,
    CHANNEL_DISABLED,
)
# A worker whose heartbeat is younger than this takes the deliveries (the API process
# otherwise); VIVIDSHIFT_WORKER_STALE_SECONDS's default.
LIVE_WORKER_SECONDS = 60


def _run(row: RunSummary) -> dict[str, Any]:
    return {
        "id": str(row.id),
        "name": row.name,
        "assignment_date": row.assignment_date.isoformat(),
        "status": row.status,
    }


def _domain(row: RunSummary | DomainSummary) -> dict[str, Any]:
    if isinstance(row, RunSummary):
        return {
            "id": str(row.domain_id),
            "name": row.domain_name,
            "display_name": row.domain_display_name,
        }
    return {"id": str(row.id), "name": row.name, "display_name": row.display_name}


def _place(row: PlaceSummary) -> dict[str, Any]:
    return {
        "detail_id": str(row.detail_id),
        "target_id": str(row.target_id),
        "target_name": row.target_name,
        "position": row.position,
        "participant_id": str(row.participant_id),
        "participant_name": row.participant_name,
    }


async def emit(
    conn: Connection,
    domain_id: UUID,
    event_type: str,
    payload: dict[str, Any],
    *,
    people: set[UUID] = frozenset(),  # type: ignore[assignment]
    domain_channels: bool = True,
    personal_channels: bool = True,
    dedupe_key: str | None = None,
) -> UUID | None:
    """Record one event and its outbox rows (see the module docstring); its id, or None
    when an event with this `dedupe_key` was recorded before."""
    event_id = await queries.insert_event(conn, domain_id, event_type, payload, dedupe_key)
    if event_id is None:
        return None
    rows: list[tuple[UUID | None, UUID | None, str]] = []
    if domain_channels:
        rows += [
            (c.id, None, c.kind)
            for c in await queries.domain_channels_for(conn, domain_id, event_type)
        ]
    users = sorted(people)
    if users:
        if personal_channels:
            rows += [
                (c.id, c.user_id, c.kind)
                for c in await queries.personal_channels_for(conn, users, event_type)
            ]
        rows += [
            (None, u, "email") for u in await queries.email_recipients(conn, users, event_type)
        ]
    ids = await queries.insert_deliveries(conn, event_id, domain_id, rows)
    if ids:
        if await queries.live_worker_exists(conn, LIVE_WORKER_SECONDS):
            await queries.defer_deliveries(conn, ids)
        await queries.wake_senders(conn)
    return event_id


async def run_published(conn: Connection, run_id: UUID) -> UUID | None:
    """A run was generated and saved (published): its roster to the domain, each
    person's places to them."""
    run = await queries.run_summary(conn, run_id)
    if run is None:
        return None
    places, linked = await queries.run_roster(conn, run_id)
    payload = {"run": _run(run), "domain": _domain(run), "places": places}
    return await emit(conn, run.domain_id, RUN_PUBLISHED, payload, people=set(linked))


async def place_changed(
    conn: Connection,
    run_id: UUID,
    changes: list[tuple[UUID, UUID, UUID]],
    *,
    reason: str,
) -> UUID | None:
    """Places of a run changed hands: `changes` are (detail id, participant before,
    participant after), written after the change. Only the people on either side hear."""
    run = await queries.run_summary(conn, run_id)
    if run is None or not changes:
        return None
    before = {detail: old for detail, old, _ in changes}
    places = await queries.run_places(conn, run_id, sorted(before))
    names = await queries.participant_names(conn, sorted({old for _, old, _ in changes}))
    involved = {p for _, old, new in changes for p in (old, new)}
    linked = await queries.users_of_participants(conn, sorted(involved))
    payload = {
        "run": _run(run),
        "domain": _domain(run),
        "reason": reason,
        "changes": [
            {
                "detail_id": str(p.detail_id),
                "target_id": str(p.target_id),
                "target_name": p.target_name,
                "position": p.position,
                "from": {
                    "participant_id": str(before[p.detail_id]),
                    "participant_name": names.get(before[p.detail_id]),
                },
                "to": {
                    "participant_id": str(p.participant_id),
                    "participant_name": p.participant_name,
                },
            }
            for p in places
        ],
    }
    return await emit(conn, run.domain_id, PLACE_CHANGED, payload, people=set(linked.values()))


async def generation_failed(
    conn: Connection,
    domain_id: UUID,
    job_id: UUID,
    error: dict[str, Any],
    *,
    requested_by: UUID | None = None,
) -> UUID | None:
    """A background generation (API job or schedule) ended failed."""
    domain = await queries.domain_summary(conn, domain_id)
    if domain is None:
        return None
    payload = {
        "job": {"id": str(job_id)},
        "domain": _domain(domain),
        "error": {"error": error.get("error"), "code": error.get("code")},
    }
    people = {requested_by} if requested_by else set()
    return await emit(conn, domain_id, GENERATION_FAILED, payload, people=people)


async def turn_reminder(
    conn: Connection,
    run_id: UUID,
    place: PlaceSummary,
    *,
    user_id: UUID,
    starts_at: datetime,
    all_day: bool,
) -> UUID | None:
    """One person's turn starts soon: told once per place and holder."""
    run = await queries.run_summary(conn, run_id)
    if run is None:
        return None
    payload = {
        "run": _run(run),
        "domain": _domain(run),
        "place": _place(place),
        "starts_at": starts_at.isoformat(),
        "all_day": all_day,
    }
    return await emit(
        conn,
        run.domain_id,
        TURN_REMINDER,
        payload,
        people={user_id},
        # Once per (place, holder, start): a new holder after a swap is reminded too.
        dedupe_key=f"{place.detail_id}:{place.participant_id}@{starts_at.isoformat()}",
    )


async def channel_disabled(conn: Connection, channel: ChannelRow, domain_id: UUID) -> UUID | None:
    """Tell a channel's owner (its person, or who set it up) it was disabled; the event
    is logged in `domain_id`, the domain of the delivery that gave up."""
    owner = channel.user_id or channel.created_by
    domain = await queries.domain_summary(conn, domain_id)
    if domain is None or owner is None:
        return None
    assert channel.failing_since is not None  # it was disabled for failing that long
    payload = {
        "channel": {"id": str(channel.id), "name": channel.name, "kind": channel.kind},
        "domain": _domain(domain),
        "failing_since": channel.failing_since.isoformat(),
        "reason": channel.disabled_reason,
    }
    return await emit(
        conn,
        domain_id,
        CHANNEL_DISABLED,
        payload,
        people={owner},
        domain_channels=False,
        personal_channels=False,
    )


async def cover_requested(
    conn: Connection,
    run_id: UUID,
    detail_id: UUID,
    request_id: UUID,
    asked: list[tuple[UUID, str]],
) -> None:
    """A cover search asks these people (participant id, why them) to take a place; each
    linked to an account is told once per request."""
    run = await queries.run_summary(conn, run_id)
    places = await queries.run_places(conn, run_id, [detail_id])
    if run is None or not places:
        return
    linked = await queries.users_of_participants(conn, sorted({p for p, _ in asked}))
    for participant_id, why in asked:
        user = linked.get(participant_id)
        if user is None:
            continue
        payload = {
            "run": _run(run),
            "domain": _domain(run),
            "place": _place(places[0]),
            "request_id": str(request_id),
            "why": why,
        }
        await emit(
            conn,
            run.domain_id,
            COVER_REQUESTED,
            payload,
            people={user},
            dedupe_key=f"{request_id}:{participant_id}",
        )
