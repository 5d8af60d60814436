"""Swaps and covers between people: ask, accept (first valid acceptance wins), approve.

Decisions:
- **Asking**: the place's doer (the participant linked to the caller) or a manager asks
  for a `cover` (someone takes the place) or a `swap` (someone takes it and gives one of
  their places in exchange), of a named person or of anyone eligible. One open request
  per place (409). The run must be active.
- **Accepting**: a member accepts for their own person; a manager for anyone. The hard
  rules are those of "who else could do this?" (`alternatives.assess_place`: skills,
  availability and absences, groups, no double booking); an acceptance that breaks one
  is refused with 422 naming the rule — for a swap, both ways. The request row is locked
  while accepting: of many parallel acceptances the first valid one wins, the others get
  409.
- **Approval**: with the domain's `configuration.fair_share.swaps_need_approval`, an
  acceptance waits (`accepted`) until a manager approves (then it is applied) or refuses.
- **Applying** is an override: the taker becomes the place's doer (`participant_id`) and
  the rota's person stays in `rota_participant_id`, so the ledger credits who did it. A
  `cover`/`swap` history row is written in each run touched, with the actor.
- Every step (requested, asked, accepted, approved, refused, cancelled) is an event of
  the request.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any
from uuid import UUID

import psycopg.errors

from vividshift.assignments import queries as assignment_queries
from vividshift.assignments.rows import AssignmentRow
from vividshift.assignments.service import run_access
from vividshift.auth.deps import Principal
from vividshift.db import Connection, transaction
from vividshift.domains import queries as domain_queries
from vividshift.domains.access import Access, row_access
from vividshift.domains.rows import DomainRow, configuration_of
from vividshift.errors import BusinessRuleViolation, Conflict, Forbidden, NotFound, ValidationFailed
from vividshift.fairshare import queries
from vividshift.fairshare.alternatives import assess_place
from vividshift.fairshare.outcomes import place_not_found
from vividshift.fairshare.rows import Detail, DetailWithRun, PlaceRow, RequestRow
from vividshift.fairshare.schemas import (
    PlaceRequestAccept,
    PlaceRequestCreate,
    PlaceRequestEvent,
    PlaceRequestRead,
)
from vividshift.notifications import events

RULE_NAMES = (
    ("lacks ", "skills"),
    ("away", "availability"),
    ("unavailable", "availability"),
    ("in group ", "group rule"),
    ("already on ", "no double booking"),
    ("already has ", "no double booking"),
)


def request_not_found(request_id: UUID) -> NotFound:
    return NotFound("Request not found", details={"id": str(request_id)})


def _actor(principal: Principal | None) -> UUID | None:
    return principal.id if principal else None


async def _read(conn: Connection, row: RequestRow) -> PlaceRequestRead:
    events = [
        PlaceRequestEvent.model_validate(asdict(e)) for e in await queries.list_events(conn, row.id)
    ]
    return PlaceRequestRead.model_validate(asdict(row) | {"events": events})


async def _own_person(conn: Connection, principal: Principal | None, access: Access) -> UUID | None:
    if principal is None:
        return None
    return await queries.linked_participant(conn, access.domain_id, principal.id)


async def ask(
    conn: Connection,
    principal: Principal | None,
    assignment_id: UUID,
    detail_id: UUID,
    body: PlaceRequestCreate,
) -> PlaceRequestRead:
    """Ask for a cover or a swap of one place (its doer, or a manager)."""
    async with transaction(conn, acting_user=_actor(principal)):
        run, access = await run_access(conn, principal, assignment_id, "member")
        place = await queries.get_place(conn, assignment_id, detail_id)
        if place is None:
            raise place_not_found(detail_id)
        if not access.allows("manager") and (
            await _own_person(conn, principal, access) != place.participant_id
        ):
            raise Forbidden("Only the place's own person or a manager may ask to hand it over")
        if run.status != "active":
            raise BusinessRuleViolation("Only places of active runs can be handed over")
        if body.auto_find and body.kind != "cover":
            raise ValidationFailed("auto_find goes with a cover request")
        if body.participant_id is not None:
            if body.participant_id == place.participant_id:
                raise ValidationFailed("The place's own person cannot be asked to take it")
            if (
                await assignment_queries.participant_domain(conn, body.participant_id)
                != run.domain_id
            ):
                raise NotFound(
                    "Participant not found in this domain",
                    details={"participant_id": str(body.participant_id)},
                )
        values = {
            "domain_id": run.domain_id,
            "assignment_id": assignment_id,
            "detail_id": detail_id,
            "kind": body.kind,
            "requester_id": place.participant_id,
            "asked_participant_id": body.participant_id,
            "auto_find": body.auto_find,
            "note": body.note,
        }
        try:
            async with conn.transaction():  # a savepoint: the duplicate is a 409, not a 500
                row = await queries.insert_request(conn, values)
        except psycopg.errors.UniqueViolation:
            raise Conflict("This place already has an open request") from None
        await queries.insert_event(conn, row.id, "requested", place.participant_id)
        if body.participant_id is not None:
            await queries.insert_event(conn, row.id, "asked", body.participant_id)
        return await _read(conn, row)


async def _load(
    conn: Connection, principal: Principal | None, request_id: UUID, *, lock: bool = False
) -> tuple[RequestRow, Access]:
    row = await queries.get_request(conn, request_id, lock=lock)
    if row is None:
        raise request_not_found(request_id)
    return row, await row_access(conn, principal, row.domain_id, request_not_found(request_id))


async def get_request(
    conn: Connection, principal: Principal | None, request_id: UUID
) -> PlaceRequestRead:
    """One request with its events."""
    row, _ = await _load(conn, principal, request_id)
    return await _read(conn, row)


def _refusal(name: str, target: str, reasons: list[str]) -> BusinessRuleViolation:
    rules = sorted({rule for r in reasons for prefix, rule in RULE_NAMES if r.startswith(prefix)})
    return BusinessRuleViolation(
        f"{name} cannot take {target}: {'; '.join(reasons)}",
        details={"rules": rules, "reasons": reasons},
    )


async def _check_can_take(
    conn: Connection,
    run: AssignmentRow,
    place: PlaceRow,
    person: UUID,
    leaving: dict[str, UUID] | None = None,
) -> None:
    """422 naming the rule when `person` may not take `place` (leaving their `leaving`)."""
    candidates, excluded = await assess_place(conn, run, place, leaving=leaving)
    if any(c.participant_id == person for c in candidates):
        return
    for e in excluded:
        if e.participant_id == person:
            raise _refusal(e.name, place.target_name, e.reasons)
    raise NotFound("Participant not found in this domain", details={"participant_id": str(person)})


async def accept(
    conn: Connection, principal: Principal | None, request_id: UUID, body: PlaceRequestAccept
) -> PlaceRequestRead:
    """Take the place (first valid acceptance wins; the others get 409)."""
    async with transaction(conn, acting_user=_actor(principal)):
        row, access = await _load(conn, principal, request_id, lock=True)
        access.require("member")
        if row.status != "open":
            raise Conflict(
                "This request is no longer open (someone else took the place, or it ended)",
                details={"status": row.status},
            )
        taker = body.participant_id or await _own_person(conn, principal, access)
        if taker is None:
            raise ValidationFailed("No person of yours in this domain: send participant_id")
        if not access.allows("manager") and taker != await _own_person(conn, principal, access):
            raise Forbidden("Members accept for their own person only")
        if row.asked_participant_id is not None and taker != row.asked_participant_id:
            raise Forbidden("This request asks someone else")
        if taker == row.requester_id:
            raise ValidationFailed("The place's own person cannot take it")
        run, _ = await run_access(conn, None, row.assignment_id)
        place = await queries.get_place(conn, row.assignment_id, row.detail_id)
        assert place is not None  # the request is deleted with its place
        if place.participant_id != row.requester_id or run.status != "active":
            raise Conflict("The place changed since it was asked for; ask again")
        given = None
        if row.kind == "swap":
            given = await _given_place(conn, body, taker, run)
            same_run = given.assignment_id == run.id
            await _check_can_take(
                conn, run, place, taker, {str(taker): given.id} if same_run else None
            )
            other_run, _ = await run_access(conn, None, given.assignment_id)
            other_place = await queries.get_place(conn, given.assignment_id, given.id)
            assert other_place is not None
            await _check_can_take(
                conn,
                other_run,
                other_place,
                row.requester_id,
                {str(row.requester_id): place.id} if same_run else None,
            )
        elif body.detail_id is not None:
            raise ValidationFailed("detail_id goes with a swap")
        else:
            await _check_can_take(conn, run, place, taker)
        changes: dict[str, Any] = {
            "accepted_participant_id": taker,
            "accepted_detail_id": given.id if given else None,
            "accepted_at": await queries.now(conn),
        }
        await queries.insert_event(
            conn, request_id, "accepted", taker, {"detail_id": str(given.id) if given else None}
        )
        if _needs_approval(await domain_queries.get_domain(conn, row.domain_id)):
            row = await queries.update_request(conn, request_id, changes | {"status": "accepted"})
        else:
            row = await queries.update_request(conn, request_id, changes | {"status": "done"})
            await _apply(conn, row, place, given)
        return await _read(conn, row)


async def _given_place(
    conn: Connection, body: PlaceRequestAccept, taker: UUID, run: AssignmentRow
) -> DetailWithRun:
    if body.detail_id is None:
        raise ValidationFailed("A swap needs detail_id: the place given in exchange")
    given = await queries.get_detail_with_run(conn, body.detail_id)
    if given is None or given.domain_id != run.domain_id:
        raise NotFound("Place not found in this domain", details={"detail_id": str(body.detail_id)})
    if given.participant_id != taker:
        raise ValidationFailed("The place given in exchange is not the taker's")
    if given.run_status != "active":
        raise BusinessRuleViolation("The place given in exchange is not in an active run")
    return given


def _needs_approval(domain: DomainRow | None) -> bool:
    settings = configuration_of(domain).get("fair_share") or {}
    return settings.get("swaps_need_approval") is True


async def _apply(
    conn: Connection,
    row: RequestRow,
    place: PlaceRow,
    given: DetailWithRun | None,
) -> None:
    """Make the override(s) and write each run's history row."""
    requester, taker = row.requester_id, row.accepted_participant_id
    assert taker is not None  # applied only once accepted
    moves: list[tuple[Detail, UUID]] = [(place, taker)]
    if given is not None:
        moves.append((given, requester))
    try:
        async with conn.transaction():
            for detail, doer in moves:
                rota = detail.rota_participant_id or detail.participant_id
                await queries.move_place(conn, detail.id, doer, None if rota == doer else rota)
    except psycopg.errors.UniqueViolation:
        raise Conflict("That person already holds a place on this task in the run") from None
    for detail, doer in moves:
        await assignment_queries.insert_history(
            conn,
            detail.assignment_id,
            row.kind,
            {
                "detail_id": str(detail.id),
                "target_id": str(detail.target_id),
                "participant_id": {"old": str(detail.participant_id), "new": str(doer)},
                "request_id": str(row.id),
            },
        )
    # Only the people on either side of each place hear, in this transaction.
    changed: dict[UUID, list[tuple[UUID, UUID, UUID]]] = {}
    for detail, doer in moves:
        changed.setdefault(detail.assignment_id, []).append(
            (detail.id, detail.participant_id, doer)
        )
    for run_id, places in changed.items():
        await events.place_changed(conn, run_id, places, reason=row.kind)


