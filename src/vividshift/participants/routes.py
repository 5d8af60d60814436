"""/api/participants: CRUD, filtered lists, bulk import."""

import json
from typing import Annotated, Any
from uuid import UUID

from fastapi import Depends, Query, Request, Response, status

from vividshift.auth.deps import AdminUser, Reader, Writer
from vividshift.bulk_import import parse_rows
from vividshift.db import Db
from vividshift.errors import ValidationFailed
from vividshift.fields import MAX_IMPORT_ROWS, MAX_SKILL_LENGTH, MAX_SKILLS
from vividshift.http.openapi import READ, WRITE, Responses, described
from vividshift.http.paging import Page, PageParams, page_params, parse_sort, sort_choices
from vividshift.http.read_cache import read_through
from vividshift.http.routing import api_router
from vividshift.idempotency.service import IdempotencyKey, with_replay_header
from vividshift.participants import service
from vividshift.participants.schemas import (
    SORT_KEYS,
    ImportResult,
    ParticipantCreate,
    ParticipantFilters,
    ParticipantRead,
    ParticipantUpdate,
    check_availability,
)

router = api_router(prefix="/api/participants", tags=["participants"])

IMPORT_BODY = {
    "required": True,
    "content": {
        "application/json": {
            "schema": {
                "type": "array",
                "minItems": 1,  # no rows: 422
                "maxItems": MAX_IMPORT_ROWS,
                "items": {"$ref": "#/components/schemas/ParticipantCreate"},
            }
        },
        "text/csv": {
            "schema": {"type": "string"},
            "example": "name,email,skills,availability\n"
            'Ana,ana@example.org,cleaning;cooking,"{""monday"": {""9:00"": ""available""}}"\n',
        },
    },
}


async def participant_filters(
    has_skill: Annotated[
        str | None,
        Query(min_length=1, max_length=MAX_SKILL_LENGTH, description="skills ? has_skill"),
    ] = None,
    has_all_skills: Annotated[
        list[str] | None,
        Query(max_length=MAX_SKILLS, description="repeatable; skills @> [all given]"),
    ] = None,
    available: Annotated[
        str | None,
        Query(
            max_length=2000,
            description='JSON fragment; availability @> it, e.g. {"monday":{"9:00":"available"}}',
        ),
    ] = None,
    active_only: Annotated[bool, Query(description="only is_active = true")] = True,
    q: Annotated[
        str | None, Query(min_length=1, max_length=200, description="name contains (any case)")
    ] = None,
) -> ParticipantFilters:
    return ParticipantFilters(
        has_skill=has_skill,
        has_all_skills=list(dict.fromkeys(has_all_skills or [])),
        availability=parse_availability_filter(available),
        active_only=active_only,
        name_contains=q,
    )


def parse_availability_filter(raw: str | None) -> dict[str, Any] | None:
    if raw is None:
        return None
    try:
        value = json.loads(raw)
    except (ValueError, RecursionError):
        raise ValidationFailed("available must be a JSON object") from None
    if not isinstance(value, dict):
        raise ValidationFailed("available must be a JSON object")
    try:
        return check_availability(value)
    except ValueError as exc:
        raise ValidationFailed("Invalid availability filter", details=str(exc)) from None


SortParam = Annotated[
    str,
    Query(
        max_length=20,
        description=f"one of {sorted(SORT_KEYS)}; prefix '-' for descending",
        json_schema_extra=sort_choices(SORT_KEYS),
    ),
]
Filters = Annotated[ParticipantFilters, Depends(participant_filters)]
Paging = Annotated[PageParams, Depends(page_params)]
DomainParam = Annotated[
    str | None,
    Query(
        min_length=1,
        max_length=100,
        description="a domain's name or id: only its participants (default: every domain "
        "the caller is a member of, and `default`)",
    ),
]
UNSEEN_DOMAIN: Responses = {404: described("No such domain, or one the caller is not in")}
UNSEEN: Responses = {404: described("No such participant, or one of a domain the caller is not in")}
ROLE: Responses = {
    403: described(
        "The role may not do this (in the participant's domain: `manager`, or a `member` "
        "changing the availability and preferences of their own participant)"
    )
}
LINK: Responses = {
    409: described("The account (user_id) is linked to another participant of the domain"),
    422: described("Invalid input, or no account with this user_id"),
}


