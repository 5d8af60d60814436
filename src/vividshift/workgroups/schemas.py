"""Shapes of the compatible work-groups endpoints (spec/API.md)."""

from typing import Annotated

from pydantic import BaseModel, Field, RootModel, model_validator

from vividshift.fields import Name
from vividshift.http.lenient import Lenient, Warned

Count = Annotated[int, Field(ge=1, le=10_000)]
MAX_CHORES = 1_000


class WorkGroupsRequest(Lenient):
    """Two groups of people by name, and how many people each target (chore) needs.

    Without `custom_assignments` (or with `{}`), the stored work-group chores are used
    with their counts; on a fresh install (no chore stored yet) the predecessor's default
    chores are stored first. Unknown fields are ignored and listed in `warnings`."""

    names_a: Annotated[list[Name], Field(max_length=10_000)] = Field(default_factory=list)
    names_b: Annotated[list[Name], Field(max_length=10_000)] = Field(default_factory=list)
    custom_assignments: Annotated[dict[Name, Count], Field(max_length=MAX_CHORES)] = Field(
        default_factory=dict
    )

    @model_validator(mode="after")
    def _distinct(self) -> "WorkGroupsRequest":
        both = set(self.names_a) & set(self.names_b)
        if both:
            raise ValueError(f"names in both groups: {sorted(both)[:20]}")
        for label, names in (("names_a", self.names_a), ("names_b", self.names_b)):
            if len(set(names)) != len(names):
                raise ValueError(f"{label} lists a name twice")
        if not self.names_a and not self.names_b:
            raise ValueError("names_a and names_b are both empty")
        return self


class GenerationInfo(BaseModel):
    attempt_number: int
    timestamp: str
    total_people: int
    total_assignments: int


class WorkGroupsResult(Warned):
    assignments: dict[str, list[str]]
    generation_info: GenerationInfo
    assignment_id: str = Field(description="native: the stored run (GET /api/assignments/{id})")


class HistoryDay(BaseModel):
    assignments: dict[str, list[str]]
    generation_info: GenerationInfo


class WorkGroupsHistory(BaseModel):
    history: dict[str, HistoryDay] = Field(
        description='one entry per run: "YYYY-MM-DD" for the first run of a date, '
        '"YYYY-MM-DD.2", "YYYY-MM-DD.3", … for later runs of that date'
    )
    last_updated: str | None


class ChoreCounts(RootModel[dict[str, int]]):
    """`{chore: count}`: the active work-group chores and how many people each needs,
    in their stored order."""

    model_config = {"json_schema_extra": {"example": {"Parlor": 5, "Frontyard": 3}}}


class ChoreCountsUpdate(
    RootModel[Annotated[dict[Name, Count], Field(min_length=1, max_length=MAX_CHORES)]]
):
    """`{chore: count}` (count 1–10000): the chores to rotate, in this order; stored
    chores not listed are deactivated."""

    model_config = {"json_schema_extra": {"example": {"Parlor": 5, "Frontyard": 3}}}
