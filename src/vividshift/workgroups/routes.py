"""/api/work-groups: the predecessor's endpoints (compatible shapes of spec/API.md)."""

from typing import Annotated

from fastapi import Query

from vividshift.auth.deps import Reader, Writer
from vividshift.db import Db
from vividshift.openapi import READ, WRITE, described
from vividshift.routing import api_router
from vividshift.workgroups import service
from vividshift.workgroups.schemas import WorkGroupsHistory, WorkGroupsRequest, WorkGroupsResult

router = api_router(prefix="/api/work-groups", tags=["work-groups"])


@router.post(
    "/generate",
    response_model=WorkGroupsResult,
    responses=WRITE
    | {
        409: described("Another generation of the work groups today is still running"),
        422: described(
            "Invalid body (a name in both groups, a count < 1, unknown fields), or "
            "BUSINESS_LOGIC_ERROR: no rotation satisfies the rules — details explain why"
        ),
    },
)
async def generate_work_groups(body: WorkGroupsRequest, user: Writer, db: Db) -> WorkGroupsResult:
    """Rotate chores between groups A and B (compatible).

    People are found or created by name in the `work-groups` domain (their group set
    from names_a/names_b), chores likewise with `custom_assignments` as their counts.
    Nobody repeats one of their last two chores (Toilet B: the latest only); group A
    never does Toilet B, group B never Toilet A (the domain's business rules)."""
    return await service.generate(db, user.id, body)


@router.get("/history", response_model=WorkGroupsHistory, responses=READ)
async def work_groups_history(
    _: Reader,
    db: Db,
    days: Annotated[int, Query(ge=1, le=3660, description="most recent dates shown")] = 366,
) -> WorkGroupsHistory:
    """Per date, the latest rotation: {history: {"YYYY-MM-DD": {assignments,
    generation_info}}, last_updated} (compatible)."""
    return await service.history(db, days)
