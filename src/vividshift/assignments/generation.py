"""Generating an assignment run: load the inputs, solve, persist.

Decisions:
- **A run is of one domain**: the body's `domain` (name or id), else `default`. The
  caller needs the manager role there (`vividshift.domains.access`: 404 for a domain
  they may not see, 403 without the role); `principal=None` is the system (a worker
  running a job checked when it was submitted, a schedule). "Empty list = all active"
  means all active people and tasks *of that domain*; ids of another domain are
  unknown (422), exactly like ids that do not exist.
- **One transaction per generation** (`generate`; `generate_released`, the route's,
  reads first on a connection it gives back during the solve, then re-reads under the
  lock and persists). Inputs are read, the engine solves (in a worker
  thread, off the event loop) and the run is written — the `assignments` row, every
  detail (one COPY), and a `generate` history row next to the trigger's `INSERT` row —
  all in one transaction with `app.current_user_id` set to the caller. Any failure
  leaves nothing behind.
- **Concurrent generations of one (domain, date)** are serialised by a transaction-level
  advisory lock on that key: the second waits until the first commits or rolls back,
  at most `GENERATION_LOCK_TIMEOUT_MS` (30 s), and then gets 409. Runs of other domains
  or dates do not wait for each other.
- **One active run per (domain, date)**, enforced by a partial unique index. When the
  (domain, date) already has one, the request's `replace` decides: unset → 409 naming
  it; `cancel` → it is cancelled (and no longer counts as history); `complete` → it is
  completed (it becomes history). Both runs' history records the replacement.
- **History** of a run: the latest `HISTORY_RUNS` (or more, when a no-repeat window asks
  for it) non-cancelled runs of the same domain (a run that names none is of the domain
  `default`) dated on or before the run's date, ordered by (assignment_date, created_at): a run
  created later on the same date is the more recent one.
- **Error-level validation failures block the run** (422 with the failures) unless the
  body says `force` (the route allows that to admins only); a forced run says so in its
  metadata and history.
- **Fair share**: once the domain has outcomes of places, the balance objective plans
  against each person's ledger balance (`vividshift.ledger`: effort done − fair share,
  prorated by presence) instead of counting places in the recent history.
- **Big runs stay cheap around the solver**: the history comes as three integer arrays
  numbered in PostgreSQL (`queries.past_places` → `engine.past.PastPlaces`), read while
  a worker thread converts the people; the details are made in a worker thread while
  the saving transaction locks and checks its inputs, and written by one COPY,
  and a run comes back as a `GeneratedRun` that the route encodes once
  (`GeneratedRun.to_json`); `generate` still answers the pydantic model for callers that
  want objects.
- **Window**: the request's `window`, else the whole `assignment_date` in the domain's
  time zone (`configuration.timezone`, default UTC): availability is checked against it.
  The date defaults to today in that zone.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, replace
from datetime import date
from functools import partial
from time import perf_counter
from typing import Any
from uuid import UUID

import anyio
import numpy as np
import psycopg.errors

from vividshift.assignments import queries
from vividshift.assignments.generated import Detail, GeneratedRun
from vividshift.assignments.metrics import observe_generation
from vividshift.assignments.rows import AssignmentRow
from vividshift.assignments.rules import House, RunRules, build_rules, house_of, run_window
from vividshift.assignments.schemas import GenerateRequest, GenerateResponse
from vividshift.auth.deps import Principal
from vividshift.db import Connection, transaction
from vividshift.domains import queries as domain_queries
from vividshift.domains.access import domain_access
from vividshift.domains.rows import DomainRow
from vividshift.engine import (
    History,
    Infeasible,
    InvalidParameters,
    InvalidProblem,
    Problem,
    SolveResult,
    participant_from_mapping,
    solve,
    target_from_mapping,
)
from vividshift.engine.past import PastPlaces
from vividshift.errors import BusinessRuleViolation, Conflict, ValidationFailed
from vividshift.idempotency.service import run_idempotent
from vividshift.ledger.duration import hours_of, weighs_by_duration
from vividshift.ledger.ledger import prior_load
from vividshift.notifications import events

GENERATION_LOCK_TIMEOUT_MS = 30_000
GENERATE_SCOPE = "assignments.generate"  # the idempotency scope, shared with the web page
HISTORY_RUNS = 10
MAX_HISTORY_RUNS = 100
SOLVE_TIME_LIMIT_S = 20.0
# Solves at once per process: a solve is CPU-bound, so more than the CPUs only slows each
# one down (the pool used to be this limit, by holding a connection through the solve).
SOLVER_SLOTS = max(1, os.cpu_count() or 1)
_solver_limiter: anyio.CapacityLimiter | None = None


def _solver_slots() -> anyio.CapacityLimiter:
    global _solver_limiter
    if _solver_limiter is None:
        _solver_limiter = anyio.CapacityLimiter(SOLVER_SLOTS)
    return _solver_limiter


def _check_ids(kind: str, requested: list[UUID], rows: list[dict[str, Any]]) -> None:
    found = {str(r["id"]): r for r in rows}  # ids as UUIDs or as text
    wanted = [str(i) for i in dict.fromkeys(requested)]
    unknown = [i for i in wanted if i not in found]
    if unknown:
        raise ValidationFailed(f"Unknown {kind}", details={f"unknown_{kind}": unknown[:100]})
    inactive = [i for i in wanted if not found[i]["is_active"]]
    if inactive:
        raise ValidationFailed(f"Inactive {kind}", details={f"inactive_{kind}": inactive[:100]})


def _history_depth(problem_params: dict[str, Any], constraints: list[dict], targets) -> int:
    windows = [HISTORY_RUNS, int(problem_params.get("history_window") or 0)]
    for c in constraints:
        if c.get("name") == "no_repeat":
            p = c.get("parameters") or {}
            windows.append(int(p.get("window") or 0))
            windows.extend(int(v) for v in (p.get("per_target") or {}).values())
    windows.extend(t.no_repeat_window or 0 for t in targets)
    return min(max(windows), MAX_HISTORY_RUNS)


async def _domain(conn: Connection, principal: Principal | None, ref: str | None) -> DomainRow:
    """The run's domain, where the caller is a manager (404 unseen, 403 below manager);
    an inactive domain is a 422."""
    access = (await domain_access(conn, principal, ref)).require("manager")
    row = await domain_queries.get_domain(conn, access.domain_id)
    assert row is not None
    if not row.is_active:
        raise ValidationFailed("Domain is inactive", details={"domain": ref or row.name})
    return row


def _engine_rows(kind: str, rows: list[dict[str, Any]], convert: Callable) -> list:
    try:
        return [convert(r) for r in rows]
    except (ValueError, TypeError, KeyError) as exc:
        raise ValidationFailed(
            f"Stored {kind} data the engine cannot read", details=str(exc)
        ) from None


async def generate(
    conn: Connection,
    principal: Principal | None,
    body: GenerateRequest,
    *,
    actor: UUID | None = None,
) -> GenerateResponse:
    """`generate_run`, answered as the pydantic model."""
    return (await generate_run(conn, principal, body, actor=actor)).to_model()


async def generate_run(
    conn: Connection,
    principal: Principal | None,
    body: GenerateRequest,
    *,
    actor: UUID | None = None,
) -> GeneratedRun:
    """Load, solve, persist: one transaction (see the module's decisions). `actor` (the
    run's author; default: the principal) is who the run and its history name."""
    started = perf_counter()
    if actor is None and principal is not None:
        actor = principal.id
    async with transaction(conn, acting_user=actor):
        prep = await _prepare(conn, principal, body, lock=True)
        loaded = perf_counter()
        result = await _solve(prep.problem)
        solved = perf_counter()
        row, details, metadata, timings = await _persist(
            conn, prep, body, result, actor, {"load": loaded - started, "solve": solved - loaded}
        )
    return _generated(prep, result, row, details, metadata, timings, started, solved)


class ClientGone(Exception):
    """The client closed the connection while its run was being solved: nothing saved."""


async def generate_released(
    connect: Callable[[], AbstractAsyncContextManager[Connection]],
    principal: Principal | None,
    body: GenerateRequest,
    *,
    client_gone: Callable[[], Awaitable[bool]] | None = None,
) -> GeneratedRun:
    """`generate_run` without holding a database connection while the solver runs: read the
    inputs on one connection (in a transaction rolled back, so a `replace` is only
    looked at), release it, solve, then on a fresh connection take the (domain, date)
    lock and compare a digest of the inputs (`inputs_fingerprint`): unchanged, settle
    and persist; changed meanwhile, read and solve again under the lock, then persist. A
    client gone after the solve (`client_gone`) stops it before anything is written
    (ClientGone)."""
    started = perf_counter()
    actor = principal.id if principal is not None else None
    async with connect() as conn, conn.transaction(force_rollback=True):
        first = await _prepare(conn, principal, body, lock=False)
    loaded = perf_counter()
    result = await _solve(first.problem)
    solved = perf_counter()
    if client_gone is not None and await client_gone():
        raise ClientGone
    # The details are made and encoded in a worker thread while the server takes the
    # lock and checks the inputs below: both cores at work instead of one after the other.
    details = _details_soon(result, first.problem, first.rules.strategy)
    making = [details]
    dated = body.model_copy(update={"assignment_date": first.run_date})
    try:
        async with connect() as conn, transaction(conn, acting_user=actor):
            domain = await _domain(conn, principal, dated.domain)
            await _lock(conn, domain.name, first.run_date)
            fingerprint = await queries.inputs_fingerprint(conn, domain.id, first.run_date)
            if fingerprint == first.fingerprint:
                replaced = await _settle_active_run(
                    conn, domain.id, domain.name, first.run_date, body.replace
                )
                prep = replace(first, domain=domain, replaced=replaced)
            else:
                # Something changed meanwhile (a concurrent run of the same date, an edit):
                # read and solve again under the lock — this rare path holds the connection
                # through the solve, as every generation used to.
                prep = await _prepare(conn, principal, dated, lock=False)
                result = await _solve(prep.problem)
                solved = perf_counter()
                details = _details_soon(result, prep.problem, prep.rules.strategy)
                making.append(details)
            row, rows, metadata, timings = await _persist(
                conn,
                prep,
                body,
                result,
                actor,
                {"load": loaded - started, "solve": solved - loaded},
                details,
            )
    finally:
        # No worker thread outlives its request (one that failed before using them).
        await asyncio.wait(making)
    return _generated(prep, result, row, rows, metadata, timings, started, solved)


@dataclass(frozen=True)
class _Prepared:
    """What a run is generated from, read under the caller's transaction."""

    domain: DomainRow
    house: House
    run_date: date
    replaced: AssignmentRow | None
    problem: Problem
    rules: RunRules
    inputs: dict[str, Any]
    fingerprint: str  # of the inputs as read, before the active run was settled


async def _prepare(
    conn: Connection, principal: Principal | None, body: GenerateRequest, *, lock: bool
) -> _Prepared:
    """The domain (checked), the active run settled as `replace` says, and the Problem."""
    domain = await _domain(conn, principal, body.domain)
    house = house_of(domain)
    run_date = body.assignment_date or house.today()
    if lock:
        await _lock(conn, domain.name, run_date)
    fingerprint = await queries.inputs_fingerprint(conn, domain.id, run_date)
    replaced = await _settle_active_run(conn, domain.id, domain.name, run_date, body.replace)
    problem, rules, inputs = await _load_problem(conn, body, domain, domain.id, house, run_date)
    return _Prepared(domain, house, run_date, replaced, problem, rules, inputs, fingerprint)


async def _persist(
    conn: Connection,
    prep: _Prepared,
    body: GenerateRequest,
    result: SolveResult,
    actor: UUID | None,
    seconds: dict[str, float],
    details: Awaitable[_Details] | None = None,
) -> tuple[AssignmentRow, list[Detail], dict[str, Any], dict[str, float]]:
    """Write the run, its details (`details`: being made already, else made here) and
    history (in the caller's transaction)."""
    domain, problem, rules, inputs, replaced = (
        prep.domain,
        prep.problem,
        prep.rules,
        prep.inputs,
        prep.replaced,
    )
    domain_id, run_date = domain.id, prep.run_date
    failures = _error_failures(result)
    if failures and not body.force:
        raise BusinessRuleViolation(
            "The run breaks error-level rules; nothing was saved (an admin may send "
            "force=true to keep it anyway)",
            details={"validation_results": failures},
        )
    timings = {
        "load_ms": round(seconds["load"] * 1e3, 3),
        "solve_ms": round(seconds["solve"] * 1e3, 3),
    }
    configuration = _configuration(rules, result, problem, domain, inputs)
    metadata = result.metadata() | {
        "timings_ms": timings,
        "notes": list(result.notes) + rules.notes,
    }
    if failures:
        metadata["forced"] = True
    if replaced is not None:
        metadata["replaced"] = {"run": str(replaced.id), "replace": body.replace}
    row = await queries.insert_assignment(
        conn,
        {
            "name": body.name,
            "description": body.description,
            "assignment_date": run_date,
            "strategy_used": rules.strategy,
            "configuration": configuration,
            "metadata": metadata,
            "created_by": actor,
            "domain_id": domain_id,
        },
    )
    made = _details(result, problem, rules.strategy) if details is None else await details
    await queries.copy_detail_lines(conn, row.id, made.lines)
    await _record_history(conn, row.id, result, rules, len(made.rows), failures, replaced)
    if replaced is not None:
        await queries.insert_history(
            conn,
            replaced.id,
            "replaced",
            {"status": {"from": "active", "to": replaced.status}, "by_run": str(row.id)},
            {"replace": body.replace},
        )
    # In this transaction: a run rolled back (or a preview) tells nobody.
    await events.run_published(conn, row.id)
    return row, made.rows, metadata, timings


def _generated(
    prep: _Prepared,
    result: SolveResult,
    row: AssignmentRow,
    details: list[Detail],
    metadata: dict[str, Any],
    timings: dict[str, float],
    started: float,
    solved: float,
) -> GeneratedRun:
    persisted = perf_counter()
    observe_generation(prep.rules.strategy, result.status, result.method, persisted - started)
    response_meta = metadata | {
        "timings_ms": timings
        | {
            "persist_ms": round((persisted - solved) * 1e3, 3),
            "total_ms": round((persisted - started) * 1e3, 3),
        }
    }
    return GeneratedRun(
        id=row.id,
        strategy_used=row.strategy_used,
        created_at=row.created_at,
        name=row.name,
        assignment_date=row.assignment_date,
        status=row.status,
        details=details,
        metadata=response_meta,
    )


async def generate_once(
    conn: Connection, principal: Principal, body: GenerateRequest, idempotency_key: str | None
) -> tuple[GenerateResponse, bool]:
    """`generate`, at most once per Idempotency-Key: a repeated key with the same body
    replays the stored answer (True), another body is a 422."""
    if idempotency_key is None:
        return await generate(conn, principal, body), False
    async with transaction(conn, acting_user=principal.id):
        return await run_idempotent(
            conn,
            idempotency_key,
            user_id=principal.id,
            scope=GENERATE_SCOPE,
            body=body.model_dump(mode="json"),
            model=GenerateResponse,
            create=lambda: generate(conn, principal, body),
        )


async def _lock(conn: Connection, domain_name: str, run_date: date) -> None:
    try:
        await queries.lock_generation(
            conn, f"{domain_name}|{run_date.isoformat()}", GENERATION_LOCK_TIMEOUT_MS
        )
    except psycopg.errors.LockNotAvailable:
        raise Conflict(
            "Another generation for this domain and date is in progress",
            details={"domain": domain_name, "assignment_date": run_date.isoformat()},
        ) from None


async def _settle_active_run(
    conn: Connection,
    domain_id: UUID,
    domain_name: str,
    run_date: date,
    replace: str | None,
) -> AssignmentRow | None:
    """The (domain, date)'s active run, cancelled or completed as `replace` says (then
    returned, with its new status), or 409 when `replace` is unset. None: there is none."""
    active = await queries.active_run(conn, domain_id=domain_id, on=run_date)
    if active is None:
        return None
    if replace is None:
        raise Conflict(
            "This domain already has an active run on that date: complete or cancel it, or "
            'send "replace": "complete" | "cancel"',
            details={
                "active_run": str(active.id),
                "domain": domain_name,
                "assignment_date": run_date.isoformat(),
            },
        )
    status = "cancelled" if replace == "cancel" else "completed"
    updated = await queries.update_assignment(conn, active.id, {"status": status})
    assert updated is not None
    return updated


async def _load_problem(
    conn: Connection,
    body: GenerateRequest,
    domain: DomainRow,
    domain_id: UUID,
    house: House,
    run_date: date,
) -> tuple[Problem, RunRules, dict[str, Any]]:
    """The engine's Problem from the stored people, targets, rules and history."""
    people_rows = await queries.engine_participants(conn, domain_id, body.participants or None)
    target_rows = await queries.load_targets(conn, domain_id, body.targets or None)
    _check_ids("participants", body.participants, people_rows)
    _check_ids("targets", body.targets, target_rows)
    targets = _engine_rows("target", target_rows, target_from_mapping)
    # The history of the latest HISTORY_RUNS runs (what a run reads unless a rule asks
    # for more) is read while a worker thread turns the rows into the engine's people:
    # the server's query and Python's conversion at once, not one after the other.
    past = await queries.past_runs(conn, domain_id=domain_id, until=run_date, limit=HISTORY_RUNS)
    person_ids, target_ids = [str(r["id"]) for r in people_rows], [t.id for t in targets]
    people, places = await _both(
        anyio.to_thread.run_sync(
            partial(_engine_rows, "participant", people_rows, participant_from_mapping)
        ),
        queries.past_places(conn, [r.id for r in past], person_ids, target_ids),
    )
    rules = build_rules(
        strategy=body.strategy,
        parameters=body.parameters,
        constraints=[c.model_dump() for c in body.constraints],
        validators=None if body.validators is None else [v.model_dump() for v in body.validators],
        seed=body.seed,
        domain=domain,
        participants=people,
        targets=targets,
    )
    window = run_window(
        run_date,
        body.window.start if body.window else None,
        body.window.end if body.window else None,
        house,
    )
    if weighs_by_duration(domain):
        # Effort by turn length: each place weighs its target's effort × its hours.
        targets = [replace(t, effort=t.effort * hours_of(t.time_window, window)) for t in targets]
    depth = _history_depth(rules.parameters, rules.constraints_raw, targets)
    if depth > HISTORY_RUNS:  # a no-repeat window reaching further back
        past = await queries.past_runs(conn, domain_id=domain_id, until=run_date, limit=depth)
        places = await queries.past_places(conn, [r.id for r in past], person_ids, target_ids)
    problem = Problem(
        participants=tuple(people),
        targets=tuple(targets),
        strategy=rules.strategy,
        parameters=rules.parameters,
        constraints=tuple(rules.constraints),
        history=_history(len(past), person_ids, target_ids, places),
        seed=rules.seed,
        window=window,
        validators=tuple(rules.validators),
        timezone=house.timezone,
        availability_default=house.availability_default,
        prior_load=await prior_load(conn, domain_id, run_date),
    )
    inputs = {
        "participants": [str(i) for i in body.participants] or "all_active",
        "participant_count": len(people),
        "targets": [t.id for t in targets],
        "target_count": len(targets),
        "history_runs": [str(r.id) for r in past],
    }
    return problem, rules, inputs


async def _both(first: Awaitable[Any], second: Awaitable[Any]) -> tuple[Any, Any]:
    """Both results, awaited together; the first failure raised once both are done (no
    query is left running on the connection)."""
    results = await asyncio.gather(first, second, return_exceptions=True)
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return results


def _history(
    depth: int,
    person_ids: list[str],
    target_ids: list[str],
    places: tuple[list[int], list[int], list[int]],
) -> History:
    """The places of the past runs (`queries.past_places`), as the engine reads them."""
    person, target, run = (np.array(a, dtype=np.int64) for a in places)
    return History(PastPlaces(depth, person_ids, target_ids, person, target, run))


def _error_failures(result: SolveResult) -> list[dict[str, Any]]:
    return [v.to_dict() for v in result.validation if v.severity == "error" and not v.passed]


def _configuration(
    rules: RunRules,
    result: SolveResult,
    problem: Problem,
    domain: DomainRow,
    inputs: dict[str, Any],
) -> dict[str, Any]:
    """What the run was generated from (edits re-validate against it)."""
    window = problem.window
    assert window is not None
    configuration: dict[str, Any] = {
        "strategy": rules.strategy,
        "parameters": result.parameters,
        "constraints": rules.constraints_raw,
        "validators": [
            {"name": v.name, "parameters": dict(v.parameters)} for v in rules.validators
        ],
        "seed": rules.seed,
        "window": {"start": window.start.isoformat(), "end": window.end.isoformat()},
        "inputs": inputs,
    }
    return configuration | {"domain": domain.name, "domain_id": str(domain.id)}


@dataclass(frozen=True)
class _Details:
    """A run's details as stored and answered, and as lines of its COPY."""

    rows: list[Detail]
    lines: list[bytes]


def _details(result: SolveResult, problem: Problem, strategy: str) -> _Details:
    rows = _detail_rows(result, problem, strategy)
    return _Details(rows, queries.copy_lines(rows))


def _details_soon(result: SolveResult, problem: Problem, strategy: str) -> asyncio.Future[_Details]:
    """`_details` in a worker thread, started now. Its outcome is read even when nobody
    awaits it (a request that fails before its details are written)."""
    future = asyncio.ensure_future(
        anyio.to_thread.run_sync(partial(_details, result, problem, strategy))
    )
    future.add_done_callback(lambda f: f.cancelled() or f.exception())
    return future


def _detail_rows(result: SolveResult, problem: Problem, strategy: str) -> list[Detail]:
    """Each placement as its stored detail, read from the result's columns (no
    `Placement` object, no `dataclasses.asdict` per placement: 8 000 of them showed)."""
    names = {p.id: p.name for p in problem.participants}
    tnames = {t.id: t.name for t in problem.targets}
    rows = result.columns.rows()
    return [
        (
            pid,
            tid,
            position,
            {
                "strategy": strategy,
                "score": round(total, 4),
                "confidence": round(total, 4),
                "target_name": tnames[tid],
                "participant_name": names[pid],
                "position": position,
                "scores": {
                    "rotation": round(rotation, 4),
                    "balance": round(balance, 4),
                    "skill": round(skill, 4),
                    "preference": round(preference, 4),
                    "total": round(total, 4),
                },
            },
        )
        for pid, tid, position, rotation, balance, skill, preference, total in rows
    ]


async def _record_history(
    conn: Connection,
    run_id: UUID,
    result: SolveResult,
    rules: RunRules,
    detail_count: int,
    failures: list[dict[str, Any]],
    replaced: AssignmentRow | None,
) -> None:
    changes: dict[str, Any] = {
        "details": detail_count,
        "strategy": rules.strategy,
        "solver_status": result.status,
        "method": result.method,
        "objective": result.objective,
        "seed": rules.seed,
    }
    if replaced is not None:
        changes["replaces"] = {"run": str(replaced.id), "status": replaced.status}
    extra = {"forced": True, "validation_results": failures} if failures else None
    await queries.insert_history(conn, run_id, "generate", changes, extra)


async def _solve(problem: Problem) -> SolveResult:
    try:
        result = await anyio.to_thread.run_sync(
            partial(solve, problem, time_limit_s=SOLVE_TIME_LIMIT_S), limiter=_solver_slots()
        )
    except Infeasible as exc:
        observe_generation(problem.strategy, "infeasible", "none", None)
        raise BusinessRuleViolation("No valid assignment exists", details=exc.to_dict()) from None
    except InvalidParameters as exc:
        raise ValidationFailed("Invalid parameters", details=str(exc)) from None
    except InvalidProblem as exc:  # stored data the engine cannot read, e.g. a bad window
        raise ValidationFailed("Invalid run configuration", details=str(exc)) from None
    if result.status == "timeout":
        observe_generation(problem.strategy, "timeout", result.method, None)
        raise BusinessRuleViolation(
            "No assignment found within the time limit",
            details={"time_limit_s": SOLVE_TIME_LIMIT_S, "method": result.method},
        )
    return result


async def preview(
    conn: Connection, principal: Principal | None, body: GenerateRequest
) -> GenerateResponse:
    """What `generate` would save, with nothing saved: the real generation in a
    transaction rolled back, so a preview is exactly what a save writes while the data
    stay the same (the engine is deterministic for a seed). It runs forced, so that a
    run with error-level failures is still shown with them (nothing is kept)."""
    async with conn.transaction(force_rollback=True):
        return await generate(conn, principal, body.model_copy(update={"force": True}))
