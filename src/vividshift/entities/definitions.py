"""Entity definition use-cases (per domain); each one is one transaction.

Decisions: deleting a definition is refused with 409 while entities of that type exist
(deactivate it instead, `is_active=false`, which hides the type from /api/entities);
changing `json_schema` is refused with 422 while an existing entity would fail it.
Readers of the domain read its definitions; changing them needs `manager` there; a
domain the caller does not see is 404 (`vividshift.domains.access`).
"""

import re
from typing import Any
from uuid import UUID

from jsonschema import validators
from referencing.exceptions import Unresolvable

from vividshift.auth.deps import Principal
from vividshift.db import Connection, transaction
from vividshift.domains.access import DomainRole, domain_access
from vividshift.entities import queries
from vividshift.entities.rows import DefinitionRow
from vividshift.entities.schemas import DefinitionCreate, DefinitionRead, DefinitionUpdate
from vividshift.errors import BusinessRuleViolation, Conflict, NotFound
from vividshift.http.paging import Page, PageParams
from vividshift.idempotency.service import run_idempotent

MAX_REPORTED_ERRORS = 20


def schema_errors(schema: dict[str, Any], attributes: dict[str, Any]) -> list[dict[str, str]]:
    """Where and why `attributes` fail `schema` (empty when valid)."""
    cls = validators.validator_for(schema, default=validators.Draft202012Validator)
    try:
        errors = list(cls(schema).iter_errors(attributes))
    except (Unresolvable, re.error, RecursionError) as exc:
        raise BusinessRuleViolation(
            "The entity type's JSON Schema cannot be applied", details=str(exc)[:300]
        ) from None
    errors.sort(key=lambda e: e.json_path)
    return [{"path": e.json_path, "msg": e.message[:300]} for e in errors[:MAX_REPORTED_ERRORS]]


async def _domain_allows(
    conn: Connection, caller: Principal | None, domain_id: UUID, needed: DomainRole
) -> None:
    """404 for a domain the caller does not see; 403 without the role `needed`."""
    try:
        access = await domain_access(conn, caller, domain_id)
    except NotFound:
        raise NotFound("Domain not found", details={"id": str(domain_id)}) from None
    access.require(needed)


def _actor(caller: Principal | None) -> UUID | None:
    return caller.id if caller is not None else None


def _not_found(definition_id: UUID) -> NotFound:
    return NotFound("Entity definition not found", details={"id": str(definition_id)})


async def create_definition(
    conn: Connection,
    caller: Principal | None,
    domain_id: UUID,
    body: DefinitionCreate,
    idempotency_key: str | None = None,
) -> tuple[DefinitionRead, bool]:
    """Define an entity type in a domain; 404 for an unknown domain, 409 for a taken name."""
    actor = _actor(caller)

    async def create() -> DefinitionRead:
        row = await queries.insert_definition(conn, domain_id, body.model_dump(), actor)
        return DefinitionRead.model_validate(row)

    async with transaction(conn, acting_user=actor):
        await _domain_allows(conn, caller, domain_id, "manager")
        return await run_idempotent(
            conn,
            idempotency_key,
            user_id=actor,
            scope=f"domains.{domain_id}.definitions.create",
            body=body.model_dump(mode="json"),
            model=DefinitionRead,
            create=create,
        )


async def get_definition(
    conn: Connection, caller: Principal | None, domain_id: UUID, definition_id: UUID
) -> DefinitionRead:
    """One definition of a domain."""
    await _domain_allows(conn, caller, domain_id, "viewer")
    row = await queries.get_definition(conn, domain_id, definition_id)
    if row is None:
        raise _not_found(definition_id)
    return DefinitionRead.model_validate(row)


async def list_definitions(
    conn: Connection, caller: Principal | None, domain_id: UUID, page: PageParams
) -> Page[DefinitionRead]:
    """The domain's definitions, by name."""
    await _domain_allows(conn, caller, domain_id, "viewer")
    rows, total = await queries.list_definitions(conn, domain_id, page)
    return Page[DefinitionRead](
        items=[DefinitionRead.model_validate(r) for r in rows],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )


async def update_definition(
    conn: Connection,
    caller: Principal | None,
    domain_id: UUID,
    definition_id: UUID,
    body: DefinitionUpdate,
) -> DefinitionRead:
    """Partial update; a new schema must accept every existing entity of the type."""
    changes = body.model_dump(exclude_unset=True)
    async with transaction(conn, acting_user=_actor(caller)):
        await _domain_allows(conn, caller, domain_id, "manager")
        current = await queries.get_definition(conn, domain_id, definition_id, lock=True)
        if current is None:
            raise _not_found(definition_id)
        if "json_schema" in changes and changes["json_schema"] != current.json_schema:
            failing = []
            for entity in await queries.entity_attributes(conn, definition_id):
                errors = schema_errors(changes["json_schema"], entity.attributes)
                if errors:
                    failing.append({"id": str(entity.id), "errors": errors[:3]})
                    if len(failing) >= MAX_REPORTED_ERRORS:
                        break
            if failing:
                raise BusinessRuleViolation(
                    "Existing entities do not satisfy the new schema", details=failing
                )
        row: DefinitionRow | None = current
        if changes:
            row = await queries.update_definition(conn, definition_id, changes)
    assert row is not None
    return DefinitionRead.model_validate(row)


async def delete_definition(
    conn: Connection, caller: Principal | None, domain_id: UUID, definition_id: UUID
) -> None:
    """Delete a definition that no entity uses; 409 otherwise."""
    async with transaction(conn, acting_user=_actor(caller)):
        await _domain_allows(conn, caller, domain_id, "manager")
        if await queries.get_definition(conn, domain_id, definition_id, lock=True) is None:
            raise _not_found(definition_id)
        used = await queries.count_entities(conn, definition_id)
        if used:
            raise Conflict(
                "Entities of this type exist",
                details=f"{used} entit(y/ies) use this definition; deactivate it instead",
            )
        await queries.delete_definition(conn, definition_id)
