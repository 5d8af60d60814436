"""Shapes of the compatible work-groups endpoints (spec/API.md)."""

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from vividshift.limits import Name

Count = Annotated[int, Field(ge=1, le=10_000)]


class WorkGroupsRequest(BaseModel):
    """Two groups of people by name, and how many people each target (chore) needs.

    An empty `custom_assignments` uses the stored work-group targets with their counts."""

    model_config = ConfigDict(extra="forbid")

    names_a: Annotated[list[Name], Field(max_length=10_000)] = Field(default_factory=list)
    names_b: Annotated[list[Name], Field(max_length=10_000)] = Field(default_factory=list)
    custom_assignments: Annotated[dict[Name, Count], Field(max_length=1_000)] = Field(
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


class WorkGroupsResult(BaseModel):
    assignments: dict[str, list[str]]
    generation_info: GenerationInfo
    assignment_id: str = Field(description="native: the stored run (GET /api/assignments/{id})")


class HistoryDay(BaseModel):
    assignments: dict[str, list[str]]
    generation_info: GenerationInfo


class WorkGroupsHistory(BaseModel):
    history: dict[str, HistoryDay]
    last_updated: str | None
