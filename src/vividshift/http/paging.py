"""Paging and sorting of list endpoints.

Every list takes `limit` (1–500, default 50) and `offset` (0–1 000 000) and returns
`{items, total, limit, offset}`, where `total` counts every row matching the filters.
`sort` names one allow-listed key, `-` in front for descending (`-created_at`); ties are
broken by `id` so pages never overlap.
"""

from dataclasses import dataclass
from typing import Annotated, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel

from vividshift.errors import ValidationFailed

T = TypeVar("T")

MAX_LIMIT = 500
MAX_OFFSET = 1_000_000


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


@dataclass(frozen=True)
class PageParams:
    limit: int = 50
    offset: int = 0


async def page_params(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="page size")] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET, description="rows to skip")] = 0,
) -> PageParams:
    return PageParams(limit=limit, offset=offset)


@dataclass(frozen=True)
class Sort:
    column: str
    descending: bool

    def sql(self) -> str:
        """ORDER BY clause; `column` comes from an allow-list, never from the client."""
        direction = "DESC" if self.descending else "ASC"
        return f"ORDER BY {self.column} {direction}, id {direction}"


def sort_choices(allowed: frozenset[str]) -> dict[str, list[str]]:
    """The `json_schema_extra` of a `sort` query parameter: the values `parse_sort`
    takes (each key, and with '-' in front)."""
    return {"enum": sorted(allowed) + [f"-{key}" for key in sorted(allowed)]}


def parse_sort(value: str, allowed: frozenset[str]) -> Sort:
    """`name` / `-name` → Sort, only for keys in `allowed`."""
    descending = value.startswith("-")
    column = value[1:] if descending else value
    if column not in allowed:
        raise ValidationFailed(
            "Invalid sort key", details=f"sort must be one of {sorted(allowed)}, '-' for descending"
        )
    return Sort(column, descending)
