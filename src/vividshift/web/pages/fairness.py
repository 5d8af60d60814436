"""Fair share on the web: a house's balance (bars around zero, a person × task heat map,
each with a table alternative) and marking one's own place done in one click."""

from uuid import UUID

from fastapi import APIRouter, Request
from starlette.responses import Response

from vividshift.db import Db
from vividshift.errors import AppError
from vividshift.fairshare import fairness as fairness_service
from vividshift.fairshare import outcomes
from vividshift.fairshare.chart import charts
from vividshift.fairshare.schemas import OutcomeRequest
from vividshift.fields import IsoDate
from vividshift.web.deps import Form, PageReader, PageWriter
from vividshift.web.render import redirect, render

router = APIRouter(tags=["web"], include_in_schema=False)


@router.get("/houses/{domain_id}/fairness")
async def fairness_page(
    request: Request,
    domain_id: UUID,
    user: PageReader,
    db: Db,
    date_from: IsoDate | None = None,
    date_to: IsoDate | None = None,
) -> Response:
    """The house's balance per person and who did which task, as charts and tables."""
    view = await fairness_service.fairness(db, user, domain_id, date_from, date_to)
    return render(request, "fairness.html", 200, view=view, chart=charts(view))


@router.post("/me/places/{assignment_id}/{detail_id}/done")
async def mark_done(
    request: Request, assignment_id: UUID, detail_id: UUID, user: PageWriter, db: Db, form: Form
) -> Response:
    """Mark one of my places done (one click on My turns)."""
    del form  # checked for its CSRF token only
    try:
        await outcomes.mark_outcome(
            db, user, assignment_id, detail_id, OutcomeRequest(outcome="done")
        )
    except AppError as exc:
        return redirect(request, "/me?when=past", flash=exc.message)
    return redirect(request, "/me?when=past", flash="Marked done. Thank you!")
