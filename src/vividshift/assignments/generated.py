"""A generated run as generation hands it back, and its JSON answer encoded once.

A run of 10 000 people has 8 000 placements: building a pydantic object per placement
and letting the route validate and dump them again cost more than writing them. The
route's answer is encoded here straight from the stored rows with orjson, in the shape
of `GenerateResult` (the documented model, which `to_model` still builds for callers
that want objects: jobs, the web page, the idempotency store).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import orjson

from vividshift.assignments.schemas import GeneratedPlacement, GenerateResponse

# A stored detail: (participant id, target id, position, metadata with its confidence).
Detail = tuple[str, str, int, dict[str, Any]]

# UTC as "Z" and keys that are not strings made strings: pydantic's JSON does the same.
_OPTIONS = orjson.OPT_UTC_Z | orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY


def _default(value: Any) -> Any:
    """What orjson cannot encode, as pydantic's JSON mode writes it."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (set, frozenset)):
        return list(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def dumps(value: Any) -> bytes:
    """JSON bytes of plain data (dicts, lists, UUIDs, dates) the way the API writes them."""
    return orjson.dumps(value, default=_default, option=_OPTIONS)


@dataclass(frozen=True)
class GeneratedRun:
    """The stored run (its `assignments` row), its details and its answer's metadata."""

    id: UUID
    strategy_used: str
    created_at: datetime
    name: str | None
    assignment_date: date
    status: str
    details: list[Detail]
    metadata: dict[str, Any]

    @property
    def participant_ids(self) -> list[str]:
        return [pid for pid, _, _, _ in self.details]

    def to_json(self, warnings: list[str] | None = None) -> bytes:
        """The answer of POST /api/assignments/generate (`GenerateResult`), encoded once."""
        body: dict[str, Any] = {
            "id": self.id,
            "strategy_used": self.strategy_used,
            "assignments": [
                {
                    "participant_id": pid,
                    "target_id": tid,
                    "confidence": meta["confidence"],
                    "position": position,
                    "metadata": meta,
                }
                for pid, tid, position, meta in self.details
            ],
            "metadata": self.metadata,
            "created_at": self.created_at,
            "name": self.name,
            "assignment_date": self.assignment_date,
            "status": self.status,
        }
        if warnings:
            body["warnings"] = warnings
        return dumps(body)

    def to_model(self) -> GenerateResponse:
        """The same run as the pydantic model (validated)."""
        return GenerateResponse(
            id=self.id,
            strategy_used=self.strategy_used,
            assignments=[
                GeneratedPlacement(
                    participant_id=UUID(pid),
                    target_id=UUID(tid),
                    confidence=meta["confidence"],
                    position=position,
                    metadata=meta,
                )
                for pid, tid, position, meta in self.details
            ],
            metadata=self.metadata,
            created_at=self.created_at,
            name=self.name,
            assignment_date=self.assignment_date,
            status=self.status,
        )
