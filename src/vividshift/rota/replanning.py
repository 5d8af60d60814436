"""Re-planning published turns with the fewest changes, and applying a proposal.

Decisions:
- The turns re-planned are the domain's **published** turns (active turn runs) starting
  in [from, to) **and not yet started**: a turn that started is history and never
  changes. The turns before them count for repeats and prior load as in planning.
- Today's people (active, absences included) and targets under today's rules; the
  published places are what changes are counted against. **Pinned** places and
  **overrides** (a place whose `rota_participant_id` is set: someone stands in) stay as
  they are: re-planning never undoes a decision a manager took by hand.
- The solver minimises the number of published places whose person leaves first (the
  proposal says whether that minimum is proven), then repeats, then fairness.
- A proposal is kept (`rota_plans` kind `replan`, draft). Applying it is one
  transaction: each affected run must still be active, not started and exactly as it
  was proposed against (else 409, nothing applied); places change hands in place (the
  position is kept), and each affected run gets a `replan` history row listing who left
  which place and who took it.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from vividshift.assignments import queries as run_queries
from vividshift.auth.deps import Principal
from vividshift.db import Connection, transaction
from vividshift.domains.rows import DomainRow
from vividshift.engine import Problem, RunWindow
from vividshift.engine.horizon import Horizon, HorizonResult, PriorLoad
from vividshift.errors import Conflict, NotFound, ValidationFailed
from vividshift.rota import queries
from vividshift.rota.events import rota_changed
from vividshift.rota.load import prior_load
from vividshift.rota.moments import instant
from vividshift.rota.planning import (
    load_base_problem,
    load_summary,
    previous_turns,
    read_plan_row,
    solve_horizon,
    solver_report,
)
from vividshift.rota.rows import PlanRow, RunPlace, TurnRun
from vividshift.rota.schemas import (
    PersonRef,
    PlaceChange,
    ReplanRead,
    ReplanRequest,
    TurnDiff,
)
from vividshift.rota.service import domain_row

Pair = tuple[str, str]


def _naive(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None)


def turn_diff(published: set[Pair], planned: set[Pair]) -> list[dict[str, str | None]]:
    """Per target, who leaves and who takes a place, paired in a stable order."""
    leaves: dict[str, list[str]] = defaultdict(list)
    takes: dict[str, list[str]] = defaultdict(list)
    for pid, tid in sorted(published - planned):
        leaves[tid].append(pid)
    for pid, tid in sorted(planned - published):
        takes[tid].append(pid)
    changes: list[dict[str, str | None]] = []
    for tid in sorted(set(leaves) | set(takes)):
        out, into = leaves[tid], takes[tid]
        for n in range(max(len(out), len(into))):
            changes.append(
                {
                    "target": tid,
                    "leaves": out[n] if n < len(out) else None,
                    "takes": into[n] if n < len(into) else None,
                }
            )
    return changes


async def propose_replan(
    conn: Connection, principal: Principal, domain_id: UUID, body: ReplanRequest
) -> ReplanRead:
    """A new plan for the published future turns in [from, to) with the fewest changes."""
    async with transaction(conn, acting_user=principal.id):
        domain = await domain_row(conn, principal, domain_id, "manager")
        zone = ZoneInfo(_zone(domain))
        start = instant(body.start, zone)
        plan = await propose_for(
            conn, domain, principal.id, start, instant(body.end, zone), body.time_limit_s, body.seed
        )
        return await _read(conn, plan)


async def propose_for(
    conn: Connection,
    domain: DomainRow,
    actor: UUID | None,
    start: datetime,
    end: datetime,
    time_limit_s: float,
    seed: int = 0,
) -> PlanRow:
    """The proposal's row, in the caller's transaction (a re-plan asked for, or one an
    absence triggered): the published turns starting in [start, end) and after now."""
    domain_id = domain.id
    zone = ZoneInfo(_zone(domain))
    runs = await _future_runs(conn, domain_id, max(start, datetime.now(UTC)), end)
    places = await queries.run_places(conn, [r.id for r in runs])
    published, pinned = _held_places(runs, places)
    problem, _, targets = await load_base_problem(conn, domain, seed)
    horizon = await _horizon(conn, domain_id, problem, runs, published, pinned)
    result = await solve_horizon(horizon, time_limit_s, seed)
    plan = await queries.insert_plan(
        conn,
        {
            "domain_id": domain_id,
            "kind": "replan",
            "first_turn_start": runs[0].turn_start,
            "last_turn_end": runs[-1].turn_end,
            "turn_count": len(runs),
            "solver": solver_report(result),
            "summary": _summary(zone, runs, places, targets, problem, published, result),
            "created_by": actor,
        },
    )
    await queries.copy_plan_places(conn, plan.id, _place_rows(runs, result))
    return plan


async def _future_runs(
    conn: Connection, domain_id: UUID, start: datetime, end: datetime
) -> list[TurnRun]:
    """The published turn runs starting in [start, end); 422 when there is none."""
    runs = await queries.published_turn_runs(conn, domain_id, start, end)
    if not runs:
        raise ValidationFailed(
            "No published turn that has not started lies in the range",
            details={"from": start.isoformat(), "to": end.isoformat()},
        )
    return runs


def _held_places(
    runs: list[TurnRun], places: list[RunPlace]
) -> tuple[tuple[frozenset[Pair], ...], tuple[frozenset[Pair], ...]]:
    """Per run, the (participant, target) pairs it holds, and those that must stay
    (pinned, or someone standing in for the rota's person)."""
    by_run: dict[UUID, list[RunPlace]] = defaultdict(list)
    for place in places:
        by_run[place.assignment_id].append(place)
    published = tuple(
        frozenset((str(p.participant_id), str(p.target_id)) for p in by_run[r.id]) for r in runs
    )
    pinned = tuple(
        frozenset(
            (str(p.participant_id), str(p.target_id))
            for p in by_run[r.id]
            if p.pinned or p.rota_participant_id is not None
        )
        for r in runs
    )
    return published, pinned


async def _horizon(
    conn: Connection,
    domain_id: UUID,
    problem: Problem,
    runs: list[TurnRun],
    published: tuple[frozenset[Pair], ...],
    pinned: tuple[frozenset[Pair], ...],
) -> Horizon:
    """The runs' turns to solve again, with the load and turns before the first one."""
    first = runs[0].turn_start
    prior = await prior_load(conn, domain_id, first)
    return Horizon(
        base=problem,
        turns=tuple(RunWindow(_naive(r.turn_start), _naive(r.turn_end)) for r in runs),
        previous=await previous_turns(conn, domain_id, first),
        prior={str(pid): PriorLoad(*load) for pid, load in prior.items()},
        published=published,
        pinned=pinned,
    )


def _summary(
    zone: ZoneInfo,
    runs: list[TurnRun],
    places: list[RunPlace],
    targets: dict[str, dict[str, Any]],
    problem: Problem,
    published: tuple[frozenset[Pair], ...],
    result: HorizonResult,
) -> dict[str, Any]:
    """The proposal as the plan stores it: its turns, loads, the changes per turn and
    the names the page shows."""
    names = {str(p.participant_id): p.participant_name for p in places}
    names |= {p.id: p.name for p in problem.participants}
    target_names = {str(p.target_id): p.target_name for p in places}
    target_names |= {tid: row["name"] for tid, row in targets.items()}
    diff = [
        {
            "index": k,
            "run_id": str(run.id),
            "start": run.turn_start.isoformat(),
            "local_start": run.turn_local_start.isoformat(),
            "changes": turn_diff(set(published[k]), set(result.turns[k])),
        }
        for k, run in enumerate(runs)
    ]
    return {
        "timezone": zone.key,
        "turns": [
            {
                "start": r.turn_start.isoformat(),
                "end": r.turn_end.isoformat(),
                "local_start": r.turn_local_start.isoformat(),
                "run_id": str(r.id),
            }
            for r in runs
        ],
        "people": load_summary(result, problem),
        "published": [sorted(map(list, pairs)) for pairs in published],
        "diff": diff,
        "names": names,
        "target_names": target_names,
    }


def _zone(domain: DomainRow) -> str:
    return str(domain.configuration.get("timezone") or "UTC")


def _place_rows(runs: list[TurnRun], result: HorizonResult) -> list[tuple[Any, ...]]:
    rows: list[tuple[Any, ...]] = []
    for k, (run, pairs) in enumerate(zip(runs, result.turns, strict=True)):
        position: dict[str, int] = defaultdict(int)
        for pid, tid in pairs:
            position[tid] += 1
            rows.append(
                (
                    k,
                    run.turn_start,
                    run.turn_end,
                    run.turn_local_start,
                    UUID(pid),
                    UUID(tid),
                    position[tid],
                    run.id,
                )
            )
    return rows


async def _read(conn: Connection, plan: PlanRow) -> ReplanRead:
    summary = plan.summary
    names, target_names = summary["names"], summary["target_names"]

    def person(pid: str | None) -> PersonRef | None:
        return (
            None if pid is None else PersonRef(participant_id=UUID(pid), name=names.get(pid, pid))
        )

    diff = [
        TurnDiff(
            index=turn["index"],
            run_id=UUID(turn["run_id"]),
            start=datetime.fromisoformat(turn["start"]),
            local_start=datetime.fromisoformat(turn["local_start"]),
            changes=[
                PlaceChange(
                    target_id=UUID(c["target"]),
                    target_name=target_names.get(c["target"], c["target"]),
                    leaves=person(c["leaves"]),
                    takes=person(c["takes"]),
                )
                for c in turn["changes"]
            ],
        )
        for turn in summary["diff"]
        if turn["changes"]
    ]
    return ReplanRead(
        plan=await read_plan_row(conn, plan),
        changes=int(plan.solver.get("changes") or 0),
        changes_proven=bool(plan.solver.get("changes_proven")),
        diff=diff,
    )


async def get_replan(
    conn: Connection, principal: Principal, domain_id: UUID, plan_id: UUID
) -> ReplanRead:
    """A re-plan proposal with its diff."""
    async with conn.transaction():
        await domain_row(conn, principal, domain_id, "viewer")
        plan = await queries.get_plan(conn, plan_id, domain_id)
        if plan is None or plan.kind != "replan":
            raise NotFound("Re-plan proposal not found", details={"plan_id": str(plan_id)})
        return await _read(conn, plan)


async def apply_replan(
    conn: Connection, principal: Principal, domain_id: UUID, plan_id: UUID
) -> ReplanRead:
    """Apply a proposal to the published runs: one transaction, each run's history."""
    async with transaction(conn, acting_user=principal.id):
        await domain_row(conn, principal, domain_id, "manager")
        plan = await queries.get_plan(conn, plan_id, domain_id, lock=True)
        if plan is None or plan.kind != "replan":
            raise NotFound("Re-plan proposal not found", details={"plan_id": str(plan_id)})
        if plan.status != "draft":
            raise Conflict("This proposal was already applied", details={"status": plan.status})
        summary = plan.summary
        now = datetime.now(UTC)
        moves: dict[str, list[tuple[UUID, UUID, UUID]]] = {}
        for turn in summary["diff"]:
            if turn["changes"]:
                moves[turn["run_id"]] = await _apply_turn(
                    conn, plan_id, turn, summary["published"][turn["index"]], now
                )
        updated = await queries.update_plan(
            conn,
            plan_id,
            {"status": "published", "published_by": principal.id, "published_at": now},
        )
        await rota_changed(
            conn,
            domain_id,
            "replan_applied",
            {"plan": str(plan_id), "diff": summary["diff"], "moves": moves},
        )
        return await _read(conn, updated)


async def _apply_turn(
    conn: Connection,
    plan_id: UUID,
    turn: dict[str, Any],
    proposed_against: list[list[str]],
    now: datetime,
) -> list[tuple[UUID, UUID, UUID]]:
    """Apply one turn's changes; the places that changed hands (detail, before, after)."""
    run_id = UUID(turn["run_id"])
    run = await run_queries.get_assignment(conn, run_id, lock=True)
    if run is None or run.status != "active" or run.turn_start is None or run.turn_start <= now:
        raise Conflict(
            "A turn of the proposal is no longer open to change (started, or not active): "
            "nothing was applied; re-plan again",
            details={"run_id": str(run_id)},
        )
    places = await queries.run_places(conn, [run_id])
    current = sorted([str(p.participant_id), str(p.target_id)] for p in places)
    if current != sorted(proposed_against):
        raise Conflict(
            "A turn changed since the proposal was made: nothing was applied; re-plan again",
            details={"run_id": str(run_id)},
        )
    detail_of = {(str(p.participant_id), str(p.target_id)): p for p in places}
    last_position: dict[str, int] = defaultdict(int)
    for p in places:
        last_position[str(p.target_id)] = max(last_position[str(p.target_id)], p.position)
    moved: list[tuple[UUID, UUID, UUID]] = []
    for change in turn["changes"]:
        tid, leaves, takes = change["target"], change["leaves"], change["takes"]
        if leaves is not None and takes is not None:
            detail_id = detail_of[leaves, tid].id
            await queries.move_place(conn, detail_id, UUID(takes))
            moved.append((detail_id, UUID(leaves), UUID(takes)))
        elif leaves is not None:
            await queries.remove_place(conn, detail_of[leaves, tid].id)
        elif takes is not None:
            last_position[tid] += 1
            await queries.add_place(conn, run_id, UUID(takes), UUID(tid), last_position[tid])
    await run_queries.insert_history(
        conn, run_id, "replan", {"plan": str(plan_id), "changes": turn["changes"]}
    )
    return moved


__all__ = ["apply_replan", "get_replan", "propose_replan", "turn_diff"]
