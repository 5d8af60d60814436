"""/api/work-groups: the predecessor's endpoints (compatible shapes of spec/API.md)."""

from typing import Annotated

from fastapi import Query, Response

from vividshift.auth.deps import AdminUser, Reader, Writer
from vividshift.db import Db
from vividshift.http.lenient import report, warnings_header
from vividshift.http.openapi import READ, WRITE, described
from vividshift.http.routing import api_router
from vividshift.workgroups import service
from vividshift.workgroups.schemas import (
    ChoreCounts,
    ChoreCountsUpdate,
    WorkGroupsHistory,
    WorkGroupsRequest,
    WorkGroupsResult,
)

router = api_router(prefix="/api/work-groups", tags=["work-groups"])


@router.post(
    "/generate",
    response_model=WorkGroupsResult,
    responses=warnings_header(
        WRITE
        | {
            409: described("Another generation of the work groups today is still running"),
            422: described(
                "Invalid body (a name in both groups, a count < 1), no active chore, or "
                "BUSINESS_LOGIC_ERROR: no rotation satisfies the rules — details explain why"
            ),
        },
        200,
    ),
)
async def generate_work_groups(
    body: WorkGroupsRequest, user: Writer, db: Db, response: Response
) -> WorkGroupsResult:
    """Rotate chores between groups A and B (compatible).

    People are found or created by name in the `work-groups` domain (their group set
    from names_a/names_b), chores likewise with `custom_assignments` as their counts;
    without it, the stored chores (on a fresh install the predecessor's defaults,
    stored then). Nobody repeats one of their last two chores (Toilet B: the latest
    only); group A never does Toilet B, group B never Toilet A (the domain's business
    rules). A second generation the same day completes the first one, which becomes
    history: it rotates. Unknown fields are ignored and listed in `warnings` (and the
    X-VividShift-Warnings header)."""
    result = await service.generate(db, user, body)
    report(response, result.warnings)
    return result


@router.get("/history", response_model=WorkGroupsHistory, responses=READ)
async def work_groups_history(
    _: Reader,
    db: Db,
    days: Annotated[int, Query(ge=1, le=3660, description="most recent dates shown")] = 366,
) -> WorkGroupsHistory:
    """Every rotation, oldest first: {history: {key: {assignments, generation_info}},
    last_updated} (compatible).

    One entry per non-cancelled run: the key is the date "YYYY-MM-DD" for the first run
    of a date (by creation time) and "YYYY-MM-DD.2", "YYYY-MM-DD.3", … for later runs of
    the same date. `days` limits the answer to the runs of the most recent dates."""
    return await service.history(db, days)


@router.get("/assignments", response_model=ChoreCounts, responses=READ)
async def chore_counts(_: Reader, db: Db) -> ChoreCounts:
    """The chores and how many people each needs: {"Parlor": 5, …} (compatible).

    The active work-group chores in their stored order; on a fresh install the
    predecessor's defaults, which the first generation stores."""
    return await service.chore_counts(db)


@router.post("/assignments", response_model=ChoreCounts, responses=WRITE)
async def set_chore_counts(body: ChoreCountsUpdate, user: AdminUser, db: Db) -> ChoreCounts:
    """Set the chores and their counts from {chore: count} (admin only).

    The chores are rotated in the order given; stored chores not listed are deactivated
    (their rows and history stay). Answers the new counts."""
    return await service.set_chore_counts(db, user.id, body)
