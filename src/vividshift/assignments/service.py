"""Assignment runs: generate, read, change status, edit details, history, rotas.

Decisions:
- **One transaction per generation.** Inputs are read, the engine solves (in a worker
  thread, off the event loop) and the run is written — the `assignments` row, every
  detail (one COPY), and a `generate` history row next to the trigger's `INSERT` row —
  all in one transaction with `app.current_user_id` set to the caller. Any failure
  leaves nothing behind.
- **Concurrent generations of one (domain, date)** are serialised by a transaction-level
  advisory lock on that key: the second waits until the first commits or rolls back,
  at most `GENERATION_LOCK_TIMEOUT_MS` (30 s), and then gets 409. Runs of other domains
  or dates do not wait for each other.
- **History** of a run: the latest `HISTORY_RUNS` (or more, when a no-repeat window asks
  for it) non-cancelled runs of the same domain (runs without a domain form one pool)
  dated strictly before the run's date. Regenerating a date does not learn from the
  earlier run of that date: cancel the one you replace.
- **Window**: the request's `window`, else the whole `assignment_date` (UTC):
  availability is checked against it.
- **Edits** (reassign, swap) only on active runs; re-validated with the run's validators
  plus the group rule; an error-severity breach is refused (422) unless `force`. Each
  edit writes a history row (`reassign` / `swap`, with before/after) attributed to the
  caller, and the run's `metadata.validation_results` is refreshed (an `UPDATE` row).
- **Status** moves only forward: active → completed | cancelled.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from functools import partial
from time import perf_counter
from typing import Any
from uuid import UUID

import anyio
import psycopg.errors

from vividshift.assignments import export, queries
from vividshift.assignments.rules import build_rules, group_rule_check, run_window
from vividshift.assignments.schemas import (
    AssignmentPage,
    AssignmentRead,
    AssignmentSummary,
    AssignmentUpdate,
    DetailRead,
    EditResult,
    GeneratedPlacement,
    GenerateRequest,
    GenerateResponse,
    HistoryEntry,
    ReassignRequest,
    RotaEntry,
    RotaPage,
    SwapRequest,
)
from vividshift.db import Connection, transaction
from vividshift.engine import (
    History,
    Infeasible,
    InvalidParameters,
    PastRun,
    Problem,
    SolveResult,
    ValidatorSpec,
    parse_constraint,
    participant_from_mapping,
    solve,
    target_from_mapping,
    validate_assignment,
)
from vividshift.engine.model import parse_window
from vividshift.errors import BusinessRuleViolation, Conflict, NotFound, ValidationFailed
from vividshift.jobs.metrics import observe_generation
from vividshift.limits import merge_patch

GENERATION_LOCK_TIMEOUT_MS = 30_000
HISTORY_RUNS = 10
MAX_HISTORY_RUNS = 100
SOLVE_TIME_LIMIT_S = 20.0
RESERVED_METADATA = frozenset(
    {"attempts", "execution_time_ms", "strategy_parameters", "validation_results", "solver"}
)

# Test-only: awaited after the details are written, before the transaction commits.
persist_hook: Callable[[Connection, UUID], Awaitable[None]] | None = None


def _not_found(assignment_id: UUID) -> NotFound:
    return NotFound("Assignment not found", details={"id": str(assignment_id)})


def _check_ids(kind: str, requested: list[UUID], rows: list[dict[str, Any]]) -> None:
    found = {r["id"]: r for r in rows}
    unknown = [str(i) for i in dict.fromkeys(requested) if i not in found]
    if unknown:
        raise ValidationFailed(f"Unknown {kind}", details={f"unknown_{kind}": unknown[:100]})
    inactive = [str(i) for i in dict.fromkeys(requested) if not found[i]["is_active"]]
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


async def _domain(conn: Connection, ref: str | None) -> dict[str, Any] | None:
    if ref is None:
        return None
    row = await queries.find_domain(conn, ref)
    if row is None:
        raise ValidationFailed("Unknown domain", details={"domain": ref})
    if not row["is_active"]:
        raise ValidationFailed("Domain is inactive", details={"domain": ref})
    return row


def _engine_rows(kind: str, rows: list[dict[str, Any]], convert: Callable) -> list:
    try:
        return [convert(r) for r in rows]
    except (ValueError, TypeError, KeyError) as exc:
        raise ValidationFailed(
            f"Stored {kind} data the engine cannot read", details=str(exc)
        ) from None


async def generate(conn: Connection, actor: UUID, body: GenerateRequest) -> GenerateResponse:
    """Load, solve, persist: one transaction (see the module's decisions)."""
    started = perf_counter()
    run_date = body.assignment_date or datetime.now(UTC).date()
    async with transaction(conn, acting_user=actor):
        domain = await _domain(conn, body.domain)
        domain_name = domain["name"] if domain else None
        try:
            await queries.lock_generation(
                conn, f"{domain_name or ''}|{run_date.isoformat()}", GENERATION_LOCK_TIMEOUT_MS
            )
        except psycopg.errors.LockNotAvailable:
            raise Conflict(
                "Another generation for this domain and date is in progress",
                details={"domain": domain_name, "assignment_date": run_date.isoformat()},
            ) from None
        people_rows = await queries.load_participants(conn, body.participants or None)
        target_rows = await queries.load_targets(conn, body.targets or None)
        _check_ids("participants", body.participants, people_rows)
        _check_ids("targets", body.targets, target_rows)
        people = _engine_rows("participant", people_rows, participant_from_mapping)
        targets = _engine_rows("target", target_rows, target_from_mapping)
        rules = build_rules(
            strategy=body.strategy,
            parameters=body.parameters,
            constraints=[c.model_dump() for c in body.constraints],
            validators=None
            if body.validators is None
            else [v.model_dump() for v in body.validators],
            seed=body.seed,
            domain=domain,
            participants=people,
            targets=targets,
        )
        window = run_window(
            run_date,
            body.window.start if body.window else None,
            body.window.end if body.window else None,
        )
        depth = _history_depth(rules.parameters, rules.constraints_raw, targets)
        past = await queries.past_runs(conn, domain=domain_name, before=run_date, limit=depth)
        problem = Problem(
            participants=tuple(people),
            targets=tuple(targets),
            strategy=rules.strategy,
            parameters=rules.parameters,
            constraints=tuple(rules.constraints),
            history=History.from_runs(
                PastRun(r["assignment_date"].isoformat(), tuple(r["pairs"])) for r in past
            ),
            seed=rules.seed,
            window=window,
            validators=tuple(rules.validators),
        )
        loaded = perf_counter()
        result = await _solve(problem)
        solved = perf_counter()
        timings = {
            "load_ms": round((loaded - started) * 1e3, 3),
            "solve_ms": round((solved - loaded) * 1e3, 3),
        }
        configuration = {
            "strategy": rules.strategy,
            "parameters": result.parameters,
            "constraints": rules.constraints_raw,
            "validators": [
                {"name": v.name, "parameters": dict(v.parameters)} for v in rules.validators
            ],
            "seed": rules.seed,
            "window": {"start": window.start.isoformat(), "end": window.end.isoformat()},
            "inputs": {
                "participants": [str(i) for i in body.participants] or "all_active",
                "participant_count": len(people),
                "targets": [t.id for t in targets],
                "target_count": len(targets),
                "history_runs": [str(r["id"]) for r in past],
            },
        }
        if domain is not None:
            configuration |= {"domain": domain["name"], "domain_id": str(domain["id"])}
        metadata = result.metadata() | {
            "timings_ms": timings,
            "notes": list(result.notes) + rules.notes,
        }
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
            },
        )
        names = {p.id: p.name for p in people}
        tnames = {t.id: t.name for t in targets}
        details = [
            (
                a.participant_id,
                a.target_id,
                a.position,
                {
                    "strategy": rules.strategy,
                    "score": round(a.score.total, 4),
                    "confidence": round(a.confidence, 4),
                    "target_name": tnames[a.target_id],
                    "participant_name": names[a.participant_id],
                    "position": a.position,
                    "scores": a.score.to_dict(),
                },
            )
            for a in result.assignments
        ]
        await queries.copy_details(conn, row["id"], details)
        if persist_hook is not None:
            await persist_hook(conn, row["id"])
        await queries.insert_history(
            conn,
            row["id"],
            "generate",
            {
                "details": len(details),
                "strategy": rules.strategy,
                "solver_status": result.status,
                "method": result.method,
                "objective": result.objective,
                "seed": rules.seed,
            },
        )
    persisted = perf_counter()
    observe_generation(rules.strategy, result.status, result.method, persisted - started)
    response_meta = metadata | {
        "timings_ms": timings
        | {
            "persist_ms": round((persisted - solved) * 1e3, 3),
            "total_ms": round((persisted - started) * 1e3, 3),
        }
    }
    return GenerateResponse(
        id=row["id"],
        strategy_used=row["strategy_used"],
        assignments=[
            GeneratedPlacement(
                participant_id=pid,
                target_id=tid,
                confidence=meta["confidence"],
                position=pos,
                metadata=meta,
            )
            for pid, tid, pos, meta in details
        ],
        metadata=response_meta,
        created_at=row["created_at"],
        name=row["name"],
        assignment_date=row["assignment_date"],
        status=row["status"],
    )


