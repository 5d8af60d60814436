"""/api/domains/{id}/schedule: next runs, and a run now."""

from typing import Annotated
from uuid import UUID

from fastapi import BackgroundTasks, Query, Request, Response

from vividshift.assignments.jobs import routes as job_routes
from vividshift.auth.deps import Reader, Writer
from vividshift.db import Db
from vividshift.http.openapi import READ_ONE, WRITE_ONE, Responses, described
from vividshift.http.routing import api_router
from vividshift.schedules import service
from vividshift.schedules.schemas import ScheduleRead

router = api_router(prefix="/api/domains", tags=["schedules"])


UNSEEN: Responses = {404: described("No such domain, or one the caller may not see")}


@router.get("/{domain_id}/schedule", response_model=ScheduleRead, responses=READ_ONE | UNSEEN)
async def get_schedule(
    domain_id: UUID,
    user: Reader,
    db: Db,
    count: Annotated[int, Query(ge=1, le=100, description="next due times shown")] = 5,
) -> ScheduleRead:
    """The domain's schedule: next due times (in its time zone) and recent runs."""
    return await service.view(db, user, domain_id, count)


@router.post(
    "/{domain_id}/schedule/run",
    status_code=202,
    response_class=Response,
    responses=WRITE_ONE
    | UNSEEN
    | {403: described("The caller's role in the domain is below manager")}
    | job_routes.ACCEPTED
    | {422: described("BUSINESS_LOGIC_ERROR: the domain has no schedule, or is inactive")},
)
async def run_schedule_now(
    domain_id: UUID, user: Writer, db: Db, request: Request, background: BackgroundTasks
) -> Response:
    """Run the schedule now as a job (202 + job URL), attributed to the caller."""
    job = await service.run_now(db, request.app.state.settings, user, domain_id)
    return job_routes.accepted(request, background, job)
