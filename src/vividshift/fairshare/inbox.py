"""What the swap and cover pages show: the requests a person may take, their own, those
awaiting a manager, and one place's open request.

Who sees what (the rules of `requests`, read for a page):
- **to take**: open requests of another person's place, in a house where a person is
  linked to the caller, asking that person by name — or anyone, when "who else could do
  this?" lists that person as able. A named person sees the request even when a hard
  rule forbids them: accepting then says which rule;
- **mine**: open or accepted requests for the caller's own places (they may cancel);
- **to approve**: accepted requests of houses the caller manages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from vividshift.assignments import queries as assignment_queries
from vividshift.assignments.rows import AssignmentRow
from vividshift.assignments.service import run_access
from vividshift.auth.deps import Principal
from vividshift.db import Connection
from vividshift.domains.access import domain_access, visible_domain_ids
from vividshift.fairshare import queries
from vividshift.fairshare.alternatives import alternatives, assess_place
from vividshift.fairshare.outcomes import place_not_found
from vividshift.fairshare.rows import PlaceRow, RequestListing
from vividshift.fairshare.schemas import AlternativesRead


@dataclass(frozen=True)
class SwapOption:
    detail_id: UUID
    label: str


@dataclass(frozen=True)
class RequestView:
    """One request, with the names a page shows."""

    row: RequestListing
    swap_options: list[SwapOption] = field(default_factory=list)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.row, name)

    @property
    def asked(self) -> str:
        return self.row.asked_name or "anyone who can"


@dataclass(frozen=True)
class Inbox:
    to_take: list[RequestView]
    mine: list[RequestView]
    to_approve: list[RequestView]


async def inbox(conn: Connection, principal: Principal) -> Inbox:
    """The caller's requests to take, their own, and those awaiting their approval."""
    rows = await queries.live_requests(conn, await visible_domain_ids(conn, principal))
    linked = set(await assignment_queries.linked_participant_ids(conn, principal.id))
    managed: dict[UUID, bool] = {}
    to_take, mine, to_approve = [], [], []
    for row in rows:
        if row.requester_id in linked:
            mine.append(RequestView(row))
        if row.status == "accepted":
            if row.domain_id not in managed:
                access = await domain_access(conn, principal, row.domain_id)
                managed[row.domain_id] = access.allows("manager")
            if managed[row.domain_id]:
                to_approve.append(RequestView(row))
            continue
        me = await queries.linked_participant(conn, row.domain_id, principal.id)
        if me is None or me == row.requester_id:
            continue
        if row.asked_participant_id not in (None, me):
            continue
        if row.asked_participant_id is None and not await _able(conn, row, me):
            continue
        options = []
        if row.kind == "swap":
            options = [
                SwapOption(p.id, f"{p.target_name} on {p.assignment_date}")
                for p in await queries.active_places_of(conn, me)
            ]
        to_take.append(RequestView(row, options))
    return Inbox(to_take, mine, to_approve)


async def _able(conn: Connection, row: RequestListing, person: UUID) -> bool:
    """`person` is among those who could take the request's place."""
    run, _ = await run_access(conn, None, row.assignment_id)
    place = await queries.get_place(conn, row.assignment_id, row.detail_id, lock=False)
    if place is None:
        return False
    candidates, _ = await assess_place(conn, run, place)
    return any(c.participant_id == person for c in candidates)


@dataclass(frozen=True)
class PlaceView:
    """One place for the page where its person hands it over."""

    run: AssignmentRow
    place: PlaceRow
    request: RequestView | None
    may_ask: bool  # the caller is the place's person or a manager, and the run is active
    alternatives: AlternativesRead


async def place_view(
    conn: Connection, principal: Principal, assignment_id: UUID, detail_id: UUID
) -> PlaceView:
    """The place, its open request, whether the caller may ask, and who else could do it."""
    run, access = await run_access(conn, principal, assignment_id, "viewer")
    place = await queries.get_place(conn, assignment_id, detail_id, lock=False)
    if place is None:
        raise place_not_found(detail_id)
    row = await queries.live_request_of_place(conn, detail_id)
    own = await queries.linked_participant(conn, access.domain_id, principal.id)
    may_ask = run.status == "active" and (
        access.allows("manager") or (access.allows("member") and own == place.participant_id)
    )
    return PlaceView(
        run,
        place,
        None if row is None else RequestView(row),
        may_ask,
        await alternatives(conn, principal, assignment_id, detail_id),
    )
