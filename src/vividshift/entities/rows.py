"""Rows of entity definitions and entities as the queries return them."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID


@dataclass(frozen=True)
class DefinitionRow:
    """An entity type of a domain, with the JSON Schema its entities' attributes meet."""

    id: UUID
    domain_id: UUID
    name: str
    display_name: str | None
    description: str | None
    json_schema: dict[str, Any]
    is_active: bool
    created_by: UUID | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class CountedDefinition(DefinitionRow):
    """A definition of a page, with the count of the whole list."""

    total: int


@dataclass(frozen=True)
class FoundDefinition(DefinitionRow):
    """A definition found by type name, with its domain's name."""

    domain_name: str


@dataclass(frozen=True)
class EntityRow:
    """An entity of a defined type."""

    id: UUID
    entity_definition_id: UUID
    name: str
    attributes: dict[str, Any]
    is_active: bool
    created_by: UUID | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class CountedEntity(EntityRow):
    """An entity of a page, with the count of the whole list."""

    total: int


@dataclass(frozen=True)
class TypedEntity(EntityRow):
    """An entity with its definition's schema and domain."""

    json_schema: dict[str, Any]
    domain_id: UUID


@dataclass(frozen=True)
class EntityAttributes:
    """An entity's id and attributes, to check against a new schema."""

    id: UUID
    attributes: dict[str, Any]
