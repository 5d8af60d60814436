"""The error body as an OpenAPI model, and the `responses=` of business routes."""

from typing import Any, TypeAlias

from pydantic import BaseModel


class ErrorBody(BaseModel):
    """The JSON error body of spec/API.md."""

    error: str
    code: str
    details: Any = None
    timestamp: str


# What FastAPI's `responses=` takes: status code (or "default", "4XX") → response.
Responses: TypeAlias = dict[int | str, dict[str, Any]]


def described(description: str) -> dict[str, Any]:
    return {"model": ErrorBody, "description": description}


AUTH: Responses = {
    401: described("Missing, invalid or expired token"),
    403: described("The role may not do this"),
}
NOT_FOUND: Responses = {404: described("No such resource")}
CONFLICT: Responses = {409: described("Conflicts with existing data")}
INVALID: Responses = {422: described("Invalid input: unknown fields, wrong types, limits exceeded")}
TOO_LARGE: Responses = {413: described("Request body too large")}
RETRY_AFTER_HEADER: dict[str, Any] = {
    "description": "seconds to wait before retrying",
    "schema": {"type": "integer"},
}
# For routes whose media type is not JSON: the error body named by reference.
ERROR_BODY_JSON: dict[str, Any] = {
    "application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}
}
UNAVAILABLE_DESCRIPTION = (
    "The database is busy (no pooled connection free within "
    "VIVIDSHIFT_DB_POOL_TIMEOUT_SECONDS) or unreachable; retry after Retry-After"
)

READ: Responses = AUTH | INVALID
READ_ONE: Responses = READ | NOT_FOUND
WRITE: Responses = AUTH | INVALID | TOO_LARGE
WRITE_ONE: Responses = WRITE | NOT_FOUND
