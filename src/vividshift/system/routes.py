from fastapi import Request
from fastapi.responses import JSONResponse

from vividshift.errors import error_body
from vividshift.http.routing import api_router
from vividshift.system.schemas import Health, Readiness, ReadinessFailure
from vividshift.system.service import is_database_reachable

router = api_router(tags=["system"])


@router.get("/health", response_model=Health)
async def health() -> Health:
    """Liveness: the process is up."""
    return Health()


@router.get(
    "/ready",
    response_model=Readiness,
    responses={503: {"model": ReadinessFailure, "description": "The database is unreachable"}},
)
async def ready(request: Request) -> JSONResponse:
    """Readiness: the database answers. 503 with the same shape while it does not."""
    if await is_database_reachable(request.app.state.pool):
        return JSONResponse(Readiness(status="ready", database="connected").model_dump())
    failure = ReadinessFailure(
        status="unavailable",
        database="unreachable",
        **error_body("Database unreachable", "SERVICE_UNAVAILABLE"),
    )
    return JSONResponse(failure.model_dump(), status_code=503)
