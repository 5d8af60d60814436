"""Domain use-cases; each one is one transaction.

Decisions:
- `version`: see `vividshift.domains.schemas` (client-set, else last component + 1 when
  configuration or business_rules change).
- `DELETE /api/domains/{id}` deactivates the domain (`is_active = false`): its entity
  definitions and entities stay readable, and assignments that reference it keep
  meaning. `DELETE /api/domains/{id}/permanent` (admin only) removes the domain with
  its entity definitions and entities, and is refused with 409 while an assignment
  references it — by `domain_id` (uuid text) or `domain` (name) in its
  `configuration` or `metadata`, the convention for assignment runs of a domain.
- Who may: `vividshift.domains.access`. The creator of a domain becomes its manager (a
  `domain_members` row, same transaction). Lists show the domains the caller sees (an
  admin: all); one they do not see is 404; changing one needs `manager`. The domain
  `default` cannot be renamed, deactivated or deleted (422): it is where everything
  that names no domain goes.
- Members: readers of a domain list them; managers add (an existing account, by id or
  username; an upsert of the role) and remove them; anyone may leave. The last
  manager can be neither removed nor demoted (422): someone must be able to manage
  the house (an admin still can).
"""

from typing import Any
from uuid import UUID

from vividshift.auth.deps import Principal
from vividshift.db import Connection, transaction
from vividshift.domains import queries
from vividshift.domains.access import DEFAULT_DOMAIN, Access, domain_access, visible_domain_ids
from vividshift.domains.rows import DomainRow
from vividshift.domains.schemas import (
    DomainCreate,
    DomainRead,
    DomainUpdate,
    MemberCreate,
    MemberRead,
    bump_version,
)
from vividshift.errors import BusinessRuleViolation, Conflict, NotFound
from vividshift.http.paging import Page, PageParams, Sort
from vividshift.idempotency.service import run_idempotent


def _not_found(domain_id: UUID) -> NotFound:
    return NotFound("Domain not found", details={"id": str(domain_id)})


def _actor(caller: Principal | None) -> UUID | None:
    return caller.id if caller is not None else None


async def _access(conn: Connection, caller: Principal | None, domain_id: UUID) -> Access:
    """The caller's access to the domain with this id; 404 when unseen."""
    try:
        return await domain_access(conn, caller, domain_id)
    except NotFound:
        raise _not_found(domain_id) from None


def _keep_default(current: DomainRow, changes: dict[str, Any]) -> None:
    if current.name != DEFAULT_DOMAIN:
        return
    if changes.get("name", DEFAULT_DOMAIN) != DEFAULT_DOMAIN or changes.get("is_active") is False:
        raise BusinessRuleViolation(
            "The default domain cannot be renamed, deactivated or deleted",
            details="rows created without a domain go to it",
        )


def _stored(body: DomainCreate | DomainUpdate) -> dict[str, Any]:
    """The row's values; `configuration` as the client sent it (checked, but no defaults
    filled in: they apply when a generation reads it)."""
    values = body.model_dump(mode="json", exclude_unset=isinstance(body, DomainUpdate))
    if body.configuration is not None:
        values["configuration"] = body.configuration.model_dump(
            mode="json", exclude_unset=True, exclude_none=True
        )
    if body.business_rules is not None:
        values["business_rules"] = [
            r.model_dump(mode="json", exclude_none=True) for r in body.business_rules
        ]
    return values


async def create_domain(
    conn: Connection,
    caller: Principal | None,
    body: DomainCreate,
    idempotency_key: str | None = None,
) -> tuple[DomainRead, bool]:
    """Create a domain, its creator its manager; 409 when the name is taken."""
    actor = _actor(caller)

    async def create() -> DomainRead:
        row = await queries.insert_domain(conn, _stored(body), actor)
        if actor is not None:
            await queries.upsert_member(conn, row.id, actor, "manager", actor)
        return DomainRead.from_row(row)

    async with transaction(conn, acting_user=actor):
        return await run_idempotent(
            conn,
            idempotency_key,
            user_id=actor,
            scope="domains.create",
            body=body.model_dump(mode="json"),
            model=DomainRead,
            create=create,
        )


async def get_domain(conn: Connection, caller: Principal | None, domain_id: UUID) -> DomainRead:
    """One domain the caller sees, active or not."""
    await _access(conn, caller, domain_id)
    row = await queries.get_domain(conn, domain_id)
    if row is None:
        raise _not_found(domain_id)
    return DomainRead.from_row(row)


async def list_domains(
    conn: Connection,
    caller: Principal | None,
    *,
    active_only: bool,
    sort: Sort,
    page: PageParams,
) -> Page[DomainRead]:
    """A page of the domains the caller sees, with the total count."""
    rows, total = await queries.list_domains(
        conn,
        active_only=active_only,
        sort=sort,
        page=page,
        ids=await visible_domain_ids(conn, caller),
    )
    return Page[DomainRead](
        items=[DomainRead.from_row(r) for r in rows],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )


async def update_domain(
    conn: Connection, caller: Principal | None, domain_id: UUID, body: DomainUpdate
) -> DomainRead:
    """Apply a partial update (a manager); bump the version by the documented rule."""
    changes = _stored(body)
    async with transaction(conn, acting_user=_actor(caller)):
        (await _access(conn, caller, domain_id)).require("manager")
        current = await queries.lock_domain(conn, domain_id)
        if current is None:
            raise _not_found(domain_id)
        _keep_default(current, changes)
        rules_changed = any(
            key in changes
            and changes[key] != (getattr(current, key) or ([] if key == "business_rules" else {}))
            for key in ("configuration", "business_rules")
        )
        if "version" not in changes and rules_changed:
            changes["version"] = bump_version(current.version)
        row = await queries.update_domain(conn, domain_id, changes)
    assert row is not None
    return DomainRead.from_row(row)


