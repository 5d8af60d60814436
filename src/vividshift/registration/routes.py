"""POST /auth/register: self-registration (VIVIDSHIFT_REGISTRATION), with an invitation."""

from fastapi import Request

from vividshift.auth.deps import Public
from vividshift.auth.routes import Client
from vividshift.auth.schemas import RegisteredUser, RegisterRequest
from vividshift.db import Db
from vividshift.http.openapi import described
from vividshift.http.routing import api_router
from vividshift.registration import service
from vividshift.registration.schemas import Registered

router = api_router(prefix="/auth", tags=["auth"])


@router.post(
    "/register",
    status_code=201,
    response_model=Registered,
    dependencies=[Public],
    responses={
        403: described("Registration is closed, or needs an invitation token"),
        404: described("No invitation with this token"),
        409: described(
            "Username or email taken (one message for both), or the invitation's person is linked"
        ),
        410: described("The invitation was used already, revoked, or has expired"),
        422: described("Invalid body"),
        429: described("Too many registrations from this address (Retry-After)"),
    },
)
async def register(body: RegisterRequest, request: Request, client: Client, db: Db) -> Registered:
    """Create an account (role VIVIDSHIFT_REGISTRATION_ROLE), accepting an invitation if sent."""
    user, accepted = await service.register(
        db,
        request.app.state.settings,
        username=body.username,
        email=body.email,
        password=body.password,
        invitation_token=body.invitation_token,
        client=client,
    )
    return Registered(
        user=RegisteredUser.model_validate(user, from_attributes=True), invitation=accepted
    )
