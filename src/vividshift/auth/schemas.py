"""Request and response bodies of /auth/*."""

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

import email_validator
from pydantic import BaseModel, ConfigDict, EmailStr, Field, StringConstraints

from vividshift.auth.passwords import MAX_LENGTH, MIN_LENGTH

Role = Literal["admin", "user", "viewer"]
Username = Annotated[
    str,
    StringConstraints(min_length=3, max_length=50, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$"),
]


def _either_case(word: str) -> str:
    return "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else c for c in word)


# EmailStr (email-validator) also refuses addresses at special-use names (`.test`,
# `.local`, `localhost`, …), which `format: email` allows, and anything over 254
# characters: the schema says so.
_RESERVED = "|".join(_either_case(d) for d in email_validator.SPECIAL_USE_DOMAIN_NAMES)
Email = Annotated[
    EmailStr,
    Field(
        max_length=254,  # email-validator's bound (RFC 5321's path limit), under the column's
        json_schema_extra={"not": {"pattern": f"[@.]({_RESERVED})$"}},
        description="an email address; not at a special-use name (.test, .local, …)",
    ),
]
# New passwords are checked by the policy (8–128 characters, not common); this bound
# only keeps absurd bodies away from the hasher.
PasswordInput = Annotated[str, Field(min_length=1, max_length=1024)]
# A password being chosen: the policy's length bounds, stated in the OpenAPI schema.
NewPassword = Annotated[
    str,
    Field(
        min_length=MIN_LENGTH,
        max_length=MAX_LENGTH,
        description=f"{MIN_LENGTH}–{MAX_LENGTH} characters, not a common password",
    ),
]


class RegisterRequest(BaseModel):
    """Self-registration. Server-owned fields (role, is_active, …) are refused (422)."""

    model_config = ConfigDict(extra="forbid")
    username: Username
    email: Email
    password: NewPassword
    invitation_token: Annotated[str, Field(min_length=1, max_length=200)] | None = Field(
        default=None,
        description="an invitation's token: the new account accepts it (required when "
        "VIVIDSHIFT_REGISTRATION=invite)",
    )


class RegisteredUser(BaseModel):
    id: UUID
    username: str
    email: str
    role: Role


class RegisterResponse(BaseModel):
    message: str = "User registered successfully"
    user: RegisteredUser


class LoginRequest(BaseModel):
    """`username` may also be the account's email."""

    username: Annotated[str, Field(min_length=1, max_length=255)]
    password: PasswordInput


class LoginUser(BaseModel):
    id: UUID
    username: str
    role: Role


class TokenResponse(BaseModel):
    token: str = Field(description="access token (JWT), for Authorization: Bearer")
    refresh_token: str = Field(description="single-use; POST /auth/refresh returns a new one")
    token_type: Literal["bearer"] = "bearer"
    expires_at: datetime = Field(description="when the access token expires")
    session_expires_at: datetime = Field(description="absolute end of the session")
    user: LoginUser


class RefreshRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    refresh_token: Annotated[str, Field(min_length=1, max_length=4096)]


class SessionRead(BaseModel):
    id: UUID
    created_at: datetime
    last_refreshed_at: datetime
    expires_at: datetime
    idle_expires_at: datetime
    user_agent: str | None
    ip_address: str | None
    current: bool


class PasswordChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    current_password: PasswordInput
    new_password: NewPassword
