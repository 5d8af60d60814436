"""SQL of entity definitions and entities."""

from typing import Any
from uuid import UUID

import psycopg.errors
from psycopg.types.json import Jsonb

from vividshift.db import Connection, fetch_all, fetch_one
from vividshift.entities.rows import (
    CountedDefinition,
    CountedEntity,
    DefinitionRow,
    EntityAttributes,
    EntityRow,
    FoundDefinition,
    TypedEntity,
)
from vividshift.errors import Conflict
from vividshift.http.paging import PageParams

DEFINITION_COLUMNS = ("name", "display_name", "description", "json_schema", "is_active")
DEFINITION_ROW = (
    "id, domain_id, name, display_name, description, json_schema, is_active, created_by,"
    " created_at, updated_at"
)
ENTITY_ROW = (
    "id, entity_definition_id, name, attributes, is_active, created_by, created_at, updated_at"
)


def _duplicate(name: str | None) -> Conflict:
    return Conflict("This domain already defines an entity type of that name", details=name)


async def insert_definition(
    conn: Connection, domain_id: UUID, values: dict[str, Any], created_by: UUID | None
) -> DefinitionRow:
    columns = [c for c in DEFINITION_COLUMNS if c in values]
    params = {k: Jsonb(v) if k == "json_schema" else v for k, v in values.items()}
    try:
        row = await fetch_one(
            conn,
            DefinitionRow,
            f"INSERT INTO entity_definitions (domain_id, {', '.join(columns)}, created_by)"
            f" VALUES (%(domain_id)s, {', '.join(f'%({c})s' for c in columns)},"
            f" %(created_by)s) RETURNING {DEFINITION_ROW}",
            params | {"domain_id": domain_id, "created_by": created_by},
        )
    except psycopg.errors.UniqueViolation:
        raise _duplicate(values.get("name")) from None
    assert row is not None
    return row


async def get_definition(
    conn: Connection, domain_id: UUID, definition_id: UUID, *, lock: bool = False
) -> DefinitionRow | None:
    return await fetch_one(
        conn,
        DefinitionRow,
        f"SELECT {DEFINITION_ROW} FROM entity_definitions WHERE id = %s AND domain_id = %s"
        + (" FOR UPDATE" if lock else ""),
        (definition_id, domain_id),
    )


async def list_definitions(
    conn: Connection, domain_id: UUID, page: PageParams
) -> tuple[list[CountedDefinition], int]:
    rows = await fetch_all(
        conn,
        CountedDefinition,
        f"SELECT {DEFINITION_ROW}, count(*) OVER () AS total FROM entity_definitions"
        " WHERE domain_id = %s ORDER BY name, id LIMIT %s OFFSET %s",
        (domain_id, page.limit, page.offset),
    )
    if rows:
        return rows, rows[0].total
    cur = await conn.execute(
        "SELECT count(*) AS n FROM entity_definitions WHERE domain_id = %s", (domain_id,)
    )
    total = await cur.fetchone()
    return rows, total["n"] if total else 0


async def update_definition(
    conn: Connection, definition_id: UUID, changes: dict[str, Any]
) -> DefinitionRow | None:
    assignments = ", ".join(f"{c} = %({c})s" for c in DEFINITION_COLUMNS if c in changes)
    params = {k: Jsonb(v) if k == "json_schema" else v for k, v in changes.items()}
    try:
        return await fetch_one(
            conn,
            DefinitionRow,
            f"UPDATE entity_definitions SET {assignments} WHERE id = %(id)s"
            f" RETURNING {DEFINITION_ROW}",
            params | {"id": definition_id},
        )
    except psycopg.errors.UniqueViolation:
        raise _duplicate(changes.get("name")) from None


async def delete_definition(conn: Connection, definition_id: UUID) -> bool:
    cur = await conn.execute("DELETE FROM entity_definitions WHERE id = %s", (definition_id,))
    return cur.rowcount > 0


async def count_entities(conn: Connection, definition_id: UUID) -> int:
    cur = await conn.execute(
        "SELECT count(*) AS n FROM entities WHERE entity_definition_id = %s", (definition_id,)
    )
    row = await cur.fetchone()
    return row["n"] if row else 0


