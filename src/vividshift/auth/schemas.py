"""Request and response bodies of /auth/*."""

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, EmailStr, Field, StringConstraints

Role = Literal["admin", "user", "viewer"]
Username = Annotated[
    str,
    StringConstraints(min_length=3, max_length=50, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$"),
]
Email = Annotated[EmailStr, Field(max_length=255)]
# New passwords are checked by the policy (8–128 characters, not common); this bound
# only keeps absurd bodies away from the hasher.
PasswordInput = Annotated[str, Field(min_length=1, max_length=1024)]
# A new password: the document states the policy's bounds (the policy enforces them, with
# its own messages, together with the common-password list).
NewPassword = Annotated[
    str,
    Field(
        min_length=1,
        max_length=1024,
        json_schema_extra={"minLength": 8, "maxLength": 128},
        description="8–128 characters, not one of the common passwords",
    ),
]


class RegisterRequest(BaseModel):
    """Self-registration. Server-owned fields (role, is_active, …) are refused (422)."""

    model_config = ConfigDict(extra="forbid")
    username: Username
    email: Email
    password: NewPassword


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
