"""The assignment API of issue 6: runs and their edits/exports, rules, work groups."""

from fastapi import FastAPI

from vividshift.assignments.routes import router as assignments_router
from vividshift.rules.routes import router as rules_router
from vividshift.workgroups.routes import router as workgroups_router


def install_assignment_api(app: FastAPI) -> None:
    """Include the routers; each route declares its own permission (Reader/Writer)."""
    for router in (assignments_router, rules_router, workgroups_router):
        app.include_router(router)
