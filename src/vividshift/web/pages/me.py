"""My turns: the signed-in person's places across their houses, upcoming and past
(the page of GET /api/me/assignments, the same service)."""

from datetime import UTC, datetime, timedelta
from typing import cast, get_args

from fastapi import APIRouter, Request
from starlette.responses import Response

from vividshift.assignments import me
from vividshift.db import Db
from vividshift.web.deps import PageReader
from vividshift.web.render import render

router = APIRouter(tags=["web"], include_in_schema=False)

PAGE_SIZE = 50
WHEN = get_args(me.When)


@router.get("/me")
async def my_turns(
    request: Request, user: PageReader, db: Db, when: str = "upcoming", page: int = 1
) -> Response:
    """My places (date, time, task, house, who else is on it), upcoming or past."""
    chosen = cast(me.When, when if when in WHEN else "upcoming")
    page = min(max(page, 1), 10_000)
    result = await me.my_assignments(
        db,
        user,
        when=chosen,
        limit=PAGE_SIZE,
        offset=(page - 1) * PAGE_SIZE,
    )
    pages = max(1, -(-result.total // PAGE_SIZE))
    return render(
        request,
        "me.html",
        200 if chosen == when else 422,
        result=result,
        when=chosen,
        choices=WHEN,
        page=page,
        pages=pages,
        # The latest date anywhere: a place of a house east of here is not refused.
        today=(datetime.now(UTC) + timedelta(hours=14)).date(),
    )
