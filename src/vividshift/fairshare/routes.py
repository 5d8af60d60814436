"""Fair share over HTTP: marking a place's outcome, who else could take it, asking
others to cover or swap it, and a domain's fairness view (JSON and CSV)."""

from typing import Annotated
from uuid import UUID

from fastapi import Query, Response, status

from vividshift.auth.deps import Reader, Writer
from vividshift.db import Db
from vividshift.fairshare import alternatives as alternatives_service
from vividshift.fairshare import fairness as fairness_service
from vividshift.fairshare import outcomes, requests
from vividshift.fairshare.schemas import (
    AlternativesRead,
    FairnessRead,
    OutcomeRead,
    OutcomeRequest,
    PlaceRequestAccept,
    PlaceRequestCreate,
    PlaceRequestRead,
)
from vividshift.fields import IsoDate
from vividshift.http.openapi import READ_ONE, WRITE_ONE, Responses, described
from vividshift.http.routing import api_router

router = api_router(tags=["fair share"])
PLACE = "/api/assignments/{assignment_id}/details/{detail_id}"

UNSEEN_PLACE: Responses = {
    404: described(
        "No such run or place, the run's domain is one the caller may not see, or a "
        "participant named in the body is not of that domain"
    )
}
UNSEEN_DOMAIN: Responses = {404: described("No such domain, or one the caller may not see")}
PERIOD: Responses = {422: described("VALIDATION_ERROR: a bad date, or `from` after `to`")}
DateFrom = Annotated[
    IsoDate | None,
    Query(alias="from", description="first run date counted (default: the domain's first run)"),
]
DateTo = Annotated[
    IsoDate | None, Query(alias="to", description="last run date counted (default: today there)")
]


@router.post(
    PLACE + "/outcome",
    response_model=OutcomeRead,
    responses=WRITE_ONE
    | UNSEEN_PLACE
    | {
        403: described("A member marking someone else's place, or anything but done; a viewer"),
        409: described("`by` already holds a place on this task in the run"),
        422: described(
            "VALIDATION_ERROR: a bad body, `by` missing for covered/swapped, given for "
            "others, or the rota's own person. BUSINESS_LOGIC_ERROR: a cancelled run"
        ),
    },
)
async def mark_outcome(
    assignment_id: UUID, detail_id: UUID, body: OutcomeRequest, user: Writer, db: Db
) -> OutcomeRead:
    """Record what became of a place: done, missed, covered, swapped or excused."""
    return await outcomes.mark_outcome(db, user, assignment_id, detail_id, body)


@router.get(
    PLACE + "/alternatives",
    response_model=AlternativesRead,
    responses=READ_ONE | UNSEEN_PLACE,
)
async def list_alternatives(
    assignment_id: UUID, detail_id: UUID, user: Reader, db: Db
) -> AlternativesRead:
    """Who else could take this place, ranked by fair share, and who cannot and why."""
    return await alternatives_service.alternatives(db, user, assignment_id, detail_id)


# The CSV route comes first so that "fairness.csv" is its own path.
@router.get(
    "/api/domains/{domain_id}/fairness.csv",
    response_class=Response,
    responses=READ_ONE
    | UNSEEN_DOMAIN
    | PERIOD
    | {200: {"content": {"text/csv": {}}, "description": "one row per person"}},
)
async def fairness_csv(
    domain_id: UUID, user: Reader, db: Db, date_from: DateFrom = None, date_to: DateTo = None
) -> Response:
    """The fairness view's per-person lines as CSV."""
    view = await fairness_service.fairness(db, user, domain_id, date_from, date_to)
    return Response(
        fairness_service.fairness_csv(view),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="fairness-{view.domain_id}.csv"'},
    )


@router.get(
    "/api/domains/{domain_id}/fairness",
    response_model=FairnessRead,
    response_model_by_alias=True,
    responses=READ_ONE | UNSEEN_DOMAIN | PERIOD,
)
async def get_fairness(
    domain_id: UUID, user: Reader, db: Db, date_from: DateFrom = None, date_to: DateTo = None
) -> FairnessRead:
    """Per person: fair share, effort done, missed, covered, covered-for and balance;
    per task: how often each person did it."""
    return await fairness_service.fairness(db, user, domain_id, date_from, date_to)


REQUEST = "/api/place-requests/{request_id}"
UNSEEN_REQUEST: Responses = {
    404: described(
        "No such request, its domain is one the caller may not see, or a participant or "
        "place named in the body is not of that domain"
    )
}


@router.post(
    PLACE + "/requests",
    response_model=PlaceRequestRead,
    status_code=status.HTTP_201_CREATED,
    responses=WRITE_ONE
    | UNSEEN_PLACE
    | {
        403: described("Not the place's own person nor a manager"),
        409: described("The place already has an open request"),
        422: described(
            "VALIDATION_ERROR: a bad body, the place's own person asked, auto_find with a "
            "swap. "
            "BUSINESS_LOGIC_ERROR: the run is not active"
        ),
    },
)
async def ask_for_cover_or_swap(
    assignment_id: UUID, detail_id: UUID, body: PlaceRequestCreate, user: Writer, db: Db
) -> PlaceRequestRead:
    """Ask a named person, or anyone eligible, to cover or swap this place."""
    return await requests.ask(db, user, assignment_id, detail_id, body)


@router.get(REQUEST, response_model=PlaceRequestRead, responses=READ_ONE | UNSEEN_REQUEST)
async def get_place_request(request_id: UUID, user: Reader, db: Db) -> PlaceRequestRead:
    """A cover or swap request with its events (asked, accepted, approved, …)."""
    return await requests.get_request(db, user, request_id)


@router.post(
    REQUEST + "/accept",
    response_model=PlaceRequestRead,
    responses=WRITE_ONE
    | UNSEEN_REQUEST
    | {
        403: described("Accepting for someone else without being a manager, or not the one asked"),
        409: described("The request is no longer open: someone else was first, or it ended"),
        422: described(
            "BUSINESS_LOGIC_ERROR: the taker breaks a hard rule — `details.rules` names it "
            "(skills, availability, group rule, no double booking). VALIDATION_ERROR: a "
            "bad body, no person of the caller's, a swap without detail_id"
        ),
    },
)
async def accept_place_request(
    request_id: UUID, body: PlaceRequestAccept, user: Writer, db: Db
) -> PlaceRequestRead:
    """Take the place (the first valid acceptance wins; then 409)."""
    return await requests.accept(db, user, request_id, body)


DECIDED: Responses = (
    WRITE_ONE
    | UNSEEN_REQUEST
    | {
        403: described("The caller may not decide this request"),
        409: described("The request is not in a state this decision applies to"),
    }
)


@router.post(REQUEST + "/approve", response_model=PlaceRequestRead, responses=DECIDED)
async def approve_place_request(request_id: UUID, user: Writer, db: Db) -> PlaceRequestRead:
    """Manager: approve an accepted swap or cover; the places change."""
    return await requests.decide(db, user, request_id, "approve")


@router.post(REQUEST + "/refuse", response_model=PlaceRequestRead, responses=DECIDED)
async def refuse_place_request(request_id: UUID, user: Writer, db: Db) -> PlaceRequestRead:
    """Manager: refuse an accepted swap or cover; nothing changes."""
    return await requests.decide(db, user, request_id, "refuse")


@router.post(REQUEST + "/cancel", response_model=PlaceRequestRead, responses=DECIDED)
async def cancel_place_request(request_id: UUID, user: Writer, db: Db) -> PlaceRequestRead:
    """The requester or a manager: withdraw an open or accepted request."""
    return await requests.decide(db, user, request_id, "cancel")
