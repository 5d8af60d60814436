"""Planning a horizon of turns (a draft plan), reading it, and publishing it.

Decisions:
- **One optimisation** for the K turns (`engine.horizon.plan_horizon`): the domain's
  active people (their recorded absences included) and active targets, the domain's
  rules (max assignments, group exclusions, never together), each turn's window from
  the rota. The turns just before the horizon (published turn runs) count for repeats;
  `rota.load.prior_load` gives each person's load and presence before it.
- **A plan is a draft** (`rota_plans` + `rota_plan_places`): previewable, nobody's turn
  and no history. Publishing makes one active run per turn — runs, details and a
  `publish` history row each — in one transaction: all or nothing. A turn that already
  has an active run is a 409 and nothing is published. A plan whose first turn has
  started is not published (409): turns that started are history; plan again.
- Planning and publishing need the manager role; reading a plan, any role in the domain.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from functools import partial
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import anyio

from vividshift.assignments import queries as run_queries
from vividshift.assignments.rules import build_rules, house_of
from vividshift.auth.deps import Principal
from vividshift.db import Connection, transaction
from vividshift.domains.rows import DomainRow
from vividshift.engine import (
    InvalidParameters,
    InvalidProblem,
    Problem,
    RunWindow,
    participant_from_mapping,
    target_from_mapping,
)
from vividshift.engine.horizon import (
    Horizon,
    HorizonInfeasible,
    HorizonResult,
    HorizonTimeout,
    PriorLoad,
    plan_horizon,
)
from vividshift.errors import BusinessRuleViolation, Conflict, NotFound, ValidationFailed
from vividshift.rota import queries
from vividshift.rota.config import rota_of
from vividshift.rota.events import rota_changed
from vividshift.rota.load import prior_load
from vividshift.rota.moments import instant
from vividshift.rota.rows import PlanPlace, PlanRow
from vividshift.rota.schemas import (
    PersonLoad,
    PlacePlanned,
    PlanRead,
    PlanRequest,
    SolverReport,
    TurnPlanned,
)
from vividshift.rota.service import domain_row
from vividshift.rota.turns import Turn, next_turns

SOLVER_WORKERS = 2
PREVIOUS_TURNS = 10  # turns before the horizon read for the no-repeat window


def _naive(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None)


async def load_base_problem(
    conn: Connection, domain: DomainRow, seed: int
) -> tuple[Problem, dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    """The domain's active people (with absences) and targets under its rules, and the
    rows by id (names, efforts)."""
    house = house_of(domain)
    people_rows = await run_queries.load_participants(conn, domain.id, None)
    target_rows = await run_queries.load_targets(conn, domain.id, None)
    try:
        people = [participant_from_mapping(r) for r in people_rows]
        targets = [target_from_mapping(r) for r in target_rows]
    except (ValueError, TypeError, KeyError) as exc:
        raise ValidationFailed("Stored data the engine cannot read", details=str(exc)) from None
    rules = build_rules(
        strategy=None,
        parameters={},
        constraints=[],
        validators=None,
        seed=seed,
        domain=domain,
        participants=people,
        targets=targets,
    )
    problem = Problem(
        participants=tuple(people),
        targets=tuple(targets),
        strategy=rules.strategy,
        parameters=rules.parameters,
        constraints=tuple(rules.constraints),
        validators=tuple(rules.validators),
        seed=rules.seed,
        timezone=house.timezone,
        availability_default=house.availability_default,
    )
    return (
        problem,
        {str(r["id"]): r for r in people_rows},
        {str(r["id"]): r for r in target_rows},
    )


async def previous_turns(
    conn: Connection, domain_id: UUID, before: datetime
) -> tuple[dict[str, frozenset[str]], ...]:
    """The turn runs just before `before`, latest first, as participant → targets."""
    out = []
    for run in await queries.turn_runs_before(conn, domain_id, before, PREVIOUS_TURNS):
        done: dict[str, set[str]] = defaultdict(set)
        for pid, tid in run.pairs:
            done[str(pid)].add(str(tid))
        out.append({p: frozenset(ts) for p, ts in done.items()})
    return tuple(out)


async def solve_horizon(horizon: Horizon, time_limit_s: float, seed: int) -> HorizonResult:
    """The engine off the event loop; its errors as ours (422)."""
    try:
        return await anyio.to_thread.run_sync(
            partial(
                plan_horizon,
                horizon,
                time_limit_s=time_limit_s,
                workers=SOLVER_WORKERS,
                seed=seed,
            )
        )
    except HorizonInfeasible as exc:
        raise BusinessRuleViolation(
            f"No plan keeps every hard rule: {exc}", details=exc.details
        ) from None
    except HorizonTimeout:
        raise BusinessRuleViolation(
            "No plan found within the time limit", details={"time_limit_s": time_limit_s}
        ) from None
    except (InvalidProblem, InvalidParameters) as exc:
        raise ValidationFailed("The domain's rules cannot be planned", details=str(exc)) from None


def solver_report(result: HorizonResult) -> dict[str, Any]:
    return {
        "status": result.status,
        "repeats": result.repeats,
        "max_deviation": result.max_deviation,
        "gap": result.gap,
        "changes": result.changes,
        "changes_proven": result.changes_proven,
        "variables": result.variables,
        "wall_s": result.wall_s,
        "phases": list(result.phases),
    }


def load_summary(result: HorizonResult, problem: Problem) -> dict[str, Any]:
    names = {p.id: p.name for p in problem.participants}
    return {
        pid: {
            "name": names.get(pid, pid),
            "count": result.count[pid],
            "effort": result.load[pid],
            "share": result.share[pid],
            "balance": result.balance[pid],
            "present_turns": result.present_turns[pid],
        }
        for pid in result.count
    }


def turn_summary(turn: Turn) -> dict[str, Any]:
    return {
        "start": turn.start.isoformat(),
        "end": turn.end.isoformat(),
        "local_start": turn.local_start.isoformat(),
    }


def place_rows(turns: list[Turn], result: HorizonResult) -> list[tuple[Any, ...]]:
    """Rows of rota_plan_places: per turn, per target, positions 1.. in participant order."""
    rows: list[tuple[Any, ...]] = []
    for k, (turn, pairs) in enumerate(zip(turns, result.turns, strict=True)):
        position: dict[str, int] = defaultdict(int)
        for pid, tid in pairs:
            position[tid] += 1
            rows.append(
                (
                    k,
                    turn.start,
                    turn.end,
                    turn.local_start,
                    UUID(pid),
                    UUID(tid),
                    position[tid],
                    None,  # the run, once published
                )
            )
    return rows


async def create_plan(
    conn: Connection, principal: Principal, domain_id: UUID, body: PlanRequest
) -> PlanRead:
    """Plan the next K turns in one optimisation and keep them as a draft plan."""
    async with transaction(conn, acting_user=principal.id):
        domain = await domain_row(conn, principal, domain_id, "manager")
        if not domain.is_active:
            raise ValidationFailed("Domain is inactive", details={"domain": domain.name})
        rota = rota_of(domain)
        # Turns that started are history: a `from` in the past (today's date) means now.
        first = max(instant(body.start, ZoneInfo(rota.zone)), datetime.now(UTC))
        turns = next_turns(rota, first, body.turns)
        problem, _, _ = await load_base_problem(conn, domain, body.seed)
        prior = await prior_load(conn, domain_id, turns[0].start)
        horizon = Horizon(
            base=problem,
            turns=tuple(RunWindow(_naive(t.start), _naive(t.end)) for t in turns),
            previous=await previous_turns(conn, domain_id, turns[0].start),
            prior={str(pid): PriorLoad(*load) for pid, load in prior.items()},
        )
        result = await solve_horizon(horizon, body.time_limit_s, body.seed)
        plan = await queries.insert_plan(
            conn,
            {
                "domain_id": domain_id,
                "kind": "plan",
                "first_turn_start": turns[0].start,
                "last_turn_end": turns[-1].end,
                "turn_count": len(turns),
                "solver": solver_report(result),
                "summary": {
                    "timezone": rota.zone,
                    "turns": [turn_summary(t) for t in turns],
                    "people": load_summary(result, problem),
                },
                "created_by": principal.id,
            },
        )
        await queries.copy_plan_places(conn, plan.id, place_rows(turns, result))
        return await read_plan_row(conn, plan)


async def get_plan(
    conn: Connection, principal: Principal, domain_id: UUID, plan_id: UUID
) -> PlanRead:
    """A plan of the domain (any role there): its grid, loads and solver report."""
    async with conn.transaction():
        await domain_row(conn, principal, domain_id, "viewer")
        plan = await queries.get_plan(conn, plan_id, domain_id)
        if plan is None:
            raise NotFound("Plan not found", details={"plan_id": str(plan_id)})
        return await read_plan_row(conn, plan)


async def publish_plan(
    conn: Connection, principal: Principal, domain_id: UUID, plan_id: UUID
) -> PlanRead:
    """Make every turn of a draft plan an active run, all or nothing."""
    async with transaction(conn, acting_user=principal.id):
        domain = await domain_row(conn, principal, domain_id, "manager")
        plan = await _publishable_plan(conn, domain_id, plan_id)
        by_turn: dict[int, list[PlanPlace]] = defaultdict(list)
        for place in await queries.plan_places(conn, plan_id):
            by_turn[place.turn_index].append(place)
        problem, _, _ = await load_base_problem(conn, domain, 0)
        zone = ZoneInfo(plan.summary["timezone"])
        runs: dict[int, UUID] = {}
        for k, turn in enumerate(plan.summary["turns"]):
            runs[k] = await _publish_turn(
                conn, principal, domain, problem, zone, plan_id, k, turn, by_turn.get(k, [])
            )
        await queries.set_plan_runs(conn, plan_id, runs)
        await rota_changed(
            conn,
            domain_id,
            "plan_published",
            {"plan": str(plan_id), "runs": [str(r) for r in runs.values()]},
        )
        updated = await queries.update_plan(
            conn,
            plan_id,
            {
                "status": "published",
                "published_by": principal.id,
                "published_at": datetime.now(UTC),
            },
        )
        return await read_plan_row(conn, updated)


async def _publishable_plan(conn: Connection, domain_id: UUID, plan_id: UUID) -> PlanRow:
    """The plan, locked: a draft whose first turn has not started (404, 409 otherwise)."""
    plan = await queries.get_plan(conn, plan_id, domain_id, lock=True)
    if plan is None:
        raise NotFound("Plan not found", details={"plan_id": str(plan_id)})
    if plan.kind != "plan" or plan.status != "draft":
        raise Conflict(
            "Only a draft plan can be published",
            details={"kind": plan.kind, "status": plan.status},
        )
    if plan.first_turn_start <= datetime.now(UTC):
        raise Conflict(
            "The plan's first turn has started: plan again from now",
            details={"first_turn_start": plan.first_turn_start.isoformat()},
        )
    return plan


async def _publish_turn(
    conn: Connection,
    principal: Principal,
    domain: DomainRow,
    problem: Problem,
    zone: ZoneInfo,
    plan_id: UUID,
    k: int,
    turn: dict[str, Any],
    places: list[PlanPlace],
) -> UUID:
    """Turn `k` of the plan as an active run with its places and history; the run's id."""
    start = datetime.fromisoformat(turn["start"])
    end = datetime.fromisoformat(turn["end"])
    run = await queries.insert_turn_run(
        conn,
        {
            "name": f"Turn {turn['local_start'][:16].replace('T', ' ')}",
            "assignment_date": start.astimezone(zone).date(),
            "strategy_used": problem.strategy,
            "configuration": _run_configuration(domain, problem, start, end, plan_id),
            "metadata": {"planner": "horizon", "plan_id": str(plan_id), "turn": k},
            "created_by": principal.id,
            "domain_id": domain.id,
            "turn_start": start,
            "turn_end": end,
            "turn_local_start": datetime.fromisoformat(turn["local_start"]),
            "plan_id": plan_id,
        },
    )
    details = [
        (
            p.participant_id,
            p.target_id,
            p.position,
            {
                "strategy": "horizon",
                "participant_name": p.participant_name,
                "target_name": p.target_name,
                "position": p.position,
                "plan_id": str(plan_id),
            },
        )
        for p in places
    ]
    await queries.copy_run_details(conn, run.id, details)
    await run_queries.insert_history(
        conn, run.id, "publish", {"plan": str(plan_id), "turn": k, "details": len(details)}
    )
    return run.id


