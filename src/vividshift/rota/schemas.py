"""Shapes of the rota API: turns, absences, plans."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TurnRead(BaseModel):
    """One turn: UTC instants and the local wall times they came from."""

    index: int = Field(description="0 = the turn starting on the rota's anchor")
    start: datetime = Field(description="UTC instant the turn starts")
    end: datetime = Field(description="UTC instant the turn ends (exclusive)")
    local_start: datetime = Field(
        description="the local wall time the start came from (a time in a spring gap is "
        "kept here while `start` moves to the next valid time)"
    )
    local_end: datetime
    timezone: str
    hours: float = Field(description="length in elapsed hours (167 or 169 for a week over DST)")


class TurnList(BaseModel):
    timezone: str
    turns: list[TurnRead]
