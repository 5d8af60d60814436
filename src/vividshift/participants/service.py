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
- Domains (`vividshift.domains.access`): a participant belongs to one domain, named on
  create by `domain` (name or id; default `default`) — or per row, or by `?domain=`, on
  import. Creating, deleting, and changing anything needs `manager` there, except that
  a `member` may change the `availability` and `preferences` of the participant linked
  to them (`user_id` = their account). A row of a domain the caller does not see is
  404; one they see without the role needed is 403. Lists cover one domain when asked,
  else every domain the caller sees.
- `user_id` links a participant to an existing account (unique per domain: 409; no
  such account: 422). Linking in a domain other than `default` makes the account a
  `member` there unless it has a role already, so the person can see their house and
  edit their own availability.
"""

from collections.abc import Callable
from dataclasses import replace
from typing import Any
from uuid import UUID

from vividshift.auth.deps import Principal
from vividshift.bulk_import import validate_rows
from vividshift.db import Connection, transaction
from vividshift.domains import queries as domain_queries
from vividshift.domains.access import (
    DEFAULT_DOMAIN,
    Access,
    domain_access,
    list_scope,
    row_access,
    visibility,
)
from vividshift.errors import BusinessRuleViolation, Conflict, Forbidden, NotFound
from vividshift.http.paging import Page, PageParams, Sort
from vividshift.idempotency.service import run_idempotent
from vividshift.participants import duplicates, queries
from vividshift.participants.duplicates import OnDuplicate
from vividshift.participants.rows import ParticipantRow
from vividshift.participants.schemas import (
    ImportResult,
    ParticipantCreate,
    ParticipantFilters,
    ParticipantRead,
    ParticipantUpdate,
)
from vividshift.patching import merge_patch_or_reject

IMPORT_CHUNK = 1_000
# What a `member` may change, on the participant linked to them only.
SELF_SERVICE_FIELDS = frozenset({"availability", "preferences"})


def _not_found(participant_id: UUID) -> NotFound:
    return NotFound("Participant not found", details={"id": str(participant_id)})


def _actor(caller: Principal | None) -> UUID | None:
    return caller.id if caller is not None else None


async def _load(
    conn: Connection, caller: Principal | None, participant_id: UUID, *, lock: bool = False
) -> tuple[ParticipantRow, Access]:
    """The row and the caller's access to its domain; 404 when either is out of sight."""
    fetch = queries.lock_participant if lock else queries.get_participant
    row = await fetch(conn, participant_id)
    if row is None:
        raise _not_found(participant_id)
    return row, await row_access(conn, caller, row.domain_id, _not_found(participant_id))


def _require_write(
    access: Access, caller: Principal | None, row: ParticipantRow, fields: set[str]
) -> None:
    """A manager writes anything; a member their own availability and preferences."""
    if access.allows("manager"):
        return
    own = caller is not None and row.user_id == caller.id
    if access.role == "member" and own and fields <= SELF_SERVICE_FIELDS:
        return
    if access.role == "member" and own:
        raise Forbidden(
            "A member may change only the availability and preferences of their own participant",
            details={"fields": sorted(fields - SELF_SERVICE_FIELDS)},
        )
    access.require("manager")


async def _link_members(
    conn: Connection, access: Access, user_ids: list[UUID], actor: UUID | None
) -> None:
    """Linked accounts become members of the domain (`default` needs no membership)."""
    if user_ids and access.domain_name != DEFAULT_DOMAIN:
        await domain_queries.ensure_members(conn, access.domain_id, user_ids, "member", actor)


SENT = "_sent_fields"


def _import_changes(row: dict[str, Any]) -> dict[str, Any]:
    """The fields an import row sets on a stored participant (its domain stays)."""
    return {k: row[k] for k in row[SENT]}


