"""Entity definitions of a domain, and the compatible /api/entities/{entity_type} API."""

from typing import Annotated
from uuid import UUID

from fastapi import Depends, Path, Query, Response, status

from vividshift.auth.deps import Reader, Writer
from vividshift.db import Db
from vividshift.entities import definitions, service
from vividshift.entities.schemas import (
    DefinitionCreate,
    DefinitionRead,
    DefinitionUpdate,
    EntityCreate,
    EntityRead,
    EntityUpdate,
)
from vividshift.http.openapi import CONFLICT, READ_ONE, WRITE_ONE, Responses, described
from vividshift.http.paging import Page, PageParams, page_params
from vividshift.http.routing import api_router
from vividshift.idempotency.service import IdempotencyKey, with_replay_header

definitions_router = api_router(
    prefix="/api/domains/{domain_id}/entity-definitions", tags=["entity definitions"]
)
entities_router = api_router(prefix="/api/entities", tags=["entities (compatible)"])

Paging = Annotated[PageParams, Depends(page_params)]
EntityType = Annotated[
    str,
    Path(
        max_length=100,
        pattern=r"^[a-z][a-z0-9_]*$",
        description="participant, assignment_target, or a type a domain defines",
    ),
]
DomainQuery = Annotated[
    str | None,
    Query(
        max_length=100,
        description="domain name; needed when several domains define the type. For "
        "participant and assignment_target: the domain whose rows a list shows and a "
        "create writes to (default `default`)",
    ),
]
AMBIGUOUS: Responses = {422: described("Invalid input, or the type is defined in several domains")}


@definitions_router.get("", response_model=Page[DefinitionRead], responses=READ_ONE)
async def list_definitions(
    domain_id: UUID, user: Reader, db: Db, page: Paging
) -> Page[DefinitionRead]:
    """The entity types a domain defines."""
    return await definitions.list_definitions(db, user, domain_id, page)


@definitions_router.post(
    "",
    response_model=DefinitionRead,
    status_code=status.HTTP_201_CREATED,
    responses=WRITE_ONE | CONFLICT,
)
async def create_definition(
    domain_id: UUID,
    body: DefinitionCreate,
    user: Writer,
    db: Db,
    response: Response,
    idempotency_key: IdempotencyKey = None,
) -> DefinitionRead:
    """Define an entity type (name unique in the domain) with a JSON Schema."""
    return with_replay_header(
        response, await definitions.create_definition(db, user, domain_id, body, idempotency_key)
    )


@definitions_router.get("/{definition_id}", response_model=DefinitionRead, responses=READ_ONE)
async def get_definition(
    domain_id: UUID, definition_id: UUID, user: Reader, db: Db
) -> DefinitionRead:
    """One entity definition."""
    return await definitions.get_definition(db, user, domain_id, definition_id)


@definitions_router.patch(
    "/{definition_id}", response_model=DefinitionRead, responses=WRITE_ONE | CONFLICT
)
async def update_definition(
    domain_id: UUID, definition_id: UUID, body: DefinitionUpdate, user: Writer, db: Db
) -> DefinitionRead:
    """Change a definition; a new schema must accept the existing entities (else 422)."""
    return await definitions.update_definition(db, user, domain_id, definition_id, body)


@definitions_router.delete(
    "/{definition_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=READ_ONE | {409: described("Entities of this type exist")},
)
async def delete_definition(domain_id: UUID, definition_id: UUID, user: Writer, db: Db) -> None:
    """Delete a definition no entity uses (409 otherwise: deactivate it instead)."""
    await definitions.delete_definition(db, user, domain_id, definition_id)


@entities_router.get(
    "/{entity_type}",
    response_model=list[EntityRead],
    responses=READ_ONE | AMBIGUOUS,
)
async def list_entities(
    entity_type: EntityType,
    user: Reader,
    db: Db,
    page: Paging,
    response: Response,
    domain: DomainQuery = None,
    active_only: Annotated[bool, Query(description="only active entities")] = True,
) -> list[EntityRead]:
    """List entities of a type (a JSON array; total count in X-Total-Count)."""
    items, total = await service.list_entities(
        db, user, entity_type, domain=domain, active_only=active_only, page=page
    )
    response.headers["X-Total-Count"] = str(total)
    return items


@entities_router.post(
    "/{entity_type}",
    response_model=EntityRead,
    status_code=status.HTTP_201_CREATED,
    responses=WRITE_ONE | AMBIGUOUS,
)
async def create_entity(
    entity_type: EntityType,
    body: EntityCreate,
    user: Writer,
    db: Db,
    response: Response,
    domain: DomainQuery = None,
    idempotency_key: IdempotencyKey = None,
) -> EntityRead:
    """Create an entity from a flat body (Idempotency-Key accepted)."""
    return with_replay_header(
        response,
        await service.create_entity(
            db, user, entity_type, body, domain=domain, idempotency_key=idempotency_key
        ),
    )


@entities_router.get("/{entity_type}/{entity_id}", response_model=EntityRead, responses=READ_ONE)
async def get_entity(
    entity_type: EntityType, entity_id: UUID, user: Reader, db: Db, domain: DomainQuery = None
) -> EntityRead:
    """One entity of a type."""
    return await service.get_entity(db, user, entity_type, entity_id, domain=domain)


@entities_router.put("/{entity_type}/{entity_id}", response_model=EntityRead, responses=WRITE_ONE)
async def update_entity(
    entity_type: EntityType,
    entity_id: UUID,
    body: EntityUpdate,
    user: Writer,
    db: Db,
    domain: DomainQuery = None,
) -> EntityRead:
    """Partial flat update (keys sent replace; an attribute set to null is removed)."""
    return await service.update_entity(db, user, entity_type, entity_id, body, domain=domain)


@entities_router.delete(
    "/{entity_type}/{entity_id}", status_code=status.HTTP_204_NO_CONTENT, responses=READ_ONE
)
async def delete_entity(
    entity_type: EntityType, entity_id: UUID, user: Writer, db: Db, domain: DomainQuery = None
) -> None:
    """Soft delete: the entity is marked inactive."""
    await service.delete_entity(db, user, entity_type, entity_id, domain=domain)
