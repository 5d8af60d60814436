from typing import Any, Literal

from pydantic import BaseModel, Field


class Health(BaseModel):
    service: Literal["vividshift"] = "vividshift"
    status: Literal["healthy"] = "healthy"


class Readiness(BaseModel):
    status: Literal["ready", "unavailable"]
    database: Literal["connected", "busy", "unreachable"] = Field(
        description="`busy`: the server answers but every pooled connection is in use"
    )


class ReadinessFailure(Readiness):
    """503 body: the readiness shape plus the error body of spec/API.md."""

    error: str
    code: Literal["SERVICE_UNAVAILABLE"] = "SERVICE_UNAVAILABLE"
    details: Any = None
    timestamp: str
