"""Every router of the app, mounted in one place: the URL map at a glance.

The order below is the order of `/openapi.json` (paths and tags appear as their
routers are included), so reordering these lines changes the published document.
Each route declares its own permission (Public, Reader, Writer, Admin; see
`vividshift.auth.deps`); only the system router is made public as a whole here.
`/metrics` is no router: `app.py` exposes it when metrics are enabled.
"""

from fastapi import Depends, FastAPI

from vividshift.assignments.jobs.routes import router as jobs_router
from vividshift.assignments.routes import router as assignments_router
from vividshift.auth.deps import public
from vividshift.auth.routes import router as auth_router
from vividshift.domains.routes import router as domains_router
from vividshift.entities.routes import definitions_router, entities_router
from vividshift.fairshare.routes import router as fairshare_router
from vividshift.feeds.routes import router as feeds_router
from vividshift.invitations.routes import router as invitations_router
from vividshift.notifications.routes import router as notifications_router
from vividshift.participants.routes import router as participants_router
from vividshift.registration.routes import router as registration_router
from vividshift.rota.routes import absences_router, places_router
from vividshift.rota.routes import router as rota_router
from vividshift.rules.routes import router as rules_router
from vividshift.schedules.routes import router as schedules_router
from vividshift.system.docs import router as docs_router
from vividshift.system.routes import router as system_router
from vividshift.targets.routes import router as targets_router
from vividshift.users.routes import router as users_router
from vividshift.web.pages import (
    admin,
    dashboard,
    fairness,
    handover,
    history,
    houses,
    invite,
    notifications,
    people,
    plans,
    rotation,
    static,
    targets,
)
from vividshift.web.pages import auth as sign_in
from vividshift.web.pages import me as my_turns
from vividshift.workgroups.routes import router as workgroups_router


def include_routers(app: FastAPI) -> None:
    """Mount the JSON API, then the web pages (HTML, not in the OpenAPI document)."""
    app.include_router(system_router, dependencies=[Depends(public)])  # /health, /ready
    app.include_router(registration_router)  # /auth/register
    app.include_router(docs_router)  # /docs, /redoc and their assets (no CDN)
    app.include_router(auth_router)  # /auth
    app.include_router(users_router)  # /api/me, /api/users
    app.include_router(domains_router)  # /api/domains
    app.include_router(invitations_router)  # /api/domains/{domain_id}/invitations, /api/invitations
    app.include_router(definitions_router)  # /api/domains/{domain_id}/entity-definitions
    app.include_router(participants_router)  # /api/participants
    app.include_router(targets_router)  # /api/targets
    app.include_router(entities_router)  # /api/entities (compatible)
    app.include_router(assignments_router)  # /api/assignments
    app.include_router(rules_router)  # /api/rules
    app.include_router(workgroups_router)  # /api/work-groups (compatible)
    app.include_router(jobs_router)  # /api/jobs
    app.include_router(schedules_router)  # /api/domains/{domain_id}/schedule
    app.include_router(fairshare_router)  # outcomes, alternatives, /api/domains/{id}/fairness
    app.include_router(rota_router)  # /api/domains/{domain_id}/turns, plan, plans
    app.include_router(absences_router)  # /api/participants/{participant_id}/absences
    app.include_router(places_router)  # /api/assignments/{id}/details/{id}/pin, override
    app.include_router(notifications_router)  # channels, deliveries, /api/me/notifications
    app.include_router(feeds_router)  # /feeds/{token}.ics, /api/me/feed, domain feeds
    app.include_router(sign_in.router)  # /login, /logout
    app.include_router(static.router)  # /static
    app.include_router(dashboard.router)  # /, /generate
    app.include_router(rotation.router)  # /rotations
    app.include_router(handover.router)  # /rotations/{id}/places/{id}, /requests (swaps, covers)
    app.include_router(history.router)  # /history
    app.include_router(plans.router)  # /domains/{domain_id}/plans/{plan_id} (a plan's grid)
    app.include_router(my_turns.router)  # /me (My turns)
    app.include_router(houses.router)  # /houses, /people/template.csv, /tasks/template.csv
    app.include_router(invite.router)  # /invite/{token}
    app.include_router(fairness.router)  # /houses/{id}/fairness, /me/places/…/done
    app.include_router(people.router)  # /people
    app.include_router(targets.router)  # /tasks (the page's word for targets)
    app.include_router(admin.router)  # /admin
    app.include_router(notifications.router)  # /notifications (settings, feed, channels)
