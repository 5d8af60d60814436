"""Entity definitions (per domain, with a JSON Schema) and the flat entity bodies of the
compatible `/api/entities/{entity_type}` endpoints.

A definition's `json_schema` is a JSON Schema (draft 2020-12 unless `$schema` names
draft 7 or 2019-09) that an entity's `attributes` must satisfy — `name` is the entity's
own column and is not part of `attributes`. Only local references (`$ref: "#/…"`) are
allowed: nothing is ever fetched. Type names are lowercase identifiers; `participant`
and `assignment_target` are reserved for the built-in types.

Flat bodies (spec/API.md): `{"name": …, <any other key>: <JSON value>}`. Keys `id`,
`entity_type`, `attributes`, `created_at`, `updated_at`, `created_by` are reserved (422).
"""

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from jsonschema import validators
from jsonschema.exceptions import SchemaError
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictBool, model_validator

from vividshift.fields import (
    NO_NUL,
    Description,
    Name,
    SchemaObject,
    bounded,
    check_json,
)
from vividshift.patching import reject_sent_nulls, sent_nulls_refused

BUILT_IN_TYPES = ("participant", "assignment_target")
RESERVED_KEYS = frozenset(
    {"id", "entity_type", "attributes", "created_at", "updated_at", "created_by"}
)
MAX_FLAT_KEYS = 200
SUPPORTED_DRAFTS = {
    "https://json-schema.org/draft/2020-12/schema",
    "https://json-schema.org/draft/2019-09/schema",
    "http://json-schema.org/draft-07/schema#",
    "http://json-schema.org/draft-07/schema",
}

TypeName = Annotated[
    str,
    bounded(100, min_length=1),
    Field(pattern=r"^[a-z][a-z0-9_]*$", description="lowercase identifier"),
    NO_NUL,  # after the pattern: a constraint after a validator is left out of the schema
]


def _refs(value: Any) -> list[str]:
    found: list[str] = []
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, child in item.items():
                if key in ("$ref", "$dynamicRef") and isinstance(child, str):
                    found.append(child)
                stack.append(child)
        elif isinstance(item, list):
            stack.extend(item)
    return found


def check_json_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """A usable JSON Schema: a known draft, valid against its metaschema, local refs only."""
    draft = schema.get("$schema")
    if draft is not None and draft not in SUPPORTED_DRAFTS:
        raise ValueError(f"$schema must be one of {sorted(SUPPORTED_DRAFTS)}")
    if "$id" in schema:
        raise ValueError("$id is not allowed (schemas are addressed by their definition)")
    for ref in _refs(schema):
        if not ref.startswith("#"):
            raise ValueError(f"only local $ref are allowed, not {ref[:100]!r}")
    cls = validators.validator_for(schema, default=validators.Draft202012Validator)
    try:
        cls.check_schema(schema)
    except SchemaError as exc:
        raise ValueError(f"not a valid JSON Schema: {exc.message[:300]}") from None
    return schema


def _not_built_in(name: str) -> str:
    if name in BUILT_IN_TYPES:
        raise ValueError(f"{name!r} is a built-in entity type")
    return name


JsonSchema = Annotated[SchemaObject, AfterValidator(check_json_schema)]
DefinitionName = Annotated[TypeName, AfterValidator(_not_built_in)]
DisplayName = Annotated[str, bounded(200, min_length=1), NO_NUL]


class DefinitionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: DefinitionName
    display_name: DisplayName | None = None
    description: Description | None = None
    json_schema: JsonSchema = Field(
        default_factory=dict, examples=[{"type": "object", "required": ["capacity"]}]
    )
    is_active: StrictBool = True


class DefinitionUpdate(BaseModel):
    """Partial; a new `json_schema` is refused (422) while existing entities fail it."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=sent_nulls_refused(("name", "json_schema", "is_active")),
    )

    name: DefinitionName | None = None
    display_name: DisplayName | None = None
    description: Description | None = None
    json_schema: JsonSchema | None = None
    is_active: StrictBool | None = None

    @model_validator(mode="after")
    def _no_null_for_required(self) -> "DefinitionUpdate":
        reject_sent_nulls(self, ("name", "json_schema", "is_active"))
        return self


class DefinitionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

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


def _check_flat(model: BaseModel) -> None:
    extra = model.model_extra or {}
    if len(extra) > MAX_FLAT_KEYS:
        raise ValueError(f"at most {MAX_FLAT_KEYS} attributes")
    reserved = sorted(RESERVED_KEYS & set(extra))
    if reserved:
        raise ValueError(f"reserved keys: {reserved}")
    check_json(extra)


class EntityCreate(BaseModel):
    """Flat body: `name` plus any attributes (`group`, `skills`, `required_count`, …)."""

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "example": {"name": "Alice", "group": "A", "skills": ["cleaning"]},
        },
    )

    name: Name

    @model_validator(mode="after")
    def _flat(self) -> "EntityCreate":
        _check_flat(self)
        return self

    def attributes(self) -> dict[str, Any]:
        return dict(self.model_extra or {})


class EntityUpdate(BaseModel):
    """Partial flat body: keys sent replace; an attribute set to null is removed."""

    model_config = ConfigDict(extra="allow", json_schema_extra=sent_nulls_refused(("name",)))

    name: Name | None = None

    @model_validator(mode="after")
    def _flat(self) -> "EntityUpdate":
        if "name" in self.model_fields_set and self.name is None:
            raise ValueError("name may not be null")
        _check_flat(self)
        return self

    def attributes(self) -> dict[str, Any]:
        return dict(self.model_extra or {})


class EntityRead(BaseModel):
    """The compatible entity shape of spec/API.md."""

    id: UUID
    name: str
    entity_type: str
    attributes: dict[str, Any]
    created_at: datetime