def _run_configuration(
    domain: DomainRow, problem: Problem, start: datetime, end: datetime, plan_id: UUID
) -> dict[str, Any]:
    """What edits re-validate a turn's run against: the turn as its window."""
    return {
        "strategy": problem.strategy,
        "parameters": dict(problem.parameters),
        "constraints": [],
        "validators": [
            {"name": v.name, "parameters": dict(v.parameters)} for v in problem.validators
        ],
        "seed": problem.seed,
        "window": {"start": _naive(start).isoformat(), "end": _naive(end).isoformat()},
        "inputs": {"participants": "all_active", "targets": [t.id for t in problem.targets]},
        "plan_id": str(plan_id),
        "domain": domain.name,
        "domain_id": str(domain.id),
    }


async def read_plan_row(conn: Connection, plan: PlanRow) -> PlanRead:
    """The plan as the API shows it: turns with places, the people × turns grid."""
    places = await queries.plan_places(conn, plan.id)
    summary = plan.summary
    by_turn: dict[int, list[PlanPlace]] = defaultdict(list)
    for place in places:
        by_turn[place.turn_index].append(place)
    names = {str(p.participant_id): p.participant_name for p in places}
    turns = []
    for k, turn in enumerate(summary["turns"]):
        rows = by_turn.get(k, [])
        turns.append(
            TurnPlanned(
                index=k,
                start=datetime.fromisoformat(turn["start"]),
                end=datetime.fromisoformat(turn["end"]),
                local_start=datetime.fromisoformat(turn["local_start"]),
                run_id=next((r.run_id for r in rows if r.run_id is not None), None),
                places=[
                    PlacePlanned(
                        target_id=r.target_id,
                        target_name=r.target_name,
                        participant_id=r.participant_id,
                        participant_name=r.participant_name,
                        position=r.position,
                        effort=float(r.effort),
                    )
                    for r in rows
                ],
            )
        )
    people = []
    for pid, load in summary["people"].items():
        per_turn: list[str | None] = []
        for k in range(len(summary["turns"])):
            mine = [r.target_name for r in by_turn.get(k, []) if str(r.participant_id) == pid]
            per_turn.append(", ".join(mine) if mine else None)
        people.append(
            PersonLoad(
                participant_id=UUID(pid),
                name=names.get(pid) or load.get("name") or pid,
                count=load["count"],
                effort=load["effort"],
                share=load["share"],
                balance=load["balance"],
                present_turns=load["present_turns"],
                per_turn=per_turn,
            )
        )
    people.sort(key=lambda p: (p.name, str(p.participant_id)))
    return PlanRead(
        id=plan.id,
        domain_id=plan.domain_id,
        kind=plan.kind,
        status=plan.status,
        timezone=summary["timezone"],
        turns=turns,
        people=people,
        solver=SolverReport.model_validate(plan.solver),
        created_at=plan.created_at,
        published_at=plan.published_at,
    )
