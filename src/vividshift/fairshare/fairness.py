"""The fairness view of a domain: the ledger per person and who did which task."""

from __future__ import annotations

import csv
import io
from datetime import date
from uuid import UUID

from vividshift.assignments.rules import house_of
from vividshift.auth.deps import Principal
from vividshift.db import Connection
from vividshift.domains import queries as domain_queries
from vividshift.domains.access import domain_access
from vividshift.errors import ValidationFailed
from vividshift.fairshare.schemas import FairnessRead, PersonFairness, TargetCount, TargetFairness
from vividshift.ledger import queries as ledger_queries
from vividshift.ledger.ledger import ledger

CSV_COLUMNS = (
    "participant_id",
    "name",
    "present_days",
    "fair_share",
    "done",
    "missed",
    "covered",
    "covered_for",
    "places",
    "balance",
)


async def fairness(
    conn: Connection,
    principal: Principal | None,
    domain_id: UUID,
    date_from: date | None,
    date_to: date | None,
) -> FairnessRead:
    """Per person the fair share, effort done, missed, covered, covered-for and balance;
    per task how often each person did it (runs dated from `date_from`, default the
    domain's first run, to `date_to`, default today in its zone)."""
    access = await domain_access(conn, principal, domain_id)
    if date_from is not None and date_to is not None and date_from > date_to:
        raise ValidationFailed("`from` is after `to`", details={"from": str(date_from)})
    if date_to is None:
        domain = await domain_queries.get_domain(conn, access.domain_id)
        date_to = house_of(domain).today()
    book = await ledger(conn, access.domain_id, date_to, date_from)
    lines = sorted(book.lines.values(), key=lambda e: (e.name, str(e.participant_id)))
    people = [
        PersonFairness(
            participant_id=e.participant_id,
            name=e.name,
            present_days=round(e.present_days, 2),
            fair_share=round(e.fair_share, 2),
            done=round(e.done, 2),
            missed=round(e.missed, 2),
            covered=round(e.covered_for_others, 2),
            covered_for=round(e.covered_for_them, 2),
            places=e.places,
            balance=round(e.balance, 2),
        )
        for e in lines
    ]
    targets = []
    for t in await ledger_queries.domain_targets(conn, access.domain_id):
        counts = [
            TargetCount(participant_id=e.participant_id, name=e.name, count=e.by_target[t.id])
            for e in lines
            if e.by_target.get(t.id)
        ]
        if counts or t.is_active:
            targets.append(
                TargetFairness(target_id=t.id, name=t.name, effort=t.effort, done_by=counts)
            )
    return FairnessRead.model_validate(
        {
            "domain_id": access.domain_id,
            "from": book.since,
            "to": book.until,
            "total_effort": round(sum(e.done for e in lines), 2),
            "people": people,
            "targets": targets,
        }
    )


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> object:
    """A name a spreadsheet would run as a formula is quoted."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def fairness_csv(view: FairnessRead) -> str:
    """The per-person lines as CSV (one header row, one row per person)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for p in view.people:
        writer.writerow([_cell(getattr(p, c)) for c in CSV_COLUMNS])
    return out.getvalue()
