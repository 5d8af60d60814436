"""/api/jobs/{id}: where a background generation stands."""

from uuid import UUID

from fastapi import BackgroundTasks, Request, status
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse

from vividshift.assignments.jobs import service
from vividshift.assignments.jobs.schemas import JobRead
from vividshift.auth.deps import Reader
from vividshift.db import Db
from vividshift.http.openapi import READ_ONE, Responses, described
from vividshift.http.routing import api_router

router = api_router(prefix="/api/jobs", tags=["jobs"])

ACCEPTED: Responses = {
    202: {
        "model": JobRead,
        "description": "Accepted as a background job: poll `url` (also in `Location`) until "
        "`status` is succeeded (then `result_url`) or failed (then `error`)",
    }
}


def accepted(
    request: Request, background: BackgroundTasks, job: JobRead, *, start: bool = True
) -> JSONResponse:
    """202 with the job; an in-process job starts once the answer is sent."""
    if start and job.mode == "in_process" and job.status == "queued":
        background.add_task(service.run_in_process, request.app.state.pool, job.id)
    return JSONResponse(
        jsonable_encoder(job),
        status_code=status.HTTP_202_ACCEPTED,
        headers={"Location": job.url},
        background=background,
    )


@router.get(
    "/{job_id}",
    response_model=JobRead,
    responses=READ_ONE
    | {404: described("No such job, or a job of a domain the caller may not see")},
)
async def get_job(job_id: UUID, user: Reader, db: Db) -> JobRead:
    """A generation job: status, progress, and the run it made or its error."""
    return await service.get_job(db, user, job_id)
