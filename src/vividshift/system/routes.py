from fastapi import Request
from fastapi.responses import JSONResponse

from vividshift.errors import RETRY_AFTER_BUSY_SECONDS, RETRY_AFTER_LOST_SECONDS, error_body
from vividshift.http.openapi import RETRY_AFTER_HEADER
from vividshift.http.routing import api_router
from vividshift.system.schemas import Health, Readiness, ReadinessFailure
from vividshift.system.service import database_state

router = api_router(tags=["system"])


@router.get("/health", response_model=Health)
async def health() -> Health:
    """Liveness: the process is up."""
    return Health()


@router.get(
    "/ready",
    response_model=Readiness,
    responses={
        503: {
            "model": ReadinessFailure,
            "description": "The database is unreachable (`database: unreachable`) or every "
            "pooled connection is in use (`database: busy`); with Retry-After",
            "headers": {"Retry-After": RETRY_AFTER_HEADER},
        }
    },
)
async def ready(request: Request) -> JSONResponse:
    """Readiness: the database answers. 503 with the same shape while it does not."""
    state = await database_state(request.app.state.pool, request.app.state.database_url)
    if state == "connected":
        return JSONResponse(Readiness(status="ready", database="connected").model_dump())
    busy = state == "busy"
    failure = ReadinessFailure(
        status="unavailable",
        database=state,
        **error_body(
            "Database busy" if busy else "Database unreachable",
            "SERVICE_UNAVAILABLE",
            "every pooled connection is in use" if busy else None,
        ),
    )
    retry = RETRY_AFTER_BUSY_SECONDS if busy else RETRY_AFTER_LOST_SECONDS
    return JSONResponse(failure.model_dump(), 503, headers={"Retry-After": str(retry)})
