"""Changing an assignment run: status and metadata, reassign, swap.

Decisions:
- **Edits** (reassign, swap) only on active runs; re-validated with the run's validators
  plus the group rule; an error-severity breach is refused (422) unless `force`. Each
  edit writes a history row (`reassign` / `swap`, with before/after) attributed to the
  caller, and the run's `metadata.validation_results` is refreshed (an `UPDATE` row).
- **Status** moves only forward: active → completed | cancelled.
- **Who**: a manager of the run's domain (`vividshift.domains.access`); a run of a
  domain the caller may not see is the run's 404, one they only read is a 403. A
  participant put on a place must be of the run's domain (else "Unknown participant").
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any
from uuid import UUID

import psycopg.errors

from vividshift.assignments import queries
from vividshift.assignments.rows import AssignmentRow, DetailRow
from vividshift.assignments.rules import group_rule_check, house_of
from vividshift.assignments.schemas import (
    AssignmentRead,
    AssignmentUpdate,
    EditResult,
    ReassignRequest,
    SwapRequest,
)
from vividshift.assignments.service import read_model, run_access
from vividshift.auth.deps import Principal
from vividshift.db import Connection, transaction
from vividshift.domains import queries as domain_queries
from vividshift.engine import (
    InvalidProblem,
    Problem,
    ValidatorSpec,
    parse_constraint,
    participant_from_mapping,
    target_from_mapping,
    validate_assignment,
)
from vividshift.engine.model import DEFAULT_VALIDATORS, parse_window
from vividshift.errors import BusinessRuleViolation, Conflict, NotFound, ValidationFailed
from vividshift.notifications import events
from vividshift.patching import merge_patch_or_reject
from vividshift.stored_json import stored_object

RESERVED_METADATA = frozenset(
    {"attempts", "execution_time_ms", "strategy_parameters", "validation_results", "solver"}
)


def _actor(principal: Principal | None) -> UUID | None:
    return principal.id if principal else None


async def update_assignment(
    conn: Connection, principal: Principal | None, assignment_id: UUID, body: AssignmentUpdate
) -> AssignmentRead:
    """Status forward only; metadata merged (reserved solver keys refused)."""
    async with transaction(conn, acting_user=_actor(principal)):
        current, _ = await run_access(conn, principal, assignment_id, "manager", lock=True)
        changes: dict[str, Any] = body.model_dump(exclude_unset=True, exclude={"metadata"})
        for key in ("name", "status"):
            if key in changes and changes[key] is None:
                raise ValidationFailed(f"{key} may not be null")
        status = changes.get("status")
        if status is not None and status != current.status and current.status != "active":
            raise BusinessRuleViolation(
                "Status can only move from active to completed or cancelled",
                details={"current": current.status, "requested": status},
            )
        if body.metadata is not None:
            reserved = sorted(RESERVED_METADATA & set(body.metadata))
            if reserved:
                raise ValidationFailed(
                    "These metadata keys are kept by the engine", details={"keys": reserved}
                )
            changes["metadata"] = merge_patch_or_reject(
                current.metadata, body.metadata, "Invalid metadata"
            )
        row = await queries.update_assignment(conn, assignment_id, changes) if changes else current
        details = await queries.get_details(conn, assignment_id)
    assert row is not None
    return read_model(row, details)


async def _revalidate(
    conn: Connection, run: AssignmentRow, pairs: list[tuple[str, str]]
) -> list[dict[str, Any]]:
    """The run's validators and the group rule on `pairs`, against today's data of the
    run's participants and targets and the run's stored rules."""
    config = stored_object(run.configuration)
    inputs = config.get("inputs") or {}
    target_ids = inputs.get("targets") or sorted({t for _, t in pairs})
    # The run's whole pool, not only the people in `pairs`: whether a target fell back
    # from its skill rule depends on how many others could have done it.
    pool = inputs.get("participants")
    wanted = {UUID(p) for p, _ in pairs} | (
        {UUID(p) for p in pool} if isinstance(pool, list) else set()
    )
    domain_id = run.domain_id
    rows = await queries.load_participants(
        conn, domain_id, None if pool == "all_active" else sorted(wanted)
    )
    if pool == "all_active":
        missing = wanted - {r["id"] for r in rows}  # people since deactivated
        rows += await queries.load_participants(conn, domain_id, sorted(missing)) if missing else []
    people = [participant_from_mapping(r) for r in rows]
    target_rows = await queries.load_targets(conn, domain_id, [UUID(t) for t in target_ids])
    targets = [target_from_mapping(r) for r in target_rows]
    # The run was generated from these, so they parsed then; if they no longer do, the
    # edit cannot be checked against the run's rules and is refused rather than let by.
    try:
        constraints = [
            parse_constraint({k: v for k, v in raw.items() if k != "source"})
            for raw in config.get("constraints") or []
        ]
        window = parse_window(config["window"]) if config.get("window") else None
    except InvalidProblem as exc:
        raise ValidationFailed(
            "The run's stored rules can no longer be read; the edit cannot be checked",
            details=str(exc),
        ) from None
    specs = [
        ValidatorSpec(v["name"], v.get("parameters") or {}) for v in config.get("validators") or []
    ]
    house = house_of(await domain_queries.get_domain(conn, domain_id))
    problem = Problem(
        participants=tuple(people),
        targets=tuple(targets),
        strategy=run.strategy_used,
        parameters=config.get("parameters") or {},
        constraints=tuple(constraints),
        window=window,
        validators=tuple(specs) if specs else DEFAULT_VALIDATORS,
        timezone=house.timezone,
        availability_default=house.availability_default,
    )
    results = list(validate_assignment(problem, pairs))
    results.append(group_rule_check(people, targets, constraints, pairs))
    return [r.to_dict() for r in results]


def _marked_swapped(detail: DetailRow) -> DetailRow:
    """The detail with its metadata marked as edited by a swap (its stored name dropped)."""
    meta = dict(stored_object(detail.metadata)) | {"edited": "swap"}
    meta.pop("participant_name", None)
    return replace(detail, metadata=meta)


def _require_active(run: AssignmentRow) -> None:
    if run.status != "active":
        raise BusinessRuleViolation(
            "Only active assignments can be edited", details={"status": run.status}
        )


async def _finish_edit(
    conn: Connection,
    run: AssignmentRow,
    pairs: list[tuple[str, str]],
    force: bool,
    apply: Callable[[], Awaitable[None]],
    action: str,
    changes: dict[str, Any],
    reason: str | None,
    moved: list[tuple[UUID, UUID, UUID]],
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
        run.id,
        action,
        changes,
        {"reason": reason, "forced": bool(errors and force), "validation_results": validation},
    )
    # Only the people whose places changed hear of it, in this edit's transaction.
    await events.place_changed(conn, run.id, moved, reason=action)
    meta = dict(stored_object(run.metadata)) | {"validation_results": validation}
    row = await queries.update_assignment(conn, run.id, {"metadata": meta})
    assert row is not None
    details = await queries.get_details(conn, run.id)
    return EditResult(assignment=read_model(row, details), validation_results=validation)


async def reassign(
    conn: Connection,
    principal: Principal | None,
    assignment_id: UUID,
    body: ReassignRequest,
    *,
    action: str = "reassign",
) -> EditResult:
    """Put another participant of the run's domain on one of its places; `action` names
    the history row (a rota's override or its removal is a reassign by another name)."""
    async with transaction(conn, acting_user=_actor(principal)):
        run, _ = await run_access(conn, principal, assignment_id, "manager", lock=True)
        _require_active(run)
        detail = await queries.get_detail(conn, assignment_id, body.detail_id)
        if detail is None:
            raise NotFound(
                "Detail not found in this assignment", details={"id": str(body.detail_id)}
            )
        if detail.participant_id == body.participant_id:
            raise ValidationFailed("The participant already holds this detail")
        if await queries.participant_domain(conn, body.participant_id) != run.domain_id:
            raise ValidationFailed(
                "Unknown participant", details={"participant_id": str(body.participant_id)}
            )
        held = (str(detail.participant_id), str(detail.target_id))
        current = await queries.detail_pairs(conn, assignment_id)
        if (str(body.participant_id), held[1]) in current:
            raise Conflict("The participant is already on that target in this run")
        pairs = [(str(body.participant_id), t) if (p, t) == held else (p, t) for p, t in current]
        meta = dict(stored_object(detail.metadata)) | {"edited": action}
        meta.pop("participant_name", None)

        async def apply() -> None:
            await queries.set_detail_participant(conn, detail.id, body.participant_id, meta)

        return await _finish_edit(
            conn,
            run,
            pairs,
            body.force,
            apply,
            action,
            {
                "detail_id": str(detail.id),
                "target_id": str(detail.target_id),
                "participant_id": {
                    "old": str(detail.participant_id),
                    "new": str(body.participant_id),
                },
            },
            body.reason,
            [(detail.id, detail.participant_id, body.participant_id)],
        )


async def swap(
    conn: Connection, principal: Principal | None, assignment_id: UUID, body: SwapRequest
) -> EditResult:
    """Exchange the participants of two places of one run."""
    async with transaction(conn, acting_user=_actor(principal)):
        run, _ = await run_access(conn, principal, assignment_id, "manager", lock=True)
        _require_active(run)
        first = await queries.get_detail(conn, assignment_id, body.first_detail_id)
        second = await queries.get_detail(conn, assignment_id, body.second_detail_id)
        for wanted, found in ((body.first_detail_id, first), (body.second_detail_id, second)):
            if found is None:
                raise NotFound("Detail not found in this assignment", details={"id": str(wanted)})
        assert first is not None and second is not None
        # After the look-ups: unknown ids are a 404 whether or not they are the same.
        if body.first_detail_id == body.second_detail_id:
            raise ValidationFailed("Swap needs two different details")
        if first.target_id == second.target_id:
            raise ValidationFailed("Both details are on the same target: nothing to swap")
        if first.participant_id == second.participant_id:
            raise ValidationFailed("Both details hold the same participant: nothing to swap")
        a = (str(first.participant_id), str(first.target_id))
        b = (str(second.participant_id), str(second.target_id))
        pairs = []
        for pair in await queries.detail_pairs(conn, assignment_id):
            if pair == a:
                pairs.append((b[0], a[1]))
            elif pair == b:
                pairs.append((a[0], b[1]))
            else:
                pairs.append(pair)
        first, second = _marked_swapped(first), _marked_swapped(second)

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
                        "detail_id": str(first.id),
                        "target_id": a[1],
                        "participant_id": {"old": a[0], "new": b[0]},
                    },
                    {
                        "detail_id": str(second.id),
                        "target_id": b[1],
                        "participant_id": {"old": b[0], "new": a[0]},
                    },
                ]
            },
            body.reason,
            [
                (first.id, first.participant_id, second.participant_id),
                (second.id, second.participant_id, first.participant_id),
            ],
        )
