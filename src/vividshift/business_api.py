"""The business data API of issue 5: domains, entity definitions, participants, targets
and the compatible /api/entities endpoints."""

from fastapi import FastAPI

from vividshift.domains.routes import router as domains_router
from vividshift.entities.routes import definitions_router, entities_router
from vividshift.participants.routes import router as participants_router
from vividshift.targets.routes import router as targets_router


def install_business_api(app: FastAPI) -> None:
    """Include the routers; each route declares its own permission (Reader/Writer/Admin)."""
    for router in (
        domains_router,
        definitions_router,
        participants_router,
        targets_router,
        entities_router,
    ):
        app.include_router(router)