async def _sort_duplicates(
    conn: Connection, payload: list[dict[str, Any]], on_duplicate: OnDuplicate
) -> duplicates.Sorted:
    """The rows split into insert/update/skip; Conflict naming each duplicate (`fail`)."""
    if on_duplicate == "create":
        return duplicates.sort_rows(payload, {}, "create")
    stored = await queries.list_by_import_keys(
        conn,
        sorted({r["domain_id"] for r in payload}),
        sorted({str(r["email"]).casefold() for r in payload if r.get("email")}),
        sorted({str(r["name"]).casefold() for r in payload}),
    )
    existing: dict[tuple[str, tuple[str, str]], UUID] = {}
    for row in stored:
        keys = [("name", row.name.casefold())]
        if row.email:
            keys.insert(0, ("email", row.email.casefold()))
        for key in keys:
            existing.setdefault((str(row.domain_id), key), row.id)
    rows = duplicates.sort_rows(payload, existing, on_duplicate)
    if on_duplicate == "fail" and rows.duplicates:
        raise Conflict(
            f"{len(rows.duplicates)} row(s) name people already there; nothing was imported"
            " (choose --on-duplicate skip or update)",
            details=rows.duplicates,
        )
    return rows


async def create_participant(
    conn: Connection,
    caller: Principal | None,
    body: ParticipantCreate,
    idempotency_key: str | None = None,
) -> tuple[ParticipantRead, bool]:
    """Create one participant in its domain (a manager there); (participant, replayed)
    under an Idempotency-Key."""
    actor = _actor(caller)

    async def create() -> ParticipantRead:
        access = (await domain_access(conn, caller, body.domain)).require("manager")
        values = body.model_dump(exclude={"domain"})
        row = await queries.insert_participant(conn, values, actor, access.domain_id)
        await _link_members(conn, access, [body.user_id] if body.user_id else [], actor)
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


async def get_participant(
    conn: Connection, caller: Principal | None, participant_id: UUID
) -> ParticipantRead:
    """One participant of a domain the caller sees, active or not."""
    row, _ = await _load(conn, caller, participant_id)
    return ParticipantRead.from_row(row)


async def list_participants(
    conn: Connection,
    caller: Principal | None,
    filters: ParticipantFilters,
    sort: Sort,
    page: PageParams,
    *,
    domain: str | UUID | None = None,
) -> Page[ParticipantRead]:
    """A page of participants matching every filter given, with the total count: of
    `domain` (404 when unseen), else of every domain the caller sees."""
    scoped = replace(filters, domain_ids=await list_scope(conn, caller, domain))
    rows, total = await queries.list_participants(conn, scoped, sort, page)
    return Page[ParticipantRead](
        items=[ParticipantRead.from_row(r) for r in rows],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )


async def list_participants_json(
    conn: Connection,
    caller: Principal | None,
    filters: ParticipantFilters,
    sort: Sort,
    page: PageParams,
    *,
    domain: str | UUID | None = None,
) -> bytes:
    """`list_participants` as the JSON body itself, built by PostgreSQL (the API's list:
    the same shape, without a Python object per row). Without `domain`, the domains the
    caller reads are chosen inside the same query (one round trip, not two)."""
    if domain is None:
        scoped = replace(filters, visibility=visibility(caller))
    else:
        scoped = replace(filters, domain_ids=await list_scope(conn, caller, domain))
    return await queries.list_page_json(conn, scoped, sort, page)


async def update_participant_and_metadata(
    conn: Connection,
    caller: Principal | None,
    participant_id: UUID,
    body: ParticipantUpdate,
    metadata_patch: dict[str, Any] | None = None,
) -> ParticipantRead:
    """Apply a partial update and merge `metadata_patch` into metadata (null removes a
    key), in one transaction."""
    changes = body.model_dump(exclude_unset=True)
    actor = _actor(caller)
    async with transaction(conn, acting_user=actor):
        current, access = await _load(conn, caller, participant_id, lock=True)
        _require_write(
            access, caller, current, set(changes) | ({"metadata"} if metadata_patch else set())
        )
        if metadata_patch:
            changes["metadata"] = merge_patch_or_reject(
                current.metadata, metadata_patch, "Invalid attributes"
            )
        row = await queries.update_participant(conn, participant_id, changes)
        if changes.get("user_id") is not None:
            await _link_members(conn, access, [changes["user_id"]], actor)
    assert row is not None
    return ParticipantRead.from_row(row)