async def _solve(problem: Problem) -> SolveResult:
    try:
        result = await anyio.to_thread.run_sync(
            partial(solve, problem, time_limit_s=SOLVE_TIME_LIMIT_S)
        )
    except Infeasible as exc:
        observe_generation(problem.strategy, "infeasible", "none", None)
        raise BusinessRuleViolation("No valid assignment exists", details=exc.to_dict()) from None
    except InvalidParameters as exc:
        raise ValidationFailed("Invalid parameters", details=str(exc)) from None
    except ValueError as exc:  # unknown validator/constraint names, bad windows
        raise ValidationFailed("Invalid run configuration", details=str(exc)) from None
    if result.status == "timeout":
        observe_generation(problem.strategy, "timeout", result.method, None)
        raise BusinessRuleViolation(
            "No assignment found within the time limit",
            details={"time_limit_s": SOLVE_TIME_LIMIT_S, "method": result.method},
        )
    return result


# --- reading ----------------------------------------------------------------------------


async def list_assignments(conn: Connection, **filters: Any) -> AssignmentPage:
    rows, total = await queries.list_assignments(conn, **filters)
    return AssignmentPage(
        items=[AssignmentSummary.from_row(r) for r in rows],
        total=total,
        limit=filters["limit"],
        offset=filters["offset"],
    )


