"""/api/domains: CRUD of domains, their members, and the JSON Schema of their configuration."""

from typing import Annotated, Any
from uuid import UUID

from fastapi import Depends, Query, Response, status
from pydantic import TypeAdapter

from vividshift.auth.deps import AdminUser, Reader, Writer
from vividshift.db import Db
from vividshift.domains import service
from vividshift.domains.schemas import (
    SORT_KEYS,
    BusinessRules,
    DomainConfiguration,
    DomainCreate,
    DomainRead,
    DomainUpdate,
    MemberCreate,
    MemberRead,
)
from vividshift.http.openapi import (
    AUTH,
    CONFLICT,
    READ,
    WRITE,
    Responses,
    described,
)
from vividshift.http.paging import Page, PageParams, page_params, parse_sort, sort_choices
from vividshift.http.routing import api_router
from vividshift.idempotency.service import IdempotencyKey, with_replay_header

router = api_router(prefix="/api/domains", tags=["domains"])

Paging = Annotated[PageParams, Depends(page_params)]
UNSEEN: Responses = {404: described("No such domain, or one the caller is not a member of")}
KEPT: Responses = {422: described("Invalid input, or the domain `default` (kept as it is)")}
LAST_MANAGER: Responses = {
    422: described("Invalid input, or it would leave the domain without a manager")
}


@router.get("", response_model=Page[DomainRead], responses=READ)
async def list_domains(
    user: Reader,
    db: Db,
    page: Paging,
    active_only: Annotated[bool, Query(description="only is_active = true")] = False,
    sort: Annotated[
        str,
        Query(
            max_length=20,
            description=f"one of {sorted(SORT_KEYS)}; '-' descending",
            json_schema_extra=sort_choices(SORT_KEYS),
        ),
    ] = "name",
) -> Page[DomainRead]:
    """List the domains the caller sees (an admin: all), paged, with the total count."""
    return await service.list_domains(
        db, user, active_only=active_only, sort=parse_sort(sort, SORT_KEYS), page=page
    )


@router.post(
    "",
    response_model=DomainRead,
    status_code=status.HTTP_201_CREATED,
    responses=WRITE | CONFLICT,
)
async def create_domain(
    body: DomainCreate,
    user: Writer,
    db: Db,
    response: Response,
    idempotency_key: IdempotencyKey = None,
) -> DomainRead:
    """Create a domain, the caller its manager (unique name; Idempotency-Key accepted)."""
    return with_replay_header(
        response, await service.create_domain(db, user, body, idempotency_key)
    )


@router.get("/configuration-schema", responses=AUTH)
async def configuration_schema(_: Reader) -> dict[str, Any]:
    """The JSON Schemas that `configuration` and `business_rules` are validated against."""
    return {
        "configuration": DomainConfiguration.model_json_schema(),
        "business_rules": TypeAdapter(BusinessRules).json_schema(),
    }


@router.get("/{domain_id}", response_model=DomainRead, responses=READ | UNSEEN)
async def get_domain(domain_id: UUID, user: Reader, db: Db) -> DomainRead:
    """One domain the caller sees, active or not."""
    return await service.get_domain(db, user, domain_id)


@router.patch("/{domain_id}", response_model=DomainRead, responses=WRITE | UNSEEN | CONFLICT | KEPT)
async def update_domain(domain_id: UUID, body: DomainUpdate, user: Writer, db: Db) -> DomainRead:
    """Manager: change the fields sent; version set by the client or bumped on rule changes."""
    return await service.update_domain(db, user, domain_id, body)


@router.delete(
    "/{domain_id}", status_code=status.HTTP_204_NO_CONTENT, responses=READ | UNSEEN | KEPT
)
async def deactivate_domain(domain_id: UUID, user: Writer, db: Db) -> None:
    """Manager: soft delete, mark the domain inactive (definitions and entities stay)."""
    await service.deactivate_domain(db, user, domain_id)


@router.delete(
    "/{domain_id}/permanent",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=READ | UNSEEN | KEPT | {409: described("Assignments still reference the domain")},
)
async def delete_domain_permanently(domain_id: UUID, user: AdminUser, db: Db) -> None:
    """Admin: delete the domain with its definitions and entities; 409 while referenced."""
    await service.delete_domain_permanently(db, user, domain_id)


@router.get("/{domain_id}/members", response_model=list[MemberRead], responses=READ | UNSEEN)
async def list_members(domain_id: UUID, user: Reader, db: Db) -> list[MemberRead]:
    """The members of a domain the caller sees, with their roles and linked participants."""
    return await service.list_members(db, user, domain_id)


@router.post(
    "/{domain_id}/members",
    response_model=MemberRead,
    status_code=status.HTTP_201_CREATED,
    responses=WRITE
    | UNSEEN
    | LAST_MANAGER
    | {200: {"model": MemberRead, "description": "Was a member already: the role changed"}},
)
async def add_member(
    domain_id: UUID, body: MemberCreate, user: Writer, db: Db, response: Response
) -> MemberRead:
    """Manager: make an existing account (user_id or username) a member, or change its role.

    422 (BUSINESS_LOGIC_ERROR) when no active account matches, or when it would demote
    the last manager."""
    member, created = await service.add_member(db, user, domain_id, body)
    if not created:
        response.status_code = status.HTTP_200_OK
    return member


@router.delete(
    "/{domain_id}/members/{user_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=READ
    | {404: described("No such domain (or one the caller is not in), or no such member")}
    | LAST_MANAGER,
)
async def remove_member(domain_id: UUID, user_id: UUID, user: Writer, db: Db) -> None:
    """Manager (or the member themselves): end a membership; the last manager stays."""
    await service.remove_member(db, user, domain_id, user_id)
