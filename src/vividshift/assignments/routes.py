"""/api/assignments: generate (compatible), list, read, status, edits, history, exports;
/api/participants/{id}/assignments (a person's rota) and /api/me/assignments (mine).

Every run is of one domain: reads need a role there, generation and edits the manager
role (`vividshift.domains.access`): 404 for a run or domain the caller may not see, 403
for one they see without the role."""

from typing import Annotated, Literal
from uuid import UUID

from fastapi import BackgroundTasks, Depends, Query, Request, Response, status

from vividshift.assignments import editing, generation, me, service
from vividshift.assignments.jobs import routes as job_routes
from vividshift.assignments.jobs import service as jobs
from vividshift.assignments.schemas import (
    AssignmentPage,
    AssignmentRead,
    AssignmentUpdate,
    EditResult,
    GenerateRequest,
    GenerateResponse,
    HistoryEntry,
    MyPlacePage,
    ReassignRequest,
    RotaPage,
    SwapRequest,
)
from vividshift.auth.deps import Principal, Reader, Writer, WriterReleased
from vividshift.db import Connector, Db
from vividshift.errors import Forbidden, ValidationFailed
from vividshift.fields import IsoDate
from vividshift.http.lenient import Warned, report, warnings_header
from vividshift.http.openapi import READ, READ_ONE, WRITE, WRITE_ONE, Responses, described
from vividshift.http.paging import PageParams, page_params
from vividshift.http.read_cache import read_through
from vividshift.http.routing import api_router
from vividshift.idempotency.service import REPLAYED_HEADER, IdempotencyKey

router = api_router(tags=["assignments"])
PREFIX = "/api/assignments"
JSON = "application/json"
Paging = Annotated[PageParams, Depends(page_params)]

INFEASIBLE: Responses = {
    422: described(
        "VALIDATION_ERROR: invalid body, unknown strategy/validator/constraint, bad "
        "parameters, unknown or inactive ids. BUSINESS_LOGIC_ERROR: no valid assignment "
        "exists — `details` is the engine's explanation {message, shortages:[{targets, "
        "required, eligible_count, eligible, reason}], conflicts}; or an error-level "
        "validation fails and `force` is not set — details.validation_results"
    )
}
BUSY: Responses = {
    409: described(
        "The domain already has an active run on that date (details.active_run; send "
        '"replace"), or another generation for the same domain and date held the lock for '
        "more than 30 s"
    )
}
ADMIN_FORCE: Responses = {
    403: described(
        "`force` was sent by someone who is not an admin, or the caller's role in the "
        "domain is below manager (a global viewer never writes)"
    ),
    404: described("The domain does not exist or the caller may not see it"),
}
# A run (or what hangs off it) of a domain the caller may not see is its 404.
RUN_READ: Responses = READ_ONE | {
    404: described("No such run, or its domain is one the caller may not see")
}
RUN_WRITE: Responses = WRITE_ONE | {
    403: described("The caller's role in the run's domain is below manager"),
    404: described("No such run, or its domain is one the caller may not see"),
}
LIST_DOMAIN: Responses = READ | {
    404: described("`domain` does not exist or the caller may not see it")
}


class GenerateResult(Warned, GenerateResponse):
    """The generated run, plus `warnings` about request fields that were ignored."""


EDIT: Responses = {
    409: described("The participant is already on that target in this run"),
    422: described(
        "Invalid body; or BUSINESS_LOGIC_ERROR: the run is not active, or the edit breaks a "
        "rule (details.validation_results) and force is not set"
    ),
}


