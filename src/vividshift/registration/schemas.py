"""The response of POST /auth/register: the compatible shape, plus the invitation."""

from pydantic import Field

from vividshift.auth.schemas import RegisterResponse
from vividshift.invitations.schemas import Accepted


class Registered(RegisterResponse):
    invitation: Accepted | None = Field(
        default=None, description="the membership the invitation token gave, if one was sent"
    )
