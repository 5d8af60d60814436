"""Assignment target use-cases; each one is one transaction.

Same rules as participants: `DELETE` deactivates; the admin-only permanent delete is
refused with 409 while assignment details name the target, unless `force=true` (which
deletes those details with it). Import is all or nothing.

Domains (`vividshift.domains.access`): a target belongs to one domain, named on create
by `domain` (name or id; default `default`), or per row / by `?domain=` on import.
Writing needs `manager` there; a target of a domain the caller does not see is 404, one
they see without the role is 403. Its candidates are participants of its own domain.
"""

from typing import Any
from uuid import UUID

from vividshift.auth.deps import Principal
from vividshift.bulk_import import validate_rows
from vividshift.db import Connection, transaction
from vividshift.domains.access import Access, domain_access, list_scope, row_access
from vividshift.errors import Conflict, NotFound
from vividshift.http.paging import Page, PageParams, Sort
from vividshift.idempotency.service import run_idempotent
from vividshift.participants.schemas import ImportResult, ParticipantRead
from vividshift.patching import merge_patch_or_reject
from vividshift.targets import queries
from vividshift.targets.rows import TargetRow
from vividshift.targets.schemas import TargetCreate, TargetRead, TargetUpdate

IMPORT_CHUNK = 1_000


def _not_found(target_id: UUID) -> NotFound:
    return NotFound("Target not found", details={"id": str(target_id)})


def _actor(caller: Principal | None) -> UUID | None:
    return caller.id if caller is not None else None


async def _load(
    conn: Connection, caller: Principal | None, target_id: UUID, *, lock: bool = False
) -> tuple[TargetRow, Access]:
    """The row and the caller's access to its domain; 404 when either is out of sight."""
    row = await (queries.lock_target if lock else queries.get_target)(conn, target_id)
    if row is None:
        raise _not_found(target_id)
    return row, await row_access(conn, caller, row.domain_id, _not_found(target_id))


async def create_target(
    conn: Connection,
    caller: Principal | None,
    body: TargetCreate,
    idempotency_key: str | None = None,
) -> tuple[TargetRead, bool]:
    """Create one target in its domain (a manager there); (target, replayed) under an
    Idempotency-Key."""
    actor = _actor(caller)

    async def create() -> TargetRead:
        access = (await domain_access(conn, caller, body.domain)).require("manager")
        row = await queries.insert_target(
            conn, body.model_dump(exclude={"domain"}), actor, access.domain_id
        )
        return TargetRead.from_row(row)

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


async def get_target(conn: Connection, caller: Principal | None, target_id: UUID) -> TargetRead:
    """One target of a domain the caller sees, active or not."""
    row, _ = await _load(conn, caller, target_id)
    return TargetRead.from_row(row)


async def list_targets(
    conn: Connection,
    caller: Principal | None,
    *,
    active_only: bool,
    requires_skill: str | None,
    name_contains: str | None,
    sort: Sort,
    page: PageParams,
    domain: str | UUID | None = None,
) -> Page[TargetRead]:
    """A page of targets with the total count: of `domain` (404 when unseen), else of
    every domain the caller sees."""
    rows, total = await queries.list_targets(
        conn,
        active_only=active_only,
        requires_skill=requires_skill,
        name_contains=name_contains,
        sort=sort,
        page=page,
        domain_ids=await list_scope(conn, caller, domain),
    )
    return Page[TargetRead](
        items=[TargetRead.from_row(r) for r in rows],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )


async def update_target_and_metadata(
    conn: Connection,
    caller: Principal | None,
    target_id: UUID,
    body: TargetUpdate,
    metadata_patch: dict[str, Any] | None = None,
) -> TargetRead:
    """Apply a partial update (a manager) and merge `metadata_patch` into metadata (null
    removes a key), in one transaction."""
    changes = body.model_dump(exclude_unset=True)
    async with transaction(conn, acting_user=_actor(caller)):
        current, access = await _load(conn, caller, target_id, lock=True)
        access.require("manager")
        if metadata_patch:
            changes["metadata"] = merge_patch_or_reject(
                current.metadata, metadata_patch, "Invalid attributes"
            )
        row = await queries.update_target(conn, target_id, changes)
    assert row is not None
    return TargetRead.from_row(row)


async def patch_target(
    conn: Connection, caller: Principal | None, target_id: UUID, body: TargetUpdate
) -> TargetRead:
    """Apply a partial update (a manager)."""
    return await update_target_and_metadata(conn, caller, target_id, body)


async def deactivate_target(conn: Connection, caller: Principal | None, target_id: UUID) -> None:
    """Soft delete (a manager): the target stays, marked inactive."""
    await patch_target(conn, caller, target_id, TargetUpdate(is_active=False))


async def delete_target_permanently(
    conn: Connection, caller: Principal | None, target_id: UUID, *, force: bool = False
) -> None:
    """Hard delete; 409 while assignment details name the target, unless `force`."""
    async with transaction(conn, acting_user=_actor(caller)):
        _, access = await _load(conn, caller, target_id, lock=True)
        access.require("manager")
        used = await queries.count_assignment_details(conn, target_id)
        if used and not force:
            raise Conflict(
                "Target appears in assignments",
                details=f"{used} assignment detail(s) name this target; deactivate it "
                "instead, or delete permanently with force=true (removes those details)",
            )
        await queries.delete_target(conn, target_id)


async def list_candidates(
    conn: Connection, caller: Principal | None, target_id: UUID, sort: Sort, page: PageParams
) -> Page[ParticipantRead]:
    """Active participants of the target's domain whose skills cover its required_skills."""
    target = await get_target(conn, caller, target_id)
    rows, total = await queries.list_candidates(
        conn, target.required_skills, sort, page, target.domain_id
    )
    return Page[ParticipantRead](
        items=[ParticipantRead.from_row(r) for r in rows],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )


async def import_targets(
    conn: Connection,
    caller: Principal | None,
    rows: list[Any],
    *,
    domain: str | UUID | None = None,
    idempotency_key: str | None = None,
) -> tuple[ImportResult, bool]:
    """Validate every row, then write all of them in one transaction, or none. Each row
    goes to its own `domain`, else to `domain`, else to `default` (a manager in each)."""
    valid = validate_rows(rows, TargetCreate)
    actor = _actor(caller)

    async with transaction(conn, acting_user=actor):
        accesses: dict[str | UUID | None, Access] = {}
        for ref in dict.fromkeys(t.domain or domain for t in valid):
            accesses[ref] = (await domain_access(conn, caller, ref)).require("manager")
        payload = [
            t.model_dump(mode="json", exclude={"domain"})
            | {"domain_id": str(accesses[t.domain or domain].domain_id)}
            for t in valid
        ]

        async def create() -> ImportResult:
            ids: list[UUID] = []
            for start in range(0, len(payload), IMPORT_CHUNK):
                chunk = payload[start : start + IMPORT_CHUNK]
                ids += await queries.insert_targets(conn, chunk, actor)
            return ImportResult(created=len(ids), ids=ids)

        return await run_idempotent(
            conn,
            idempotency_key,
            user_id=actor,
            scope="targets.import",
            body=payload,
            model=ImportResult,
            create=create,
        )
