"""A plan of a rota's turns as a grid: people × turns, with each person's load."""

from uuid import UUID

from fastapi import APIRouter, Request
from starlette.responses import Response

from vividshift.db import Db
from vividshift.rota import planning
from vividshift.web.deps import PageReader
from vividshift.web.render import render

router = APIRouter(tags=["web"], include_in_schema=False)


@router.get("/domains/{domain_id}/plans/{plan_id}")
async def plan_page(
    request: Request, domain_id: UUID, plan_id: UUID, user: PageReader, db: Db
) -> Response:
    """The plan's grid (who does what in each turn), counts, effort and fair shares."""
    plan = await planning.get_plan(db, user, domain_id, plan_id)
    return render(request, "plan.html", 200, plan=plan)