@router.post(
    f"{PREFIX}/generate",
    response_model=GenerateResult,
    status_code=status.HTTP_201_CREATED,
    responses=warnings_header(
        WRITE | INFEASIBLE | BUSY | ADMIN_FORCE | job_routes.ACCEPTED, 201, 202
    ),
)
async def generate_assignment(
    body: GenerateRequest,
    user: WriterReleased,
    connect: Connector,
    request: Request,
    response: Response,
    background: BackgroundTasks,
    idempotency_key: IdempotencyKey = None,
) -> GenerateResult | Response:
    """Generate and store an assignment run (compatible; Idempotency-Key accepted).

    Empty `participants`/`targets` mean all active ones. `domain` (name or id) supplies
    the default strategy, parameters, validators and business rules; the request
    overrides them. Everything is written in one transaction: the run, its details and
    its history. A domain has one active run per date: when there is one already, 409
    names it unless `replace` says to cancel or complete it first. A run that breaks an
    error-level rule is refused (422) unless an admin sends `force`. Generations of the
    same domain and date are serialised (the second waits for the first, up to 30 s,
    then 409). `"async": true` (or a large problem,
    see the server's threshold) answers 202 with a job to poll at GET /api/jobs/{id};
    the job's errors are the bodies this endpoint would have answered. Unknown fields
    are ignored and listed in `warnings` and the X-VividShift-Warnings header."""
    if body.force and user.role != "admin":
        raise Forbidden("Only an admin may force a run that breaks error-level rules")
    warnings = body.warnings()
    async with connect() as db:
        run_async = await jobs.should_run_async(db, request.app.state.settings, body, user)
        if run_async:
            answer = await _generate_async(body, user, db, request, background, idempotency_key)
            report(answer, warnings)
            return answer
        if idempotency_key is not None:  # claim, run and record the key in one transaction
            result, replayed = await generation.generate_once(db, user, body, idempotency_key)
    report(response, warnings)
    if idempotency_key is None:
        # No connection is held while the solver runs; a client gone by then saves nothing.
        try:
            run = await generation.generate_released(
                connect, user, body, client_gone=request.is_disconnected
            )
        except generation.ClientGone:
            return Response(status_code=499)  # nginx's "client closed request": nobody reads it
        # Encoded once, in GenerateResult's shape: no pydantic object per placement.
        answer = Response(run.to_json(warnings), status.HTTP_201_CREATED, media_type=JSON)
        report(answer, warnings)
        return answer
    if replayed:
        response.headers[REPLAYED_HEADER] = "true"
    return GenerateResult.model_construct(**dict(result), warnings=warnings)


async def _generate_async(
    body: GenerateRequest,
    user: Principal,
    db: Db,
    request: Request,
    background: BackgroundTasks,
    idempotency_key: str | None,
) -> Response:
    """Record the job (a replay of an Idempotency-Key answers the same job)."""
    job, replayed = await jobs.submit_generation_once(
        db, request.app.state.settings, user, body, idempotency_key
    )
    answer = job_routes.accepted(request, background, job, start=not replayed)
    if replayed:
        answer.headers[REPLAYED_HEADER] = "true"
    return answer


@router.get(PREFIX, response_model=AssignmentPage, responses=LIST_DOMAIN)
async def list_assignments(
    user: Reader,
    db: Db,
    page: Paging,
    date_from: Annotated[IsoDate | None, Query(description="assignment_date ≥ this")] = None,
    date_to: Annotated[IsoDate | None, Query(description="assignment_date ≤ this")] = None,
    status_: Annotated[
        Literal["active", "completed", "cancelled"] | None, Query(alias="status")
    ] = None,
    strategy: Annotated[str | None, Query(min_length=1, max_length=100)] = None,
    domain: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=100,
            description="domain name or id (404 when the caller may not see it); "
            "default: every domain the caller sees",
        ),
    ] = None,
) -> AssignmentPage:
    """List runs (newest date first) of the domains the caller sees, filtered by date
    range, status, strategy, domain."""
    if date_from and date_to and date_from > date_to:
        raise ValidationFailed("date_from is after date_to")
    return await service.list_assignments(
        db,
        user,
        date_from=date_from,
        date_to=date_to,
        status=status_,
        strategy=strategy,
        domain=domain,
        limit=page.limit,
        offset=page.offset,
    )


# The export routes come before /{assignment_id} so that "<id>.csv" is never read as an id.
@router.get(
    PREFIX + "/{assignment_id}.csv",
    response_class=Response,
    responses=RUN_READ | {200: {"content": {"text/csv": {}}, "description": "CSV"}},
)
async def export_csv(assignment_id: UUID, user: Reader, db: Db) -> Response:
    """The run as CSV: one row per detail (target, position, participant, score)."""
    row, text = await service.export_csv(db, user, assignment_id)
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="assignment-{row.id}.csv"'},
    )


