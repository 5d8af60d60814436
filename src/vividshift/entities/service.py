"""The compatible `/api/entities/{entity_type}` endpoints of spec/API.md.

Types:
- `participant` → the `participants` table. Known keys go to their columns: `email`,
  `phone`, `skills`, `availability`, `preferences`, `is_active`; every other key (e.g.
  `group`) is kept in `metadata` and comes back inside `attributes`. The predecessor's
  boolean `availability` maps to the native shape: on create `true` → `{"available":
  true}`, `false` → `{"available": false}` (away altogether, as the engine reads it);
  on update the boolean sets only the `available` key of the stored availability (its
  weekly slots and absences stay). An object is taken as it is, as on the native API.
  Attributes answer the stored (native) shape.
- `assignment_target` → `assignment_targets`: `description`, `required_count`,
  `required_skills`, `constraints`, `is_active`; other keys in `metadata`.
- any other name → an active entity definition of an active domain. Names are unique
  per domain only: when several domains define the type, pass `?domain=<domain name>`,
  else 422. Attributes are validated against the definition's JSON Schema.
Domains: `participant` and `assignment_target` rows are created in, and listed from,
the domain `default` (or the one `?domain=` names); by id they follow the native rules
(404 for a row of a domain the caller does not see, 403 without the role). Other types
are found among the domains the caller sees; writing their entities needs `manager`.
Responses are `{id, name, entity_type, attributes, created_at}`; lists are a JSON array
(active entities unless `active_only=false`), paged by `limit`/`offset`, with the total
count in the `X-Total-Count` header. `DELETE` is a soft delete (`is_active=false`),
like the native endpoints. Column values in `attributes` win over metadata keys of the
same name (which only the native API can write).
"""

from typing import Any, TypeVar
from uuid import UUID

from pydantic import BaseModel, ValidationError

from vividshift.auth.deps import Principal
from vividshift.db import Connection, transaction
from vividshift.domains.access import DEFAULT_DOMAIN, domain_access, visible_domain_ids
from vividshift.entities import queries
from vividshift.entities.definitions import schema_errors
from vividshift.entities.rows import EntityRow, FoundDefinition, TypedEntity
from vividshift.entities.schemas import EntityCreate, EntityRead, EntityUpdate
from vividshift.errors import NotFound, ValidationFailed
from vividshift.http.paging import PageParams, Sort
from vividshift.idempotency.service import run_idempotent
from vividshift.participants import queries as participant_queries
from vividshift.participants import service as participants
from vividshift.participants.schemas import (
    ParticipantCreate,
    ParticipantFilters,
    ParticipantRead,
    ParticipantUpdate,
)
from vividshift.patching import merge_patch_or_reject
from vividshift.targets import service as targets
from vividshift.targets.schemas import TargetCreate, TargetRead, TargetUpdate

PARTICIPANT = "participant"
TARGET = "assignment_target"
PARTICIPANT_COLUMNS = ("email", "phone", "skills", "availability", "preferences", "is_active")
TARGET_COLUMNS = ("description", "required_count", "required_skills", "constraints", "is_active")
BY_NAME = Sort("name", descending=False)

M = TypeVar("M", bound=BaseModel)


def _split(attributes: dict[str, Any], columns: tuple[str, ...]) -> tuple[dict, dict]:
    known = {k: v for k, v in attributes.items() if k in columns}
    extra = {k: v for k, v in attributes.items() if k not in columns}
    return known, extra


def _availability(known: dict[str, Any], current: dict[str, Any] | None = None) -> dict:
    """`known` with a boolean availability (the predecessor's) in the native shape:
    `{"available": <bool>}` merged into `current` (the stored availability)."""
    value = known.get("availability")
    if not isinstance(value, bool):
        return known
    return known | {"availability": dict(current or {}) | {"available": value}}


def _build(model: type[M], values: dict[str, Any]) -> M:
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        details = [{"loc": list(e["loc"]), "msg": e["msg"]} for e in exc.errors(include_url=False)]
        raise ValidationFailed("Validation failed", details=details) from None