async def patch_participant(
    conn: Connection, caller: Principal | None, participant_id: UUID, body: ParticipantUpdate
) -> ParticipantRead:
    """Apply a partial update."""
    return await update_participant_and_metadata(conn, caller, participant_id, body)


async def link_account(
    conn: Connection, caller: Principal | None, participant_id: UUID, username: str
) -> ParticipantRead:
    """Link a participant to the active account named `username` (a manager); 422 when
    there is none. The account becomes a member of the domain, as with `user_id`."""
    user = await domain_queries.find_active_user(conn, username=username)
    if user is None:
        raise BusinessRuleViolation(
            "No active account with this username", details={"username": username}
        )
    body = ParticipantUpdate.model_validate({"user_id": user.id})
    return await update_participant_and_metadata(conn, caller, participant_id, body)


async def deactivate_participant(
    conn: Connection, caller: Principal | None, participant_id: UUID
) -> None:
    """Soft delete (a manager): the participant stays, marked inactive."""
    await patch_participant(conn, caller, participant_id, ParticipantUpdate(is_active=False))


async def delete_participant_permanently(
    conn: Connection, caller: Principal | None, participant_id: UUID, *, force: bool = False
) -> None:
    """Hard delete; refused (409) while assignment details name the participant, unless
    `force`."""
    async with transaction(conn, acting_user=_actor(caller)):
        _, access = await _load(conn, caller, participant_id, lock=True)
        access.require("manager")
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
    caller: Principal | None,
    rows: list[Any],
    *,
    domain: str | UUID | None = None,
    idempotency_key: str | None = None,
    progress: Callable[[int], None] | None = None,
    on_duplicate: OnDuplicate = "create",
) -> tuple[ImportResult, bool]:
    """Validate every row, then write all of them in one transaction, or none. Each row
    goes to its own `domain`, else to `domain`, else to `default`; the caller needs
    `manager` in each. `on_duplicate`: see `participants.duplicates`."""
    valid = validate_rows(rows, ParticipantCreate)
    if progress:
        progress(0)
    actor = _actor(caller)

    async def create(
        payload: list[dict[str, Any]], links: dict[UUID, tuple[Access, list[UUID]]]
    ) -> ImportResult:
        rows = await _sort_duplicates(conn, payload, on_duplicate)
        payload = [{k: v for k, v in r.items() if k != SENT} for r in rows.insert]
        for stored_id, values in rows.update:
            await queries.update_participant(conn, stored_id, _import_changes(values))
            if progress:
                progress(1)
        ids: list[UUID] = []
        for start in range(0, len(payload), IMPORT_CHUNK):
            chunk = payload[start : start + IMPORT_CHUNK]
            ids += await queries.insert_participants(conn, chunk, actor)
            if progress:
                progress(len(chunk))
        for access, user_ids in links.values():
            await _link_members(conn, access, user_ids, actor)
        return ImportResult(
            created=len(ids), ids=ids, updated=len(rows.update), skipped=rows.skipped
        )

    async with transaction(conn, acting_user=actor):
        accesses: dict[str | UUID | None, Access] = {}
        for ref in dict.fromkeys(p.domain or domain for p in valid):
            accesses[ref] = (await domain_access(conn, caller, ref)).require("manager")
        payload: list[dict[str, Any]] = []
        links: dict[UUID, tuple[Access, list[UUID]]] = {}
        for p in valid:
            access = accesses[p.domain or domain]
            payload.append(
                p.model_dump(mode="json", exclude={"domain"}) | {"domain_id": str(access.domain_id)}
            )
            if on_duplicate == "update":  # an update writes only the cells the file has
                payload[-1][SENT] = sorted(p.model_fields_set - {"domain", "user_id"})
            if p.user_id is not None:
                links.setdefault(access.domain_id, (access, []))[1].append(p.user_id)
        if actor is None:
            return await create(payload, links), False
        return await run_idempotent(
            conn,
            idempotency_key,
            user_id=actor,
            scope="participants.import",
            body=payload,
            model=ImportResult,
            create=lambda: create(payload, links),
        )