async def decide(
    conn: Connection, principal: Principal | None, request_id: UUID, decision: str
) -> PlaceRequestRead:
    """A manager approves or refuses an accepted request; the requester (or a manager)
    cancels an open one."""
    async with transaction(conn, acting_user=_actor(principal)):
        row, access = await _load(conn, principal, request_id, lock=True)
        if decision == "cancel":
            access.require("member")
            if not access.allows("manager") and (
                await _own_person(conn, principal, access) != row.requester_id
            ):
                raise Forbidden("Only the requester or a manager may cancel a request")
            if row.status not in ("open", "accepted"):
                raise Conflict("The request has ended", details={"status": row.status})
            row = await queries.update_request(conn, request_id, {"status": "cancelled"})
            await queries.insert_event(conn, request_id, "cancelled", None)
            return await _read(conn, row)
        access.require("manager")
        if row.status != "accepted":
            raise Conflict(
                "Only an accepted request awaits approval", details={"status": row.status}
            )
        if decision == "refuse":
            row = await queries.update_request(conn, request_id, {"status": "refused"})
            await queries.insert_event(conn, request_id, "refused", None)
            return await _read(conn, row)
        place = await queries.get_place(conn, row.assignment_id, row.detail_id)
        assert place is not None
        given = None
        if row.accepted_detail_id is not None:
            given = await queries.get_detail_with_run(conn, row.accepted_detail_id)
        if place.participant_id != row.requester_id or (
            given is not None and given.participant_id != row.accepted_participant_id
        ):
            raise Conflict("The places changed since the acceptance; ask again")
        row = await queries.update_request(conn, request_id, {"status": "done"})
        await queries.insert_event(conn, request_id, "approved", None)
        await _apply(conn, row, place, given)
        return await _read(conn, row)
