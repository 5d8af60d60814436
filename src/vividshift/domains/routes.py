"""/api/domains: CRUD of domains, and the JSON Schema of their configuration."""

from typing import Annotated, Any
from uuid import UUID

from fastapi import Depends, Query, Response, status
from pydantic import TypeAdapter

from vividshift.auth.deps import AdminUser, Reader, Writer
from vividshift.db import Db
from vividshift.domains import service
from vividshift.domains.queries import SORT_KEYS
from vividshift.domains.schemas import (
    BusinessRules,
    DomainConfiguration,
    DomainCreate,
    DomainRead,
    DomainUpdate,
)
from vividshift.http.openapi import AUTH, CONFLICT, READ, READ_ONE, WRITE, WRITE_ONE, described
from vividshift.http.paging import Page, PageParams, page_params, parse_sort
from vividshift.http.routing import api_router
from vividshift.idempotency.service import IdempotencyKey, with_replay_header

router = api_router(prefix="/api/domains", tags=["domains"])

Paging = Annotated[PageParams, Depends(page_params)]


@router.get("", response_model=Page[DomainRead], responses=READ)
async def list_domains(
    _: Reader,
    db: Db,
    page: Paging,
    active_only: Annotated[bool, Query(description="only is_active = true")] = False,
    sort: Annotated[
        str, Query(max_length=20, description=f"one of {sorted(SORT_KEYS)}; '-' descending")
    ] = "name",
) -> Page[DomainRead]:
    """List domains, paged, with the total count."""
    return await service.list_domains(
        db, active_only=active_only, sort=parse_sort(sort, SORT_KEYS), page=page
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
    """Create a domain (unique name; Idempotency-Key accepted)."""
    return with_replay_header(
        response, await service.create_domain(db, user.id, body, idempotency_key)
    )


@router.get("/configuration-schema", responses=AUTH)
async def configuration_schema(_: Reader) -> dict[str, Any]:
    """The JSON Schemas that `configuration` and `business_rules` are validated against."""
    return {
        "configuration": DomainConfiguration.model_json_schema(),
        "business_rules": TypeAdapter(BusinessRules).json_schema(),
    }


@router.get("/{domain_id}", response_model=DomainRead, responses=READ_ONE)
async def get_domain(domain_id: UUID, _: Reader, db: Db) -> DomainRead:
    """One domain, active or not."""
    return await service.get_domain(db, domain_id)


@router.patch("/{domain_id}", response_model=DomainRead, responses=WRITE_ONE | CONFLICT)
async def update_domain(domain_id: UUID, body: DomainUpdate, user: Writer, db: Db) -> DomainRead:
    """Change the fields sent; version set by the client or bumped on rule changes."""
    return await service.update_domain(db, user.id, domain_id, body)


@router.delete("/{domain_id}", status_code=status.HTTP_204_NO_CONTENT, responses=READ_ONE)
async def deactivate_domain(domain_id: UUID, user: Writer, db: Db) -> None:
    """Soft delete: mark the domain inactive (definitions and entities stay)."""
    await service.deactivate_domain(db, user.id, domain_id)


@router.delete(
    "/{domain_id}/permanent",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=READ_ONE | {409: described("Assignments still reference the domain")},
)
async def delete_domain_permanently(domain_id: UUID, user: AdminUser, db: Db) -> None:
    """Admin: delete the domain with its definitions and entities; 409 while referenced."""
    await service.delete_domain_permanently(db, user.id, domain_id)