async def get_assignment(conn: Connection, assignment_id: UUID) -> AssignmentRead:
    row = await queries.get_assignment(conn, assignment_id)
    if row is None:
        raise _not_found(assignment_id)
    details = await queries.get_details(conn, assignment_id)
    return _read(row, details)


def _read(row: dict[str, Any], details: list[dict[str, Any]]) -> AssignmentRead:
    summary = AssignmentSummary.from_row(row | {"detail_count": len(details)})
    return AssignmentRead(
        **summary.model_dump(),
        details=[DetailRead.model_validate(d | {"metadata": d["metadata"] or {}}) for d in details],
    )


async def get_history(conn: Connection, assignment_id: UUID) -> list[HistoryEntry]:
    if await queries.get_assignment(conn, assignment_id) is None:
        raise _not_found(assignment_id)
    rows = await queries.get_history(conn, assignment_id)
    return [HistoryEntry.model_validate(r | {"metadata": r["metadata"] or {}}) for r in rows]


async def participant_rota(
    conn: Connection, participant_id: UUID, *, include_cancelled: bool, limit: int, offset: int
) -> RotaPage:
    if not await queries.participant_exists(conn, participant_id):
        raise NotFound("Participant not found", details={"id": str(participant_id)})
    rows, total = await queries.participant_rota(
        conn, participant_id, include_cancelled=include_cancelled, limit=limit, offset=offset
    )
    return RotaPage(
        items=[RotaEntry.model_validate(r | {"metadata": r["metadata"] or {}}) for r in rows],
        total=total,
        limit=limit,
        offset=offset,
    )


# --- changing ---------------------------------------------------------------------------


