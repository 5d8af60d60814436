"""The caller's own balance in each house where a person is linked to them."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from vividshift.assignments import queries as assignment_queries
from vividshift.assignments.rules import house_of
from vividshift.auth.deps import Principal
from vividshift.db import Connection
from vividshift.domains import queries as domain_queries
from vividshift.ledger.ledger import ledger


@dataclass(frozen=True)
class MyBalance:
    domain_id: UUID
    domain_name: str
    balance: float

    @property
    def sentence(self) -> str:
        """ "you are 2 points ahead of your share" (or behind, or at it)."""
        points = round(abs(self.balance), 1)
        if points < 0.1:
            return "you are at your fair share"
        unit = "point" if points == 1 else "points"
        side = "ahead of" if self.balance > 0 else "behind"
        return f"you are {points:g} {unit} {side} your share"


async def my_balances(conn: Connection, principal: Principal) -> list[MyBalance]:
    """Per house where a participant is linked to the caller: their ledger balance up to
    today in that house's zone."""
    out = []
    linked = set(await assignment_queries.linked_participant_ids(conn, principal.id))
    for domain in await assignment_queries.linked_domains(conn, principal.id):
        row = await domain_queries.get_domain(conn, domain["id"])
        book = await ledger(conn, domain["id"], house_of(row).today())
        for pid, line in book.lines.items():
            if pid in linked:
                out.append(MyBalance(domain["id"], domain["display_name"], line.balance))
    return sorted(out, key=lambda b: b.domain_name)
