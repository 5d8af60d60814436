"""Marking what became of a place, and closing the places left open.

Decisions:
- **Who**: a manager of the run's domain marks any place with any outcome (or reopens
  it with null); a member marks their own place (its doer is the participant linked to
  their account) `done`, nothing else. Others in the domain get 403; a run of a domain
  the caller may not see is 404.
- **Covered / swapped** name who did the place (`by`): they become its doer
  (`participant_id`) and the rota's person is kept in `rota_participant_id`, so the
  ledger credits the doer and records the cover for the rota's person.
- Cancelled runs take no outcome (422). Each marking writes an `outcome` history row of
  the run (before/after, the note) attributed to the caller.
- **Closing**: places still open when their run's day has ended (midnight after the
  run's date in the domain's zone) become `done`, or `missed` when the domain's
  `configuration.fair_share.open_places` says so; one `outcome` history row per run, by
  nobody (the system).
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any
from uuid import UUID

import psycopg.errors

from vividshift.assignments import queries as assignment_queries
from vividshift.assignments.service import run_access
from vividshift.auth.deps import Principal
from vividshift.db import Connection, transaction
from vividshift.errors import BusinessRuleViolation, Conflict, Forbidden, NotFound, ValidationFailed
from vividshift.fairshare import queries
from vividshift.fairshare.rows import PlaceRow
from vividshift.fairshare.schemas import PARTNERED, OutcomeRead, OutcomeRequest

CLOSE_BATCH = 200


def place_not_found(detail_id: UUID) -> NotFound:
    return NotFound("Detail not found in this assignment", details={"id": str(detail_id)})


async def mark_outcome(
    conn: Connection,
    principal: Principal | None,
    assignment_id: UUID,
    detail_id: UUID,
    body: OutcomeRequest,
) -> OutcomeRead:
    """Record what became of one place (a member: their own, done; a manager: any)."""
    actor = principal.id if principal else None
    async with transaction(conn, acting_user=actor):
        run, access = await run_access(conn, principal, assignment_id, "member", lock=True)
        place = await queries.get_place(conn, assignment_id, detail_id)
        if place is None:
            raise place_not_found(detail_id)
        if not access.allows("manager"):
            own = principal is not None and place.participant_user_id == principal.id
            if not own or body.outcome != "done":
                raise Forbidden(
                    "Members may only mark their own places done; a manager marks the rest"
                )
        if run.status == "cancelled":
            raise BusinessRuleViolation("A cancelled run's places take no outcome")
        doer, rota = _who(place, body)
        if (
            doer != place.participant_id
            and await assignment_queries.participant_domain(conn, doer) != run.domain_id
        ):
            raise NotFound("Participant not found in this domain", details={"by": str(doer)})
        try:
            async with conn.transaction():
                row = await queries.set_outcome(
                    conn,
                    detail_id,
                    outcome=body.outcome,
                    participant_id=doer,
                    rota_participant_id=rota,
                )
        except psycopg.errors.UniqueViolation:
            raise Conflict("That participant already holds a place on this task") from None
        changes: dict[str, Any] = {
            "detail_id": str(detail_id),
            "target_id": str(place.target_id),
            "outcome": {"old": place.outcome, "new": body.outcome},
        }
        if doer != place.participant_id:
            changes["participant_id"] = {"old": str(place.participant_id), "new": str(doer)}
        await assignment_queries.insert_history(
            conn, assignment_id, "outcome", changes, {"note": body.note}
        )
    return OutcomeRead(detail_id=row.id, **{k: v for k, v in asdict(row).items() if k != "id"})


def _who(place: PlaceRow, body: OutcomeRequest) -> tuple[UUID, UUID | None]:
    """(doer, rota's person) after the marking."""
    rota_person = place.rota_participant_id or place.participant_id
    if body.outcome in PARTNERED:
        if body.by is None:
            raise ValidationFailed(f"`{body.outcome}` needs `by`: who did the place")
        if body.by == rota_person:
            raise ValidationFailed("`by` is the rota's own person: mark the place done instead")
        return body.by, rota_person
    if body.by is not None:
        raise ValidationFailed(f"`by` goes with covered or swapped, not {body.outcome}")
    return place.participant_id, place.rota_participant_id


def open_places_outcome(configuration: dict[str, Any] | None) -> str:
    """What an open place becomes when its day ends: the domain's setting, else done."""
    setting = ((configuration or {}).get("fair_share") or {}).get("open_places")
    return "missed" if setting == "missed" else "done"


async def close_ended_places(conn: Connection) -> dict[str, int]:
    """Give every place still open after its run's day an outcome; counts of runs and
    places closed. Batches of runs, each batch one transaction (runs another worker is
    closing are skipped)."""
    runs = places = 0
    while True:
        async with transaction(conn):
            await queries.act_as_system(conn)
            batch = await queries.lock_ended_open_runs(conn, CLOSE_BATCH)
            for run in batch:
                outcome = open_places_outcome(run.configuration)
                closed = await queries.close_open_places(conn, run.id, outcome)
                await assignment_queries.insert_history(
                    conn,
                    run.id,
                    "outcome",
                    {"closed": closed, "outcome": {"old": None, "new": outcome}},
                    {"reason": "the run's day ended with these places open"},
                )
                places += len(closed)
            runs += len(batch)
        if len(batch) < CLOSE_BATCH:
            return {"runs": runs, "places": places}
