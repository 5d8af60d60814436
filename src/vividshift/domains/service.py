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
"""

from typing import Any
from uuid import UUID

from vividshift.db import Connection, transaction
from vividshift.domains import queries
from vividshift.domains.schemas import DomainCreate, DomainRead, DomainUpdate, bump_version
from vividshift.errors import Conflict, NotFound
from vividshift.http.paging import Page, PageParams, Sort
from vividshift.idempotency.service import run_idempotent


def _not_found(domain_id: UUID) -> NotFound:
    return NotFound("Domain not found", details={"id": str(domain_id)})


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
    conn: Connection, actor: UUID, body: DomainCreate, idempotency_key: str | None = None
) -> tuple[DomainRead, bool]:
    """Create a domain; 409 when the name is taken."""

    async def create() -> DomainRead:
        return DomainRead.from_row(await queries.insert_domain(conn, _stored(body), actor))

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


async def get_domain(conn: Connection, domain_id: UUID) -> DomainRead:
    """One domain, active or not."""
    row = await queries.get_domain(conn, domain_id)
    if row is None:
        raise _not_found(domain_id)
    return DomainRead.from_row(row)


async def list_domains(
    conn: Connection, *, active_only: bool, sort: Sort, page: PageParams
) -> Page[DomainRead]:
    """A page of domains with the total count."""
    rows, total = await queries.list_domains(conn, active_only=active_only, sort=sort, page=page)
    return Page[DomainRead](
        items=[DomainRead.from_row(r) for r in rows],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )


async def update_domain(
    conn: Connection, actor: UUID, domain_id: UUID, body: DomainUpdate
) -> DomainRead:
    """Apply a partial update; bump the version by the documented rule."""
    changes = _stored(body)
    async with transaction(conn, acting_user=actor):
        current = await queries.lock_domain(conn, domain_id)
        if current is None:
            raise _not_found(domain_id)
        rules_changed = any(
            key in changes
            and changes[key] != (current[key] or ([] if key == "business_rules" else {}))
            for key in ("configuration", "business_rules")
        )
        if "version" not in changes and rules_changed:
            changes["version"] = bump_version(current["version"])
        row = await queries.update_domain(conn, domain_id, changes)
    assert row is not None
    return DomainRead.from_row(row)


async def deactivate_domain(conn: Connection, actor: UUID, domain_id: UUID) -> None:
    """Soft delete: the domain stays, marked inactive."""
    async with transaction(conn, acting_user=actor):
        if await queries.update_domain(conn, domain_id, {"is_active": False}) is None:
            raise _not_found(domain_id)


async def delete_domain_permanently(conn: Connection, actor: UUID, domain_id: UUID) -> None:
    """Remove a domain, its definitions and entities; 409 while assignments reference it."""
    async with transaction(conn, acting_user=actor):
        current = await queries.lock_domain(conn, domain_id)
        if current is None:
            raise _not_found(domain_id)
        used = await queries.count_referencing_assignments(conn, domain_id, current["name"])
        if used:
            raise Conflict(
                "Domain is referenced by assignments",
                details=f"{used} assignment(s) reference this domain; deactivate it instead",
            )
        await queries.delete_domain(conn, domain_id)
