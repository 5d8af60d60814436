"""/api/domains/{id}/turns, plans and re-plans; /api/participants/{id}/absences."""

from typing import Annotated
from uuid import UUID

from fastapi import Query, status

from vividshift.assignments.schemas import EditResult
from vividshift.auth.deps import Reader, Writer
from vividshift.db import Db
from vividshift.fields import IsoMoment
from vividshift.http.openapi import CONFLICT, READ_ONE, WRITE_ONE, Responses, described
from vividshift.http.routing import api_router
from vividshift.rota import absences, places, planning, replanning, service
from vividshift.rota.schemas import (
    AbsenceCreate,
    AbsenceRead,
    OverrideCreate,
    OverrideRemove,
    PlaceRead,
    PlanRead,
    PlanRequest,
    ReplanRead,
    ReplanRequest,
    TurnList,
)

router = api_router(prefix="/api/domains", tags=["rota"])

UNSEEN: Responses = {404: described("No such domain, or one the caller may not see")}
Moment = IsoMoment


@router.get("/{domain_id}/turns", response_model=TurnList, responses=READ_ONE | UNSEEN)
async def list_turns(
    domain_id: UUID,
    user: Reader,
    db: Db,
    start: Annotated[
        Moment | None,
        Query(
            alias="from",
            description="local date, local wall time or instant (default: now)",
        ),
    ] = None,
    end: Annotated[
        Moment | None,
        Query(alias="to", description="exclusive; default: 31 days after `from`"),
    ] = None,
) -> TurnList:
    """The turns of the domain's rota that overlap [from, to), as UTC instants."""
    return await service.list_turns(db, user, domain_id, start, end)


@router.post(
    "/{domain_id}/plan",
    response_model=PlanRead,
    status_code=status.HTTP_201_CREATED,
    responses=WRITE_ONE
    | UNSEEN
    | {
        403: described("The caller's role in the domain is below manager"),
        422: described(
            "Invalid input, no rota, `from` in the past, or no plan keeps every hard rule "
            "(BUSINESS_LOGIC_ERROR, naming the turn and target)"
        ),
    },
)
async def create_plan(domain_id: UUID, body: PlanRequest, user: Writer, db: Db) -> PlanRead:
    """Manager: plan the next K turns in one optimisation, kept as a draft plan."""
    return await planning.create_plan(db, user, domain_id, body)


@router.get(
    "/{domain_id}/plans/{plan_id}",
    response_model=PlanRead,
    responses=READ_ONE | {404: described("No such domain or plan, or one the caller may not see")},
)
async def get_plan(domain_id: UUID, plan_id: UUID, user: Reader, db: Db) -> PlanRead:
    """A plan with its grid (people × turns), each person's load, and the solver's report."""
    return await planning.get_plan(db, user, domain_id, plan_id)


@router.post(
    "/{domain_id}/plans/{plan_id}/publish",
    response_model=PlanRead,
    responses=WRITE_ONE
    | {404: described("No such domain or plan, or one the caller may not see")}
    | {403: described("The caller's role in the domain is below manager")}
    | {
        409: described(
            "Not a draft plan, its first turn has started, or a turn already has an "
            "active run (nothing is published)"
        )
    },
)
async def publish_plan(domain_id: UUID, plan_id: UUID, user: Writer, db: Db) -> PlanRead:
    """Manager: make every turn of a draft plan an active run, all or nothing."""
    return await planning.publish_plan(db, user, domain_id, plan_id)


absences_router = api_router(prefix="/api/participants", tags=["rota"])
PERSON_UNSEEN: Responses = {
    404: described("No such participant, or one of a domain the caller may not see")
}
OWN_OR_MANAGER: Responses = {
    403: described("Neither a manager of the domain nor the member linked to this participant")
}


@absences_router.get(
    "/{participant_id}/absences",
    response_model=list[AbsenceRead],
    responses=READ_ONE | PERSON_UNSEEN,
)
async def list_absences(participant_id: UUID, user: Reader, db: Db) -> list[AbsenceRead]:
    """A participant's absences, earliest first."""
    return await absences.list_absences(db, user, participant_id)


@absences_router.post(
    "/{participant_id}/absences",
    response_model=AbsenceRead,
    status_code=status.HTTP_201_CREATED,
    responses=WRITE_ONE | PERSON_UNSEEN | OWN_OR_MANAGER,
)
async def create_absence(
    participant_id: UUID, body: AbsenceCreate, user: Writer, db: Db
) -> AbsenceRead:
    """Record a time away: local dates (whole days, end included) or instants."""
    return await absences.create_absence(db, user, participant_id, body)


