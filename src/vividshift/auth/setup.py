"""Wires accounts and security into the app: the signing key and the routers."""

from fastapi import FastAPI

from vividshift.auth import passwords
from vividshift.auth.routes import router as auth_router
from vividshift.auth.tokens import resolve_signing_key
from vividshift.config import Settings
from vividshift.users.routes import router as users_router


def install_auth(app: FastAPI, settings: Settings) -> None:
    """Refuses to build the app without a usable signing key (WeakSecretError)."""
    app.state.jwt_key = resolve_signing_key(settings)
    passwords.warm_up()
    app.include_router(auth_router)
    app.include_router(users_router)