async def deactivate_domain(conn: Connection, caller: Principal | None, domain_id: UUID) -> None:
    """Soft delete (a manager): the domain stays, marked inactive."""
    async with transaction(conn, acting_user=_actor(caller)):
        (await _access(conn, caller, domain_id)).require("manager")
        current = await queries.lock_domain(conn, domain_id)
        if current is None:
            raise _not_found(domain_id)
        _keep_default(current, {"is_active": False})
        await queries.update_domain(conn, domain_id, {"is_active": False})


async def delete_domain_permanently(
    conn: Connection, caller: Principal | None, domain_id: UUID
) -> None:
    """Remove a domain, its definitions and entities; 409 while assignments reference it."""
    async with transaction(conn, acting_user=_actor(caller)):
        (await _access(conn, caller, domain_id)).require("manager")
        current = await queries.lock_domain(conn, domain_id)
        if current is None:
            raise _not_found(domain_id)
        _keep_default(current, {"is_active": False})
        used = await queries.count_referencing_assignments(conn, domain_id, current.name)
        if used:
            raise Conflict(
                "Domain is referenced by assignments",
                details=f"{used} assignment(s) reference this domain; deactivate it instead",
            )
        await queries.delete_domain(conn, domain_id)


# --- members ---------------------------------------------------------------------------


async def list_members(
    conn: Connection, caller: Principal | None, domain_id: UUID
) -> list[MemberRead]:
    """The members of a domain the caller sees, by username."""
    await _access(conn, caller, domain_id)
    rows = await queries.list_members(conn, domain_id)
    return [MemberRead.model_validate(r, from_attributes=True) for r in rows]


async def _refuse_losing_last_manager(conn: Connection, domain_id: UUID, user_id: UUID) -> None:
    member = await queries.get_member(conn, domain_id, user_id)
    if (
        member is not None
        and member.role == "manager"
        and await queries.count_managers(conn, domain_id) <= 1
    ):
        raise BusinessRuleViolation(
            "The last manager of a domain cannot be removed or demoted",
            details="make someone else a manager first",
        )


async def add_member(
    conn: Connection, caller: Principal | None, domain_id: UUID, body: MemberCreate
) -> tuple[MemberRead, bool]:
    """Make an existing account a member with `role`, or change the role of one
    (a manager); (member, created)."""
    actor = _actor(caller)
    async with transaction(conn, acting_user=actor):
        (await _access(conn, caller, domain_id)).require("manager")
        await queries.lock_domain(conn, domain_id)  # member changes of a domain in turn
        user = await queries.find_active_user(conn, user_id=body.user_id, username=body.username)
        if user is None:
            raise BusinessRuleViolation(
                "No active account with this user_id or username",
                details={"user_id": str(body.user_id)}
                if body.user_id
                else {"username": body.username},
            )
        existing = await queries.get_member(conn, domain_id, user.id)
        if existing is not None and body.role != "manager":
            await _refuse_losing_last_manager(conn, domain_id, user.id)
        await queries.upsert_member(conn, domain_id, user.id, body.role, actor)
        row = await queries.get_member(conn, domain_id, user.id)
    assert row is not None
    return MemberRead.model_validate(row, from_attributes=True), existing is None


async def remove_member(
    conn: Connection, caller: Principal | None, domain_id: UUID, user_id: UUID
) -> None:
    """End a membership (a manager, or the member themselves); the last manager stays."""
    async with transaction(conn, acting_user=_actor(caller)):
        access = await _access(conn, caller, domain_id)
        if caller is None or caller.id != user_id:
            access.require("manager")
        await queries.lock_domain(conn, domain_id)
        await _refuse_losing_last_manager(conn, domain_id, user_id)
        if not await queries.delete_member(conn, domain_id, user_id):
            raise NotFound("Member not found", details={"user_id": str(user_id)})


# --- the page's choice of house ----------------------------------------------------------


async def list_domains_for_page(
    conn: Connection, caller: Principal | None, limit: int
) -> list[DomainRead]:
    """Up to `limit` domains the caller sees, active or not, by name."""
    page = await list_domains(
        conn, caller, active_only=False, sort=Sort("name", False), page=PageParams(limit)
    )
    return page.items


async def preferred_domain(
    conn: Connection, caller: Principal, listed: list[DomainRead]
) -> DomainRead:
    """The house to show when none was chosen: the first active one the caller is a
    member of, else that of the newest active run they see, else `default`."""
    active = {d.id: d for d in listed if d.is_active}
    for domain_id in await queries.member_domain_ids(conn, caller.id):
        if domain_id in active:
            return active[domain_id]
    newest = await queries.newest_active_run_domain(conn, list(active))
    if newest is not None:
        return active[newest]
    default = next((d for d in listed if d.name == DEFAULT_DOMAIN), None)
    if default is None:
        row = await queries.get_domain_named(conn, DEFAULT_DOMAIN)
        assert row is not None, "the migration creates the default domain"
        default = DomainRead.from_row(row)
    return default


async def is_empty(conn: Connection, domain_id: UUID) -> bool:
    """Whether a domain holds no people and no tasks yet."""
    return await queries.domain_is_empty(conn, domain_id)