async def update_assignment(
    conn: Connection, actor: UUID, assignment_id: UUID, body: AssignmentUpdate
) -> AssignmentRead:
    """Status forward only; metadata merged (reserved solver keys refused)."""
    async with transaction(conn, acting_user=actor):
        row = await queries.get_assignment(conn, assignment_id, lock=True)
        if row is None:
            raise _not_found(assignment_id)
        changes: dict[str, Any] = body.model_dump(exclude_unset=True, exclude={"metadata"})
        for key in ("name", "status"):
            if key in changes and changes[key] is None:
                raise ValidationFailed(f"{key} may not be null")
        status = changes.get("status")
        if status is not None and status != row["status"] and row["status"] != "active":
            raise BusinessRuleViolation(
                "Status can only move from active to completed or cancelled",
                details={"current": row["status"], "requested": status},
            )
        if body.metadata is not None:
            reserved = sorted(RESERVED_METADATA & set(body.metadata))
            if reserved:
                raise ValidationFailed(
                    "These metadata keys are kept by the engine", details={"keys": reserved}
                )
            try:
                changes["metadata"] = merge_patch(row["metadata"], body.metadata)
            except ValueError as exc:
                raise ValidationFailed("Invalid metadata", details=str(exc)) from None
        if changes:
            row = await queries.update_assignment(conn, assignment_id, changes)
        details = await queries.get_details(conn, assignment_id)
    assert row is not None
    return _read(row, details)


async def _revalidate(
    conn: Connection, run: dict[str, Any], pairs: list[tuple[str, str]]
) -> list[dict[str, Any]]:
    """The run's validators and the group rule on `pairs`, against today's data of the
    run's participants and targets and the run's stored rules."""
    config = run["configuration"] or {}
    inputs = config.get("inputs") or {}
    target_ids = inputs.get("targets") or sorted({t for _, t in pairs})
    people = [
        participant_from_mapping(r)
        for r in await queries.load_participants(
            conn, [UUID(p) for p in sorted({p for p, _ in pairs})]
        )
    ]
    target_rows = await queries.load_targets(conn, [UUID(t) for t in target_ids])
    targets = [target_from_mapping(r) for r in target_rows]
    constraints = []
    for raw in config.get("constraints") or []:
        try:
            constraints.append(parse_constraint({k: v for k, v in raw.items() if k != "source"}))
        except (ValueError, TypeError):
            continue
    window = None
    if config.get("window"):
        try:
            window = parse_window(config["window"])
        except (ValueError, TypeError, KeyError):
            window = None
    specs = [
        ValidatorSpec(v["name"], v.get("parameters") or {}) for v in config.get("validators") or []
    ]
    problem = Problem(
        participants=tuple(people),
        targets=tuple(targets),
        strategy=run["strategy_used"],
        constraints=tuple(constraints),
        window=window,
        **({"validators": tuple(specs)} if specs else {}),
    )
    results = list(validate_assignment(problem, pairs))
    results.append(group_rule_check(people, targets, constraints, pairs))
    return [r.to_dict() for r in results]


def _require_active(run: dict[str, Any]) -> None:
    if run["status"] != "active":
        raise BusinessRuleViolation(
            "Only active assignments can be edited", details={"status": run["status"]}
        )


async def _finish_edit(
    conn: Connection,
    run: dict[str, Any],
    pairs: list[tuple[str, str]],
    force: bool,
    apply: Callable[[], Awaitable[None]],
    action: str,
    changes: dict[str, Any],
    reason: str | None,
) -> EditResult:
    validation = await _revalidate(conn, run, pairs)
    errors = [v for v in validation if v["severity"] == "error" and not v["passed"]]
    if errors and not force:
        raise BusinessRuleViolation(
            "The edit breaks the run's rules (send force=true to keep it anyway)",
            details={"validation_results": validation},
        )
    try:
        async with conn.transaction():
            await apply()
    except psycopg.errors.UniqueViolation:
        raise Conflict("The participant is already on that target in this run") from None
    await queries.insert_history(
        conn,
        run["id"],
        action,
        changes,
        {"reason": reason, "forced": bool(errors and force), "validation_results": validation},
    )
    meta = dict(run["metadata"] or {}) | {"validation_results": validation}
    row = await queries.update_assignment(conn, run["id"], {"metadata": meta})
    assert row is not None
    details = await queries.get_details(conn, run["id"])
    return EditResult(assignment=_read(row, details), validation_results=validation)


