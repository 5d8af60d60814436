"""Fair share over HTTP: marking a place's outcome, who else could take it, and a
domain's fairness view (JSON and CSV)."""

from datetime import date
from typing import Annotated
from uuid import UUID

from fastapi import Query, Response

from vividshift.auth.deps import Reader, Writer
from vividshift.db import Db
from vividshift.fairshare import alternatives as alternatives_service
from vividshift.fairshare import fairness as fairness_service
from vividshift.fairshare import outcomes
from vividshift.fairshare.schemas import AlternativesRead, FairnessRead, OutcomeRead, OutcomeRequest
from vividshift.http.openapi import READ_ONE, WRITE_ONE, Responses, described
from vividshift.http.routing import api_router

router = api_router(tags=["fair share"])
PLACE = "/api/assignments/{assignment_id}/details/{detail_id}"

UNSEEN_PLACE: Responses = {
    404: described("No such run or place, or the run's domain is one the caller may not see")
}
UNSEEN_DOMAIN: Responses = {404: described("No such domain, or one the caller may not see")}
PERIOD: Responses = {422: described("VALIDATION_ERROR: a bad date, or `from` after `to`")}
DateFrom = Annotated[
    date | None,
    Query(alias="from", description="first run date counted (default: the domain's first run)"),
]
DateTo = Annotated[
    date | None, Query(alias="to", description="last run date counted (default: today there)")
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
            "others, or not of the run's domain. BUSINESS_LOGIC_ERROR: a cancelled run"
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
