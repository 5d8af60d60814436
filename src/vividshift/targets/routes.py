"""/api/targets: CRUD, lists, candidates, bulk import."""

from typing import Annotated
from uuid import UUID

from fastapi import Depends, Query, Request, Response, status

from vividshift.auth.deps import AdminUser, Reader, Writer
from vividshift.bulk_import import parse_rows
from vividshift.db import Db
from vividshift.fields import MAX_IMPORT_ROWS, MAX_SKILL_LENGTH
from vividshift.http.openapi import READ, WRITE, Responses, described
from vividshift.http.paging import Page, PageParams, page_params, parse_sort, sort_choices
from vividshift.http.routing import api_router
from vividshift.idempotency.service import IdempotencyKey, with_replay_header
from vividshift.participants.schemas import SORT_KEYS as PARTICIPANT_SORT_KEYS
from vividshift.participants.schemas import ImportResult, ParticipantRead
from vividshift.targets import service
from vividshift.targets.schemas import SORT_KEYS, TargetCreate, TargetRead, TargetUpdate

router = api_router(prefix="/api/targets", tags=["targets"])

IMPORT_BODY = {
    "required": True,
    "content": {
        "application/json": {
            "schema": {
                "type": "array",
                "minItems": 1,  # no rows: 422
                "maxItems": MAX_IMPORT_ROWS,
                "items": {"$ref": "#/components/schemas/TargetCreate"},
            }
        },
        "text/csv": {
            "schema": {"type": "string"},
            "example": "name,required_count,required_skills\nKitchen,2,cleaning;cooking\n",
        },
    },
}

Paging = Annotated[PageParams, Depends(page_params)]
UNSEEN_DOMAIN: Responses = {404: described("No such domain, or one the caller is not in")}
UNSEEN: Responses = {404: described("No such target, or one of a domain the caller is not in")}
ROLE: Responses = {403: described("The role may not do this (needs `manager` in the domain)")}
DOMAIN_OF_ROWS = Query(
    min_length=1,
    max_length=100,
    description="the domain (name or id) of rows that name none (default `default`)",
)


@router.get("", response_model=Page[TargetRead], responses=READ | UNSEEN_DOMAIN)
async def list_targets(
    user: Reader,
    db: Db,
    page: Paging,
    active_only: Annotated[bool, Query(description="only is_active = true")] = True,
    requires_skill: Annotated[
        str | None,
        Query(min_length=1, max_length=MAX_SKILL_LENGTH, description="required_skills ? it"),
    ] = None,
    q: Annotated[
        str | None, Query(min_length=1, max_length=200, description="name contains (any case)")
    ] = None,
    sort: Annotated[
        str,
        Query(
            max_length=20,
            description=f"one of {sorted(SORT_KEYS)}; '-' descending",
            json_schema_extra=sort_choices(SORT_KEYS),
        ),
    ] = "name",
    domain: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=100,
            description="a domain's name or id: only its targets (default: every domain "
            "the caller is a member of, and `default`)",
        ),
    ] = None,
) -> Page[TargetRead]:
    """List targets of one domain or of all the caller sees, paged, with the total count."""
    return await service.list_targets(
        db,
        user,
        domain=domain,
        active_only=active_only,
        requires_skill=requires_skill,
        name_contains=q,
        sort=parse_sort(sort, SORT_KEYS),
        page=page,
    )


@router.post(
    "",
    response_model=TargetRead,
    status_code=status.HTTP_201_CREATED,
    responses=WRITE | ROLE | UNSEEN_DOMAIN,
)
async def create_target(
    body: TargetCreate,
    user: Writer,
    db: Db,
    response: Response,
    idempotency_key: IdempotencyKey = None,
) -> TargetRead:
    """Create a target in `domain` (default `default`; needs `manager` there;
    Idempotency-Key accepted)."""
    return with_replay_header(
        response, await service.create_target(db, user, body, idempotency_key)
    )


@router.post(
    "/import",
    response_model=ImportResult,
    status_code=status.HTTP_201_CREATED,
    openapi_extra={"requestBody": IMPORT_BODY},
    responses=WRITE
    | ROLE
    | UNSEEN_DOMAIN
    | {415: described("Neither application/json nor text/csv")},
)
async def import_targets(
    request: Request,
    user: Writer,
    db: Db,
    response: Response,
    idempotency_key: IdempotencyKey = None,
    domain: Annotated[str | None, DOMAIN_OF_ROWS] = None,
) -> ImportResult:
    """Import up to 10 000 targets from JSON or CSV, all or nothing (bad rows → 422).

    Each row goes to its `domain` column, else to `?domain=`, else to `default`; the
    caller needs `manager` in each."""
    rows = parse_rows(
        await request.body(),
        request.headers.get("content-type", ""),
        list_fields=frozenset({"required_skills"}),
        json_fields=frozenset({"constraints", "metadata"}),
    )
    return with_replay_header(
        response,
        await service.import_targets(
            db, user, rows, domain=domain, idempotency_key=idempotency_key
        ),
    )


@router.get("/{target_id}", response_model=TargetRead, responses=READ | UNSEEN)
async def get_target(target_id: UUID, user: Reader, db: Db) -> TargetRead:
    """One target of a domain the caller sees, active or not."""
    return await service.get_target(db, user, target_id)


@router.get(
    "/{target_id}/candidates", response_model=Page[ParticipantRead], responses=READ | UNSEEN
)
async def list_candidates(
    target_id: UUID,
    user: Reader,
    db: Db,
    page: Paging,
    sort: Annotated[
        str,
        Query(
            max_length=20,
            description=f"one of {sorted(PARTICIPANT_SORT_KEYS)}",
            json_schema_extra=sort_choices(PARTICIPANT_SORT_KEYS),
        ),
    ] = "name",
) -> Page[ParticipantRead]:
    """Active participants of the target's domain whose skills cover its required_skills."""
    return await service.list_candidates(
        db, user, target_id, parse_sort(sort, PARTICIPANT_SORT_KEYS), page
    )


@router.patch("/{target_id}", response_model=TargetRead, responses=WRITE | ROLE | UNSEEN)
async def update_target(target_id: UUID, body: TargetUpdate, user: Writer, db: Db) -> TargetRead:
    """Manager: change the fields sent; the others stay."""
    return await service.patch_target(db, user, target_id, body)


@router.delete(
    "/{target_id}", status_code=status.HTTP_204_NO_CONTENT, responses=READ | ROLE | UNSEEN
)
async def deactivate_target(target_id: UUID, user: Writer, db: Db) -> None:
    """Manager: soft delete, mark the target inactive (kept for history)."""
    await service.deactivate_target(db, user, target_id)


@router.delete(
    "/{target_id}/permanent",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=READ | UNSEEN | {409: described("Named in assignment details and force is not set")},
)
async def delete_target_permanently(
    target_id: UUID,
    user: AdminUser,
    db: Db,
    force: Annotated[
        bool, Query(description="also delete the assignment details naming this target")
    ] = False,
) -> None:
    """Admin: delete the row for good; 409 while assignments name it unless force=true."""
    await service.delete_target_permanently(db, user, target_id, force=force)