@router.get(
    PREFIX + "/{assignment_id}.ics",
    response_class=Response,
    responses=RUN_READ | {200: {"content": {"text/calendar": {}}, "description": "iCalendar"}},
)
async def export_ics(assignment_id: UUID, user: Reader, db: Db) -> Response:
    """The run as iCalendar: one event per detail on the run's date/window."""
    row, body = await service.export_ics(db, user, assignment_id)
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="assignment-{row.id}.ics"'},
    )


@router.get(PREFIX + "/{assignment_id}", response_model=AssignmentRead, responses=RUN_READ)
async def get_assignment(assignment_id: UUID, user: Reader, db: Db) -> AssignmentRead:
    """One run with its details (participant and target names), by target and position."""
    return await service.get_assignment(db, user, assignment_id)


@router.patch(
    PREFIX + "/{assignment_id}",
    response_model=AssignmentRead,
    responses=RUN_WRITE
    | {422: described("Invalid body, reserved metadata key, or a status change backwards")},
)
async def update_assignment(
    assignment_id: UUID, body: AssignmentUpdate, user: Writer, db: Db
) -> AssignmentRead:
    """Change status (active → completed | cancelled), name, description or metadata."""
    return await editing.update_assignment(db, user, assignment_id, body)


@router.post(
    PREFIX + "/{assignment_id}/reassign",
    response_model=EditResult,
    responses=RUN_WRITE | EDIT,
)
async def reassign_detail(
    assignment_id: UUID, body: ReassignRequest, user: Writer, db: Db
) -> EditResult:
    """Put another participant on one detail; re-validated and recorded in history."""
    return await editing.reassign(db, user, assignment_id, body)


@router.post(
    PREFIX + "/{assignment_id}/swap", response_model=EditResult, responses=RUN_WRITE | EDIT
)
async def swap_details(assignment_id: UUID, body: SwapRequest, user: Writer, db: Db) -> EditResult:
    """Exchange the participants of two details; re-validated and recorded in history."""
    return await editing.swap(db, user, assignment_id, body)


@router.get(
    PREFIX + "/{assignment_id}/history", response_model=list[HistoryEntry], responses=RUN_READ
)
async def assignment_history(assignment_id: UUID, user: Reader, db: Db) -> list[HistoryEntry]:
    """Every recorded change of the run, oldest first, with who made it."""
    return await service.get_history(db, user, assignment_id)


@router.get(
    "/api/participants/{participant_id}/assignments",
    response_model=RotaPage,
    responses=READ_ONE
    | {404: described("No such participant, or one of a domain the caller may not see")},
    tags=["participants"],
)
async def participant_assignments(
    participant_id: UUID,
    user: Reader,
    db: Db,
    page: Paging,
    include_cancelled: Annotated[bool, Query(description="also cancelled runs")] = False,
) -> RotaPage:
    """A participant's own rota: their details across runs, newest date first."""
    return await service.participant_rota(
        db,
        user,
        participant_id,
        include_cancelled=include_cancelled,
        limit=page.limit,
        offset=page.offset,
    )


@router.get("/api/me/assignments", response_model=MyPlacePage, responses=READ, tags=["me"])
async def my_assignments(
    request: Request,
    user: Reader,
    db: Db,
    page: Paging,
    when: Annotated[
        Literal["upcoming", "past", "all"],
        Query(
            description="upcoming: active runs from today in each house's zone, soonest "
            "first; past: runs before today, latest first; all: both, latest first"
        ),
    ] = "upcoming",
) -> Response:
    """My places across my domains: date, time window, task, domain, who else is on it.

    "Me" is a participant linked to the caller's account (`participants.user_id`), one
    per domain; cancelled runs never show."""
    # MyPlacePage's JSON encoded once (response_model above documents it); kept by the
    # opt-in read cache until a change, the TTL or the next midnight of its houses.
    body = await read_through(
        request,
        user,
        ("me/assignments", when, page.limit, page.offset),
        lambda: me.my_assignments_json(db, user, when=when, limit=page.limit, offset=page.offset),
    )
    return Response(body, media_type=JSON)
