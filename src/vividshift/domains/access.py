"""Who may do what in a domain: the one place every service asks.

Roles in a domain, from `domain_members`: `manager` (people, tasks, rules, runs and
members of that domain), `member` (reads it; edits their own participant's availability
and preferences, marks their own places) and `viewer` (reads). The global roles stay on
top: a global `admin` is a manager of every domain; a global `viewer` never writes,
whatever the membership (their role is capped at viewer). The domain `default` is open
to everyone with their global role (a global `user` manages it), so an install with one
house needs no setup and the predecessor's clients keep working.

A domain the caller may not see is answered with 404 (`domain_not_found`), never 403:
its existence is not revealed. A domain they see but may not change is a 403.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal
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
    if role is None and domain_name == DEFAULT_DOMAIN:
        role = DEFAULT_ROLE.get(principal.role)
    if role is None:
        return None
    return "viewer" if principal.role == "viewer" else role


async def domain_access(conn: Connection, principal: Principal, ref: str | UUID | None) -> Access:
    """The caller's access to the domain named by `ref` (name or id; None: `default`);
    404 when it does not exist or the caller may not see it."""
    row = await queries.find_domain_for_user(
        conn, DEFAULT_DOMAIN if ref is None else str(ref), principal.id
    )
    if row is None:
        raise domain_not_found(ref)
    role = effective_role(principal, row["name"], row["member_role"])
    if role is None:
        raise domain_not_found(ref)
    return Access(row["id"], row["name"], role)  # type: ignore[arg-type]


async def visible_domain_ids(conn: Connection, principal: Principal) -> list[UUID] | None:
    """The domains the caller may read; None means every domain (an admin)."""
    if principal.role == "admin":
        return None
    return await queries.list_visible_domain_ids(conn, principal.id, DEFAULT_DOMAIN)