@router.get("", response_model=Page[ParticipantRead], responses=READ | UNSEEN_DOMAIN)
async def list_participants(
    request: Request,
    user: Reader,
    db: Db,
    filters: Filters,
    page: Paging,
    sort: SortParam = "name",
    domain: DomainParam = None,
) -> Response:
    """List participants of one domain or of all the caller sees: filters combine with
    AND; paged, with the total count."""
    # The body is built in PostgreSQL in the shape of the documented response_model;
    # kept by the opt-in read cache until a change or the TTL.
    order = parse_sort(sort, SORT_KEYS)
    body = await read_through(
        request,
        user,
        ("participants", filters, order, page, domain),
        lambda: service.list_participants_json(db, user, filters, order, page, domain=domain),
    )
    return Response(content=body, media_type="application/json")


@router.post(
    "",
    response_model=ParticipantRead,
    status_code=status.HTTP_201_CREATED,
    responses=WRITE | ROLE | UNSEEN_DOMAIN | LINK,
)
async def create_participant(
    body: ParticipantCreate,
    user: Writer,
    db: Db,
    response: Response,
    idempotency_key: IdempotencyKey = None,
) -> ParticipantRead:
    """Create a participant in `domain` (default `default`; needs `manager` there;
    Idempotency-Key accepted)."""
    return with_replay_header(
        response, await service.create_participant(db, user, body, idempotency_key)
    )


@router.post(
    "/import",
    response_model=ImportResult,
    status_code=status.HTTP_201_CREATED,
    openapi_extra={"requestBody": IMPORT_BODY},
    responses=WRITE
    | ROLE
    | UNSEEN_DOMAIN
    | LINK
    | {415: described("Neither application/json nor text/csv")},
)
async def import_participants(
    request: Request,
    user: Writer,
    db: Db,
    response: Response,
    idempotency_key: IdempotencyKey = None,
    domain: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=100,
            description="the domain (name or id) of rows that name none (default `default`)",
        ),
    ] = None,
) -> ImportResult:
    """Import up to 10 000 participants from JSON or CSV, all or nothing.

    Each row goes to its `domain` column, else to `?domain=`, else to `default`; the
    caller needs `manager` in each. On any bad row nothing is written; the 422 body's
    `details` lists every bad row (`row`, 1-based) with its errors."""
    rows = parse_rows(
        await request.body(),
        request.headers.get("content-type", ""),
        list_fields=frozenset({"skills"}),
        json_fields=frozenset({"availability", "preferences", "metadata"}),
    )
    return with_replay_header(
        response,
        await service.import_participants(
            db, user, rows, domain=domain, idempotency_key=idempotency_key
        ),
    )


@router.get("/{participant_id}", response_model=ParticipantRead, responses=READ | UNSEEN)
async def get_participant(participant_id: UUID, user: Reader, db: Db) -> ParticipantRead:
    """One participant of a domain the caller sees, active or not."""
    return await service.get_participant(db, user, participant_id)


@router.patch(
    "/{participant_id}",
    response_model=ParticipantRead,
    responses=WRITE | ROLE | UNSEEN | LINK,
)
async def update_participant(
    participant_id: UUID, body: ParticipantUpdate, user: Writer, db: Db
) -> ParticipantRead:
    """Change the fields sent; the others stay (a manager; a member: their own
    availability and preferences)."""
    return await service.patch_participant(db, user, participant_id, body)


@router.delete(
    "/{participant_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=READ | ROLE | UNSEEN,
)
async def deactivate_participant(participant_id: UUID, user: Writer, db: Db) -> None:
    """Soft delete (a manager): mark the participant inactive (kept for history)."""
    await service.deactivate_participant(db, user, participant_id)


@router.delete(
    "/{participant_id}/permanent",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=READ | UNSEEN | {409: described("Named in assignment details and force is not set")},
)
async def delete_participant_permanently(
    participant_id: UUID,
    user: AdminUser,
    db: Db,
    force: Annotated[
        bool, Query(description="also delete the assignment details naming this participant")
    ] = False,
) -> None:
    """Admin: delete the row for good; 409 while assignments name it unless force=true."""
    await service.delete_participant_permanently(db, user, participant_id, force=force)
