"""Participant use-cases; each one is one transaction.

Decisions:
- `DELETE /api/participants/{id}` is a soft delete: `is_active = false`; the row, and
  every assignment that names it, stay. Lists hide inactive rows unless
  `active_only=false`.
- `DELETE /api/participants/{id}/permanent` (admin only) removes the row. When the
  participant appears in assignment details it is refused with 409, unless the admin
  adds `force=true`: then those detail rows are deleted with it (the assignments and
  their history stay).
- `created_by` is always the caller; it cannot be sent.
- Import is all or nothing (see `vividshift.bulk_import`).
"""

from collections.abc import Callable
from typing import Any
from uuid import UUID

from vividshift.bulk_import import validate_rows
from vividshift.db import Connection, transaction
from vividshift.errors import Conflict, NotFound
from vividshift.http.paging import Page, PageParams, Sort
from vividshift.idempotency.service import run_idempotent
from vividshift.participants import queries
from vividshift.participants.schemas import (
    ImportResult,
    ParticipantCreate,
    ParticipantFilters,
    ParticipantRead,
    ParticipantUpdate,
)
from vividshift.patching import merge_patch_or_reject

IMPORT_CHUNK = 1_000


def _not_found(participant_id: UUID) -> NotFound:
    return NotFound("Participant not found", details={"id": str(participant_id)})


async def create_participant(
    conn: Connection,
    actor: UUID,
    body: ParticipantCreate,
    idempotency_key: str | None = None,
) -> tuple[ParticipantRead, bool]:
    """Create one participant; (participant, replayed) under an Idempotency-Key."""

    async def create() -> ParticipantRead:
        row = await queries.insert_participant(conn, body.model_dump(), actor)
        return ParticipantRead.from_row(row)

    async with transaction(conn, acting_user=actor):
        return await run_idempotent(
            conn,
            idempotency_key,
            user_id=actor,
            scope="participants.create",
            body=body.model_dump(mode="json"),
            model=ParticipantRead,
            create=create,
        )


async def get_participant(conn: Connection, participant_id: UUID) -> ParticipantRead:
    """One participant, active or not."""
    row = await queries.get_participant(conn, participant_id)
    if row is None:
        raise _not_found(participant_id)
    return ParticipantRead.from_row(row)


async def list_participants(
    conn: Connection, filters: ParticipantFilters, sort: Sort, page: PageParams
) -> Page[ParticipantRead]:
    """A page of participants matching every filter given, with the total count."""
    rows, total = await queries.list_participants(conn, filters, sort, page)
    return Page[ParticipantRead](
        items=[ParticipantRead.from_row(r) for r in rows],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )


async def update_participant(
    conn: Connection, actor: UUID, participant_id: UUID, changes: dict[str, Any]
) -> ParticipantRead:
    """Write the fields given (already validated), leave the others."""
    async with transaction(conn, acting_user=actor):
        row = await queries.update_participant(conn, participant_id, changes)
    if row is None:
        raise _not_found(participant_id)
    return ParticipantRead.from_row(row)


async def patch_participant(
    conn: Connection, actor: UUID, participant_id: UUID, body: ParticipantUpdate
) -> ParticipantRead:
    """Apply a partial update."""
    return await update_participant(
        conn, actor, participant_id, body.model_dump(exclude_unset=True)
    )


async def update_participant_and_metadata(
    conn: Connection,
    actor: UUID,
    participant_id: UUID,
    body: ParticipantUpdate,
    metadata_patch: dict[str, Any],
) -> ParticipantRead:
    """Apply a partial update and merge `metadata_patch` into metadata (null removes a
    key), in one transaction."""
    changes = body.model_dump(exclude_unset=True)
    async with transaction(conn, acting_user=actor):
        current = await queries.lock_participant(conn, participant_id)
        if current is None:
            raise _not_found(participant_id)
        if metadata_patch:
            changes["metadata"] = merge_patch_or_reject(
                current["metadata"], metadata_patch, "Invalid attributes"
            )
        row = await queries.update_participant(conn, participant_id, changes)
    assert row is not None
    return ParticipantRead.from_row(row)


async def deactivate_participant(conn: Connection, actor: UUID, participant_id: UUID) -> None:
    """Soft delete: the participant stays, marked inactive."""
    await update_participant(conn, actor, participant_id, {"is_active": False})


async def delete_participant_permanently(
    conn: Connection, actor: UUID, participant_id: UUID, *, force: bool = False
) -> None:
    """Hard delete; refused (409) while assignment details name the participant, unless
    `force`."""
    async with transaction(conn, acting_user=actor):
        if await queries.lock_participant(conn, participant_id) is None:
            raise _not_found(participant_id)
        used = await queries.count_assignment_details(conn, participant_id)
        if used and not force:
            raise Conflict(
                "Participant appears in assignments",
                details=f"{used} assignment detail(s) name this participant; deactivate it "
                "instead, or delete permanently with force=true (removes those details)",
            )
        await queries.delete_participant(conn, participant_id)


async def import_participants(
    conn: Connection,
    actor: UUID | None,
    rows: list[Any],
    *,
    idempotency_key: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> tuple[ImportResult, bool]:
    """Validate every row, then write all of them in one transaction, or none."""
    valid = validate_rows(rows, ParticipantCreate)
    if progress:
        progress(0)
    payload = [p.model_dump(mode="json") for p in valid]

    async def create() -> ImportResult:
        ids: list[UUID] = []
        for start in range(0, len(payload), IMPORT_CHUNK):
            chunk = payload[start : start + IMPORT_CHUNK]
            ids += await queries.insert_participants(conn, chunk, actor)
            if progress:
                progress(len(chunk))
        return ImportResult(created=len(ids), ids=ids)

    async with transaction(conn, acting_user=actor):
        if actor is None:
            return await create(), False
        return await run_idempotent(
            conn,
            idempotency_key,
            user_id=actor,
            scope="participants.import",
            body=payload,
            model=ImportResult,
            create=create,
        )