async def entity_attributes(conn: Connection, definition_id: UUID) -> list[EntityAttributes]:
    """(id, attributes) of every entity of a definition, for revalidation."""
    return await fetch_all(
        conn,
        EntityAttributes,
        "SELECT id, attributes FROM entities WHERE entity_definition_id = %s ORDER BY id",
        (definition_id,),
    )


async def find_definitions(
    conn: Connection, type_name: str, domain: str | None, domain_ids: list[UUID] | None = None
) -> list[FoundDefinition]:
    """Active definitions of active domains named `type_name` (in `domain` when given;
    among `domain_ids` when given)."""
    return await fetch_all(
        conn,
        FoundDefinition,
        """
        SELECT d.id, d.domain_id, d.name, d.display_name, d.description, d.json_schema,
               d.is_active, d.created_by, d.created_at, d.updated_at, dom.name AS domain_name
          FROM entity_definitions d JOIN domains dom ON dom.id = d.domain_id
         WHERE d.name = %(name)s AND d.is_active AND dom.is_active
           AND (%(domain)s::text IS NULL OR dom.name = %(domain)s::text)
           AND (%(ids)s::uuid[] IS NULL OR dom.id = ANY(%(ids)s::uuid[]))
         ORDER BY dom.name
        """,
        {"name": type_name, "domain": domain, "ids": domain_ids},
    )


async def insert_entity(
    conn: Connection,
    definition_id: UUID,
    name: str,
    attributes: dict[str, Any],
    created_by: UUID | None,
) -> EntityRow:
    row = await fetch_one(
        conn,
        EntityRow,
        "INSERT INTO entities (entity_definition_id, name, attributes, created_by)"
        f" VALUES (%s, %s, %s, %s) RETURNING {ENTITY_ROW}",
        (definition_id, name, Jsonb(attributes), created_by),
    )
    assert row is not None
    return row


async def get_entity_of_type(
    conn: Connection,
    entity_id: UUID,
    type_name: str,
    domain: str | None,
    *,
    lock: bool = False,
    domain_ids: list[UUID] | None = None,
) -> TypedEntity | None:
    """The entity with its definition's schema and domain, when its type is `type_name`
    (and its domain one of `domain_ids`, when given)."""
    return await fetch_one(
        conn,
        TypedEntity,
        """
        SELECT e.id, e.entity_definition_id, e.name, e.attributes, e.is_active, e.created_by,
               e.created_at, e.updated_at, d.json_schema, d.domain_id
          FROM entities e
          JOIN entity_definitions d ON d.id = e.entity_definition_id
          JOIN domains dom ON dom.id = d.domain_id
         WHERE e.id = %(id)s AND d.name = %(name)s
           AND (%(domain)s::text IS NULL OR dom.name = %(domain)s::text)
           AND (%(ids)s::uuid[] IS NULL OR dom.id = ANY(%(ids)s::uuid[]))
        """
        + (" FOR UPDATE OF e" if lock else ""),
        {"id": entity_id, "name": type_name, "domain": domain, "ids": domain_ids},
    )


async def update_entity(
    conn: Connection, entity_id: UUID, changes: dict[str, Any]
) -> EntityRow | None:
    columns = [c for c in ("name", "attributes", "is_active") if c in changes]
    params = {k: Jsonb(v) if k == "attributes" else v for k, v in changes.items()}
    return await fetch_one(
        conn,
        EntityRow,
        f"UPDATE entities SET {', '.join(f'{c} = %({c})s' for c in columns)}"
        f" WHERE id = %(id)s RETURNING {ENTITY_ROW}",
        params | {"id": entity_id},
    )


async def list_entities(
    conn: Connection, definition_id: UUID, *, active_only: bool, page: PageParams
) -> tuple[list[CountedEntity], int]:
    active = " AND is_active" if active_only else ""
    rows = await fetch_all(
        conn,
        CountedEntity,
        f"SELECT {ENTITY_ROW}, count(*) OVER () AS total FROM entities"
        f" WHERE entity_definition_id = %s{active} ORDER BY name, id LIMIT %s OFFSET %s",
        (definition_id, page.limit, page.offset),
    )
    if rows or page.offset == 0:
        return rows, rows[0].total if rows else 0
    cur = await conn.execute(
        f"SELECT count(*) AS n FROM entities WHERE entity_definition_id = %s{active}",
        (definition_id,),
    )
    total = await cur.fetchone()
    return rows, total["n"] if total else 0
