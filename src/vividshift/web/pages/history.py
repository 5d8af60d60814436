"""Past rotations, filterable by date range and status."""

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from vividshift.assignments import service as assignments
from vividshift.db import Db
from vividshift.web.deps import PageReader
from vividshift.web.domain_choice import choose_domain, remember_choice
from vividshift.web.render import render

router = APIRouter(tags=["web"], include_in_schema=False)

STATUSES = ("active", "completed", "cancelled")
PAGE_SIZE = 25


def _date(raw: str, field: str, errors: dict[str, str]) -> date | None:
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        errors[field] = "Use a date like 2026-03-01."
        return None


@router.get("/history")
async def history(
    request: Request,
    user: PageReader,
    db: Db,
    date_from: str = "",
    date_to: str = "",
    status: str = "",
    page: int = 1,
    domain: str = "",
) -> Response:
    """The runs of one house, newest date first, with filters and paging."""
    choice = await choose_domain(request, db, user, domain or None)
    errors: dict[str, str] = {}
    start = _date(date_from[:20], "date_from", errors)
    end = _date(date_to[:20], "date_to", errors)
    if start and end and start > end:
        errors["date_to"] = "The end date is before the start date."
    if status and status not in STATUSES:
        errors["status"] = "Choose one of the listed statuses."
    page = min(max(page, 1), 10_000)
    result: Any = None
    if not errors:
        result = await assignments.list_assignments(
            db,
            user,
            date_from=start,
            date_to=end,
            status=status or None,
            strategy=None,
            domain=str(choice.id),
            limit=PAGE_SIZE,
            offset=(page - 1) * PAGE_SIZE,
        )
    pages = max(1, -(-result.total // PAGE_SIZE)) if result else 1
    response = render(
        request,
        "history.html",
        422 if errors else 200,
        result=result,
        values={"date_from": date_from, "date_to": date_to, "status": status},
        errors=errors,
        statuses=STATUSES,
        page=page,
        pages=pages,
        choice=choice,
    )
    return remember_choice(request, response, choice)
