"""/api/domains/{id}/turns, plans and re-plans; /api/participants/{id}/absences."""

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

from fastapi import Query

from vividshift.auth.deps import Reader
from vividshift.db import Db
from vividshift.http.openapi import READ_ONE, Responses, described
from vividshift.http.routing import api_router
from vividshift.rota import service
from vividshift.rota.schemas import TurnList

router = api_router(prefix="/api/domains", tags=["rota"])

UNSEEN: Responses = {404: described("No such domain, or one the caller may not see")}
NO_ROTA: Responses = {
    422: described("Invalid input, or the domain has no rota (configuration.rota)")
}
Moment = date | datetime


@router.get("/{domain_id}/turns", response_model=TurnList, responses=READ_ONE | UNSEEN | NO_ROTA)
async def list_turns(
    domain_id: UUID,
    user: Reader,
    db: Db,
    start: Annotated[
        Moment | None,
        Query(
            alias="from",
            description="local date, local wall time or instant (default: now)",
        ),
    ] = None,
    end: Annotated[
        Moment | None,
        Query(alias="to", description="exclusive; default: 31 days after `from`"),
    ] = None,
) -> TurnList:
    """The turns of the domain's rota that overlap [from, to), as UTC instants."""
    return await service.list_turns(db, user, domain_id, start, end)