async def reassign(
    conn: Connection, actor: UUID, assignment_id: UUID, body: ReassignRequest
) -> EditResult:
    async with transaction(conn, acting_user=actor):
        run = await queries.get_assignment(conn, assignment_id, lock=True)
        if run is None:
            raise _not_found(assignment_id)
        _require_active(run)
        detail = await queries.get_detail(conn, assignment_id, body.detail_id)
        if detail is None:
            raise NotFound(
                "Detail not found in this assignment", details={"id": str(body.detail_id)}
            )
        if detail["participant_id"] == body.participant_id:
            raise ValidationFailed("The participant already holds this detail")
        if not await queries.participant_exists(conn, body.participant_id):
            raise ValidationFailed(
                "Unknown participant", details={"participant_id": str(body.participant_id)}
            )
        held = (str(detail["participant_id"]), str(detail["target_id"]))
        current = await queries.detail_pairs(conn, assignment_id)
        if (str(body.participant_id), held[1]) in current:
            raise Conflict("The participant is already on that target in this run")
        pairs = [(str(body.participant_id), t) if (p, t) == held else (p, t) for p, t in current]
        meta = dict(detail["metadata"] or {}) | {"edited": "reassign"}
        meta.pop("participant_name", None)

        async def apply() -> None:
            await queries.set_detail_participant(conn, detail["id"], body.participant_id, meta)

        return await _finish_edit(
            conn,
            run,
            pairs,
            body.force,
            apply,
            "reassign",
            {
                "detail_id": str(detail["id"]),
                "target_id": str(detail["target_id"]),
                "participant_id": {
                    "old": str(detail["participant_id"]),
                    "new": str(body.participant_id),
                },
            },
            body.reason,
        )


async def swap(conn: Connection, actor: UUID, assignment_id: UUID, body: SwapRequest) -> EditResult:
    if body.first_detail_id == body.second_detail_id:
        raise ValidationFailed("Swap needs two different details")
    async with transaction(conn, acting_user=actor):
        run = await queries.get_assignment(conn, assignment_id, lock=True)
        if run is None:
            raise _not_found(assignment_id)
        _require_active(run)
        first = await queries.get_detail(conn, assignment_id, body.first_detail_id)
        second = await queries.get_detail(conn, assignment_id, body.second_detail_id)
        for wanted, found in ((body.first_detail_id, first), (body.second_detail_id, second)):
            if found is None:
                raise NotFound("Detail not found in this assignment", details={"id": str(wanted)})
        assert first is not None and second is not None
        if first["target_id"] == second["target_id"]:
            raise ValidationFailed("Both details are on the same target: nothing to swap")
        if first["participant_id"] == second["participant_id"]:
            raise ValidationFailed("Both details hold the same participant: nothing to swap")
        a = (str(first["participant_id"]), str(first["target_id"]))
        b = (str(second["participant_id"]), str(second["target_id"]))
        pairs = []
        for pair in await queries.detail_pairs(conn, assignment_id):
            if pair == a:
                pairs.append((b[0], a[1]))
            elif pair == b:
                pairs.append((a[0], b[1]))
            else:
                pairs.append(pair)
        for d in (first, second):
            d["metadata"] = dict(d["metadata"] or {}) | {"edited": "swap"}
            d["metadata"].pop("participant_name", None)

        async def apply() -> None:
            await queries.swap_detail_participants(conn, first, second)

        return await _finish_edit(
            conn,
            run,
            pairs,
            body.force,
            apply,
            "swap",
            {
                "details": [
                    {
                        "detail_id": str(first["id"]),
                        "target_id": a[1],
                        "participant_id": {"old": a[0], "new": b[0]},
                    },
                    {
                        "detail_id": str(second["id"]),
                        "target_id": b[1],
                        "participant_id": {"old": b[0], "new": a[0]},
                    },
                ]
            },
            body.reason,
        )


def today() -> date:
    return datetime.now(UTC).date()


# --- exports ----------------------------------------------------------------------------


async def _run_and_details(
    conn: Connection, assignment_id: UUID
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    row = await queries.get_assignment(conn, assignment_id)
    if row is None:
        raise _not_found(assignment_id)
    return row, await queries.get_details(conn, assignment_id)


async def export_csv(conn: Connection, assignment_id: UUID) -> tuple[dict[str, Any], str]:
    row, details = await _run_and_details(conn, assignment_id)
    return row, export.to_csv(row, details)


async def export_ics(conn: Connection, assignment_id: UUID) -> tuple[dict[str, Any], bytes]:
    row, details = await _run_and_details(conn, assignment_id)
    target_ids = sorted({d["target_id"] for d in details})
    windows = {
        str(t["id"]): (t["constraints"] or {}).get("time_window")
        for t in await queries.load_targets(conn, target_ids)
    }
    return row, export.to_ics(row, details, windows)