def from_participant(p: ParticipantRead) -> EntityRead:
    columns = {k: getattr(p, k) for k in PARTICIPANT_COLUMNS}
    return EntityRead(
        id=p.id,
        name=p.name,
        entity_type=PARTICIPANT,
        attributes=p.metadata | columns,
        created_at=p.created_at,
    )


def from_target(t: TargetRead) -> EntityRead:
    columns = {k: getattr(t, k) for k in TARGET_COLUMNS}
    return EntityRead(
        id=t.id,
        name=t.name,
        entity_type=TARGET,
        attributes=t.metadata | columns,
        created_at=t.created_at,
    )


def _from_entity(row: EntityRow, type_name: str) -> EntityRead:
    return EntityRead(
        id=row.id,
        name=row.name,
        entity_type=type_name,
        attributes=row.attributes,
        created_at=row.created_at,
    )


def _actor(caller: Principal | None) -> UUID | None:
    return caller.id if caller is not None else None


async def _definition(
    conn: Connection, caller: Principal | None, type_name: str, domain: str | None
) -> FoundDefinition:
    """The definition of the type among the domains the caller sees."""
    visible = await visible_domain_ids(conn, caller)
    found = await queries.find_definitions(conn, type_name, domain, visible)
    if not found:
        raise NotFound("Unknown entity type", details={"entity_type": type_name})
    if len(found) > 1:
        raise ValidationFailed(
            "Entity type defined in several domains",
            details=f"pass ?domain= one of {[d.domain_name for d in found]}",
        )
    return found[0]


def _check_schema(schema: dict[str, Any], attributes: dict[str, Any]) -> None:
    errors = schema_errors(schema, attributes)
    if errors:
        raise ValidationFailed("Attributes do not match the entity type's schema", details=errors)


async def create_entity(
    conn: Connection,
    caller: Principal | None,
    type_name: str,
    body: EntityCreate,
    *,
    domain: str | None = None,
    idempotency_key: str | None = None,
) -> tuple[EntityRead, bool]:
    """Create an entity of any type from a flat body."""
    attributes = body.attributes()
    actor = _actor(caller)
    where = {"domain": domain} if domain is not None else {}
    if type_name == PARTICIPANT:
        known, extra = _split(attributes, PARTICIPANT_COLUMNS)
        known = _availability(known)
        p_body = _build(ParticipantCreate, {"name": body.name, **known, "metadata": extra} | where)
        created, replayed = await participants.create_participant(
            conn, caller, p_body, idempotency_key
        )
        return from_participant(created), replayed
    if type_name == TARGET:
        known, extra = _split(attributes, TARGET_COLUMNS)
        t_body = _build(TargetCreate, {"name": body.name, **known, "metadata": extra} | where)
        created_t, replayed = await targets.create_target(conn, caller, t_body, idempotency_key)
        return from_target(created_t), replayed

    async with transaction(conn, acting_user=actor):
        definition = await _definition(conn, caller, type_name, domain)
        (await domain_access(conn, caller, definition.domain_id)).require("manager")
        _check_schema(definition.json_schema, attributes)

        async def create() -> EntityRead:
            row = await queries.insert_entity(conn, definition.id, body.name, attributes, actor)
            return _from_entity(row, type_name)

        return await run_idempotent(
            conn,
            idempotency_key,
            user_id=actor,
            scope=f"entities.{definition.id}.create",
            body=body.model_dump(mode="json"),
            model=EntityRead,
            create=create,
        )


async def list_entities(
    conn: Connection,
    caller: Principal | None,
    type_name: str,
    *,
    domain: str | None,
    active_only: bool,
    page: PageParams,
) -> tuple[list[EntityRead], int]:
    """(a page of entities of the type, total count)."""
    if type_name == PARTICIPANT:
        result = await participants.list_participants(
            conn,
            caller,
            ParticipantFilters(active_only=active_only),
            BY_NAME,
            page,
            domain=domain or DEFAULT_DOMAIN,
        )
        return [from_participant(p) for p in result.items], result.total
    if type_name == TARGET:
        t_result = await targets.list_targets(
            conn,
            caller,
            domain=domain or DEFAULT_DOMAIN,
            active_only=active_only,
            requires_skill=None,
            name_contains=None,
            sort=BY_NAME,
            page=page,
        )
        return [from_target(t) for t in t_result.items], t_result.total
    definition = await _definition(conn, caller, type_name, domain)
    rows, total = await queries.list_entities(
        conn, definition.id, active_only=active_only, page=page
    )
    return [_from_entity(r, type_name) for r in rows], total


