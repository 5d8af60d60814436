"""The error body as an OpenAPI model, and the `responses=` of business routes."""

from typing import Any

from pydantic import BaseModel


class ErrorBody(BaseModel):
    """The JSON error body of spec/API.md."""

    error: str
    code: str
    details: Any = None
    timestamp: str


def described(description: str) -> dict[str, Any]:
    return {"model": ErrorBody, "description": description}


AUTH = {
    401: described("Missing, invalid or expired token"),
    403: described("The role may not do this"),
}
NOT_FOUND = {404: described("No such resource")}
CONFLICT = {409: described("Conflicts with existing data")}
INVALID = {422: described("Invalid input: unknown fields, wrong types, limits exceeded")}
TOO_LARGE = {413: described("Request body too large")}

READ = AUTH | INVALID
READ_ONE = READ | NOT_FOUND
WRITE = AUTH | INVALID | TOO_LARGE
WRITE_ONE = WRITE | NOT_FOUND
