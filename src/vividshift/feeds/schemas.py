"""Shapes of feed tokens."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class FeedStatus(BaseModel):
    active: bool = Field(description="a live subscription URL exists")
    created_at: datetime | None = None
    last_used_at: datetime | None = Field(
        default=None, description="when a calendar last fetched it (to the minute)"
    )


class FeedCreated(FeedStatus):
    url: str = Field(
        description="the subscription URL with its secret token, shown only in this answer; "
        "creating another revokes this one"
    )
    token: str