@absences_router.delete(
    "/{participant_id}/absences/{absence_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=WRITE_ONE
    | OWN_OR_MANAGER
    | {404: described("No such participant or absence, or one the caller may not see")},
)
async def delete_absence(participant_id: UUID, absence_id: UUID, user: Writer, db: Db) -> None:
    """Remove an absence."""
    await absences.delete_absence(db, user, participant_id, absence_id)


REPLAN_UNSEEN: Responses = {
    404: described("No such domain or proposal, or one the caller may not see")
}


@router.post(
    "/{domain_id}/replan",
    response_model=ReplanRead,
    status_code=status.HTTP_201_CREATED,
    responses=WRITE_ONE
    | UNSEEN
    | {
        403: described("The caller's role in the domain is below manager"),
        422: described(
            "Invalid input, no published turn to re-plan in the range, or no plan keeps "
            "every hard rule with the pinned places (BUSINESS_LOGIC_ERROR)"
        ),
    },
)
async def propose_replan(domain_id: UUID, body: ReplanRequest, user: Writer, db: Db) -> ReplanRead:
    """Manager: propose a plan for the published future turns with the fewest changes."""
    return await replanning.propose_replan(db, user, domain_id, body)


@router.get(
    "/{domain_id}/replans/{plan_id}", response_model=ReplanRead, responses=READ_ONE | REPLAN_UNSEEN
)
async def get_replan(domain_id: UUID, plan_id: UUID, user: Reader, db: Db) -> ReplanRead:
    """A re-plan proposal: the new plan, the number of changes, the diff per turn."""
    return await replanning.get_replan(db, user, domain_id, plan_id)


@router.post(
    "/{domain_id}/replans/{plan_id}/apply",
    response_model=ReplanRead,
    responses=WRITE_ONE
    | REPLAN_UNSEEN
    | {403: described("The caller's role in the domain is below manager")}
    | {
        409: described(
            "Already applied, or a turn started or changed since the proposal (nothing is applied)"
        )
    },
)
async def apply_replan(domain_id: UUID, plan_id: UUID, user: Writer, db: Db) -> ReplanRead:
    """Manager: apply a proposal in one transaction, recorded in each run's history."""
    return await replanning.apply_replan(db, user, domain_id, plan_id)


places_router = api_router(prefix="/api/assignments", tags=["rota"])
PLACE_UNSEEN: Responses = {
    404: described("No such run or place, or a run of a domain the caller may not see")
}
INACTIVE: Responses = {
    422: described("Invalid input, or the run is not active (BUSINESS_LOGIC_ERROR)")
}


@places_router.put(
    "/{assignment_id}/details/{detail_id}/pin",
    response_model=PlaceRead,
    responses=WRITE_ONE | PLACE_UNSEEN | INACTIVE,
)
async def pin_place(assignment_id: UUID, detail_id: UUID, user: Writer, db: Db) -> PlaceRead:
    """Manager: pin a place; re-planning never moves it."""
    return await places.set_pin(db, user, assignment_id, detail_id, True)


@places_router.delete(
    "/{assignment_id}/details/{detail_id}/pin",
    response_model=PlaceRead,
    responses=WRITE_ONE | PLACE_UNSEEN | INACTIVE,
)
async def unpin_place(assignment_id: UUID, detail_id: UUID, user: Writer, db: Db) -> PlaceRead:
    """Manager: unpin a place."""
    return await places.set_pin(db, user, assignment_id, detail_id, False)


@places_router.post(
    "/{assignment_id}/details/{detail_id}/override",
    response_model=EditResult,
    responses=WRITE_ONE
    | PLACE_UNSEEN
    | CONFLICT
    | {
        422: described(
            "Invalid input, the run is not active, or the cover breaks the run's rules "
            "(BUSINESS_LOGIC_ERROR with the validation results; force=true keeps it)"
        )
    },
)
async def override_place(
    assignment_id: UUID, detail_id: UUID, body: OverrideCreate, user: Writer, db: Db
) -> EditResult:
    """Manager: someone else covers this one place; the rota's person is kept."""
    return await places.override(db, user, assignment_id, detail_id, body)


@places_router.delete(
    "/{assignment_id}/details/{detail_id}/override",
    response_model=EditResult,
    responses=WRITE_ONE
    | PLACE_UNSEEN
    | CONFLICT
    | {
        422: described(
            "No override on this place, the run is not active, or the rota's person may no "
            "longer do it (force=true keeps it)"
        )
    },
)
async def remove_override(
    assignment_id: UUID,
    detail_id: UUID,
    user: Writer,
    db: Db,
    force: Annotated[
        bool, Query(description="keep it even if a validator reports an error")
    ] = False,
) -> EditResult:
    """Manager: end a cover; the rota's own person does the place again."""
    return await places.remove_override(
        db, user, assignment_id, detail_id, OverrideRemove(force=force)
    )