def _entity_not_found(type_name: str, entity_id: UUID) -> NotFound:
    return NotFound("Entity not found", details={"entity_type": type_name, "id": str(entity_id)})


async def _entity(
    conn: Connection,
    caller: Principal | None,
    type_name: str,
    entity_id: UUID,
    domain: str | None,
    *,
    write: bool = False,
) -> TypedEntity:
    """An entity of a domain the caller sees (404 otherwise); `write`: a manager's."""
    row = await queries.get_entity_of_type(
        conn,
        entity_id,
        type_name,
        domain,
        lock=write,
        domain_ids=await visible_domain_ids(conn, caller),
    )
    if row is None:
        raise _entity_not_found(type_name, entity_id)
    if write:
        (await domain_access(conn, caller, row.domain_id)).require("manager")
    return row


async def get_entity(
    conn: Connection,
    caller: Principal | None,
    type_name: str,
    entity_id: UUID,
    *,
    domain: str | None = None,
) -> EntityRead:
    """One entity of the type, active or not."""
    if type_name == PARTICIPANT:
        return from_participant(await participants.get_participant(conn, caller, entity_id))
    if type_name == TARGET:
        return from_target(await targets.get_target(conn, caller, entity_id))
    row = await queries.get_entity_of_type(
        conn, entity_id, type_name, domain, domain_ids=await visible_domain_ids(conn, caller)
    )
    if row is None:
        raise _entity_not_found(type_name, entity_id)
    return _from_entity(row, type_name)


async def update_entity(
    conn: Connection,
    caller: Principal | None,
    type_name: str,
    entity_id: UUID,
    body: EntityUpdate,
    *,
    domain: str | None = None,
) -> EntityRead:
    """Partial flat update: keys sent replace, attributes set to null are removed."""
    actor = _actor(caller)
    attributes = body.attributes()
    name = {"name": body.name} if "name" in body.model_fields_set else {}
    if type_name == PARTICIPANT:
        known, extra = _split(attributes, PARTICIPANT_COLUMNS)
        async with transaction(conn, acting_user=actor):
            if isinstance(known.get("availability"), bool):
                await participant_queries.lock_participant(conn, entity_id)
                current = await participants.get_participant(conn, caller, entity_id)
                known = _availability(known, current.availability)
            p_changes = _build(ParticipantUpdate, name | known)
            return from_participant(
                await participants.update_participant_and_metadata(
                    conn, caller, entity_id, p_changes, extra
                )
            )
    if type_name == TARGET:
        known, extra = _split(attributes, TARGET_COLUMNS)
        t_changes = _build(TargetUpdate, name | known)
        return from_target(
            await targets.update_target_and_metadata(conn, caller, entity_id, t_changes, extra)
        )
    async with transaction(conn, acting_user=actor):
        row = await _entity(conn, caller, type_name, entity_id, domain, write=True)
        changes: dict[str, Any] = dict(name)
        if attributes:
            changes["attributes"] = merge_patch_or_reject(
                row.attributes, attributes, "Invalid attributes"
            )
            _check_schema(row.json_schema, changes["attributes"])
        updated: EntityRow | None = row
        if changes:
            updated = await queries.update_entity(conn, entity_id, changes)
    assert updated is not None
    return _from_entity(updated, type_name)


async def delete_entity(
    conn: Connection,
    caller: Principal | None,
    type_name: str,
    entity_id: UUID,
    *,
    domain: str | None = None,
) -> None:
    """Soft delete (is_active = false), for every type."""
    if type_name == PARTICIPANT:
        await participants.deactivate_participant(conn, caller, entity_id)
        return
    if type_name == TARGET:
        await targets.deactivate_target(conn, caller, entity_id)
        return
    async with transaction(conn, acting_user=_actor(caller)):
        await _entity(conn, caller, type_name, entity_id, domain, write=True)
        await queries.update_entity(conn, entity_id, {"is_active": False})
