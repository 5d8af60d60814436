"""Assignment target use-cases; each one is one transaction.

Same rules as participants: `DELETE` deactivates; the admin-only permanent delete is
refused with 409 while assignment details name the target, unless `force=true` (which
deletes those details with it). Import is all or nothing.
"""

from typing import Any
from uuid import UUID

from vividshift.bulk_import import validate_rows
from vividshift.db import Connection, transaction
from vividshift.errors import Conflict, NotFound
from vividshift.http.paging import Page, PageParams, Sort
from vividshift.idempotency.service import run_idempotent
from vividshift.participants.schemas import ImportResult, ParticipantRead
from vividshift.patching import merge_patch_or_reject
from vividshift.targets import queries
from vividshift.targets.schemas import TargetCreate, TargetRead, TargetUpdate

IMPORT_CHUNK = 1_000


def _not_found(target_id: UUID) -> NotFound:
    return NotFound("Target not found", details={"id": str(target_id)})


async def create_target(
    conn: Connection, actor: UUID, body: TargetCreate, idempotency_key: str | None = None
) -> tuple[TargetRead, bool]:
    """Create one target; (target, replayed) under an Idempotency-Key."""

    async def create() -> TargetRead:
        return TargetRead.from_row(await queries.insert_target(conn, body.model_dump(), actor))

    async with transaction(conn, acting_user=actor):
        return await run_idempotent(
            conn,
            idempotency_key,
            user_id=actor,
            scope="targets.create",
            body=body.model_dump(mode="json"),
            model=TargetRead,
            create=create,
        )


async def get_target(conn: Connection, target_id: UUID) -> TargetRead:
    """One target, active or not."""
    row = await queries.get_target(conn, target_id)
    if row is None:
        raise _not_found(target_id)
    return TargetRead.from_row(row)


async def list_targets(
    conn: Connection,
    *,
    active_only: bool,
    requires_skill: str | None,
    name_contains: str | None,
    sort: Sort,
    page: PageParams,
) -> Page[TargetRead]:
    """A page of targets with the total count."""
    rows, total = await queries.list_targets(
        conn,
        active_only=active_only,
        requires_skill=requires_skill,
        name_contains=name_contains,
        sort=sort,
        page=page,
    )
    return Page[TargetRead](
        items=[TargetRead.from_row(r) for r in rows],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )


async def update_target(
    conn: Connection, actor: UUID, target_id: UUID, changes: dict[str, Any]
) -> TargetRead:
    """Write the fields given (already validated)."""
    async with transaction(conn, acting_user=actor):
        row = await queries.update_target(conn, target_id, changes)
    if row is None:
        raise _not_found(target_id)
    return TargetRead.from_row(row)


async def patch_target(
    conn: Connection, actor: UUID, target_id: UUID, body: TargetUpdate
) -> TargetRead:
    """Apply a partial update."""
    return await update_target(conn, actor, target_id, body.model_dump(exclude_unset=True))


async def update_target_and_metadata(
    conn: Connection,
    actor: UUID,
    target_id: UUID,
    body: TargetUpdate,
    metadata_patch: dict[str, Any],
) -> TargetRead:
    """Apply a partial update and merge `metadata_patch` into metadata (null removes a
    key), in one transaction."""
    changes = body.model_dump(exclude_unset=True)
    async with transaction(conn, acting_user=actor):
        current = await queries.lock_target(conn, target_id)
        if current is None:
            raise _not_found(target_id)
        if metadata_patch:
            changes["metadata"] = merge_patch_or_reject(
                current["metadata"], metadata_patch, "Invalid attributes"
            )
        row = await queries.update_target(conn, target_id, changes)
    assert row is not None
    return TargetRead.from_row(row)


async def deactivate_target(conn: Connection, actor: UUID, target_id: UUID) -> None:
    """Soft delete: the target stays, marked inactive."""
    await update_target(conn, actor, target_id, {"is_active": False})


async def delete_target_permanently(
    conn: Connection, actor: UUID, target_id: UUID, *, force: bool = False
) -> None:
    """Hard delete; 409 while assignment details name the target, unless `force`."""
    async with transaction(conn, acting_user=actor):
        if await queries.lock_target(conn, target_id) is None:
            raise _not_found(target_id)
        used = await queries.count_assignment_details(conn, target_id)
        if used and not force:
            raise Conflict(
                "Target appears in assignments",
                details=f"{used} assignment detail(s) name this target; deactivate it "
                "instead, or delete permanently with force=true (removes those details)",
            )
        await queries.delete_target(conn, target_id)


async def list_candidates(
    conn: Connection, target_id: UUID, sort: Sort, page: PageParams
) -> Page[ParticipantRead]:
    """Active participants whose skills cover the target's required_skills."""
    target = await get_target(conn, target_id)
    rows, total = await queries.list_candidates(conn, target.required_skills, sort, page)
    return Page[ParticipantRead](
        items=[ParticipantRead.from_row(r) for r in rows],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )


async def import_targets(
    conn: Connection, actor: UUID, rows: list[Any], *, idempotency_key: str | None = None
) -> tuple[ImportResult, bool]:
    """Validate every row, then write all of them in one transaction, or none."""
    payload = [t.model_dump(mode="json") for t in validate_rows(rows, TargetCreate)]

    async def create() -> ImportResult:
        ids: list[UUID] = []
        for start in range(0, len(payload), IMPORT_CHUNK):
            ids += await queries.insert_targets(conn, payload[start : start + IMPORT_CHUNK], actor)
        return ImportResult(created=len(ids), ids=ids)

    async with transaction(conn, acting_user=actor):
        return await run_idempotent(
            conn,
            idempotency_key,
            user_id=actor,
            scope="targets.import",
            body=payload,
            model=ImportResult,
            create=create,
        )
