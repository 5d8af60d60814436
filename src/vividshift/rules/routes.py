"""/api/rules: the strategies, validators and constraints the engine knows.

Compatible shape: `GET /api/rules/strategies` and `/validators` answer a JSON list of
names. With `?detail=true` each entry is `{name, description, parameters}`, where
`parameters` is the JSON Schema of its parameters. `/api/rules/constraints` (native)
lists the constraint names with their `constraint_type` and parameter schema.
"""

from typing import Annotated, Any

from fastapi import Query
from pydantic import BaseModel

from vividshift.auth.deps import Reader
from vividshift.http.openapi import READ
from vividshift.http.routing import api_router
from vividshift.rules import service

router = api_router(prefix="/api/rules", tags=["rules"])

Detail = Annotated[
    bool,
    Query(
        description="false (default, compatible): a list of names; true: a list of "
        "{name, description, parameters (JSON Schema)}"
    ),
]


class RuleInfo(BaseModel):
    name: str
    description: str
    parameters: dict[str, Any]


class ConstraintInfo(RuleInfo):
    constraint_type: str


def _answer(items: list[service.Rule], detail: bool) -> list[str] | list[RuleInfo]:
    if not detail:
        return [i.name for i in items]
    return [RuleInfo.model_validate(i, from_attributes=True) for i in items]


@router.get("/strategies", response_model=list[str] | list[RuleInfo], responses=READ)
async def list_strategies(_: Reader, detail: Detail = False) -> list[str] | list[RuleInfo]:
    """Strategy names (compatible), or with ?detail=true their parameter schemas."""
    return _answer(service.list_strategies(), detail)


@router.get("/validators", response_model=list[str] | list[RuleInfo], responses=READ)
async def list_validators(_: Reader, detail: Detail = False) -> list[str] | list[RuleInfo]:
    """Validator names (compatible), or with ?detail=true their parameter schemas."""
    return _answer(service.list_validators(), detail)


@router.get("/constraints", response_model=list[ConstraintInfo], responses=READ)
async def list_constraints(_: Reader) -> list[ConstraintInfo]:
    """Constraints a generate request (or a domain) may give, with their parameters."""
    constraints = service.list_constraints()
    return [ConstraintInfo.model_validate(c, from_attributes=True) for c in constraints]
