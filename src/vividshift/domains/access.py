"""Who may do what in a domain: the one place every service asks.

Roles in a domain, from `domain_members`: `manager` (people, tasks, rules, runs and
members of that domain), `member` (reads it; edits their own participant's availability
and preferences, marks their own places) and `viewer` (reads). The global roles stay on
top: a global `admin` is a manager of every domain; a global `viewer` never writes,
whatever the membership (their role is capped at viewer). The domain `default` is open
to everyone with their global role (a global `user` manages it), so an install with one
house needs no setup and the predecessor's clients keep working. The domain
`work-groups` (the predecessor's chore rotation, `/api/work-groups/*`) is open the same
way (`OPEN_DOMAINS`): every global user may use it as before domains existed.

A domain the caller may not see is answered with 404 (`domain_not_found`), never 403:
its existence is not revealed. A domain they see but may not change is a 403. A row of
a domain (a participant, a target) is reached through `row_access`: the row's own 404
when its domain is unseen. Lists cover `list_scope`: the domain asked for, else every
domain the caller sees.

`principal=None` is the system (the CLI, a worker, the demo): a manager of every domain.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal
from uuid import UUID

from vividshift.auth.deps import Principal
from vividshift.db import Connection
from vividshift.domains import queries
from vividshift.errors import Forbidden, NotFound

DomainRole = Literal["viewer", "member", "manager"]
RANK: dict[str, int] = {"viewer": 0, "member": 1, "manager": 2}
DEFAULT_DOMAIN = "default"
# A caller's role in the default domain, by global role (no membership needed there).
DEFAULT_ROLE: dict[str, DomainRole] = {"admin": "manager", "user": "manager", "viewer": "viewer"}
WORK_GROUPS_DOMAIN = "work-groups"
# Domains open to every account with its global role (DEFAULT_ROLE), member or not.
OPEN_DOMAINS = frozenset({DEFAULT_DOMAIN, WORK_GROUPS_DOMAIN})


@dataclass(frozen=True)
class Access:
    """The caller's effective role in one domain."""

    domain_id: UUID
    domain_name: str
    role: DomainRole

    def allows(self, needed: DomainRole) -> bool:
        return RANK[self.role] >= RANK[needed]

    def require(self, needed: DomainRole) -> Access:
        """Self when the role reaches `needed`, else 403."""
        if not self.allows(needed):
            raise Forbidden(
                f"Your role in this domain ({self.role}) does not allow this action "
                f"(needs: {needed})"
            )
        return self


def domain_not_found(ref: object) -> NotFound:
    return NotFound("Domain not found", details={"domain": str(ref)})


def effective_role(principal: Principal, domain_name: str, member_role: str | None) -> str | None:
    """The caller's role in a domain (None: they may not see it). Pure, for tests."""
    if principal.role == "admin":
        return "manager"
    role = member_role
    if role is None and domain_name in OPEN_DOMAINS:
        role = DEFAULT_ROLE.get(principal.role)
    if role is None:
        return None
    return "viewer" if principal.role == "viewer" else role


async def domain_access(
    conn: Connection, principal: Principal | None, ref: str | UUID | None
) -> Access:
    """The caller's access to the domain named by `ref` (name or id; None: `default`);
    404 when it does not exist or the caller may not see it."""
    row = await queries.find_domain_for_user(
        conn, DEFAULT_DOMAIN if ref is None else str(ref), principal.id if principal else None
    )
    if row is None:
        raise domain_not_found(DEFAULT_DOMAIN if ref is None else ref)
    if principal is None:
        return Access(row.id, row.name, "manager")
    role = effective_role(principal, row.name, row.member_role)
    if role is None:
        raise domain_not_found(ref)
    return Access(row.id, row.name, role)  # type: ignore[arg-type]


def visibility(principal: Principal | None) -> dict[str, Any]:
    """The parameters of `queries.VISIBLE_DOMAIN_IDS` for the caller, so a query can
    scope itself in the same round trip; `visible_to` None: every domain (an admin, the
    system)."""
    sees_all = principal is None or principal.role == "admin"
    return {
        "visible_to": None if sees_all or principal is None else principal.id,
        "open_domains": sorted(OPEN_DOMAINS),
    }


async def visible_domain_ids(conn: Connection, principal: Principal | None) -> list[UUID] | None:
    """The domains the caller may read; None means every domain (an admin, the system)."""
    scope = visibility(principal)
    if scope["visible_to"] is None:
        return None
    return await queries.list_visible_domain_ids(conn, scope)


async def row_access(
    conn: Connection, principal: Principal | None, domain_id: UUID, not_found: NotFound
) -> Access:
    """The caller's access to the domain a row belongs to; `not_found` (the row's own
    404) when they may not see that domain."""
    try:
        return await domain_access(conn, principal, domain_id)
    except NotFound:
        raise not_found from None


async def list_scope(
    conn: Connection, principal: Principal | None, ref: str | UUID | None
) -> list[UUID] | None:
    """The domains a list covers: the one `ref` names (404 when unseen), else every
    domain the caller sees (None: all of them)."""
    if ref is not None:
        return [(await domain_access(conn, principal, ref)).domain_id]
    return await visible_domain_ids(conn, principal)
