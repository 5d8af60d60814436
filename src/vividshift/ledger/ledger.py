"""`ledger(conn, domain_id, until)`: what each person of a domain really did.

From the outcomes of places (runs not cancelled, dated from `since` — default the
domain's first run — through `until`), per person:

- **done**: effort of the places they did (outcome done, covered or swapped: the doer is
  `participant_id`); **places**: how many, and **by_target** per target;
- **missed**: effort of the places they did not turn up to (a no-show does not earn the
  place, so it shows as owed: their balance drops below their share);
- **covered_for_others**: effort they did standing in for the rota's person (`covered`,
  or `done` on a place whose rota's person is someone else);
  **covered_for_them**: effort others did for them (they are that place's
  `rota_participant_id`); `excused` places count for nobody;
- **present_days**: days of the period minus their absences (`participant_absences`);
- **fair_share**: all effort done in the period × their present days ÷ everyone's
  present days; **balance** = done − fair_share (positive: ahead of their share).

A place's effort is its target's; with the domain's `fair_share.weight_by_duration`, ×
its length in hours (`duration`).

Who has a share: the domain's active participants, and inactive ones who did or missed
a place in the period (present until their last such place). Balances sum to zero.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from uuid import UUID

from vividshift.db import Connection
from vividshift.domains import queries as domain_queries
from vividshift.ledger import queries
from vividshift.ledger.duration import stored_hours, weighs_by_duration
from vividshift.ledger.rows import AbsenceSpan, ClosedPlace, LedgerPerson

DOER_OUTCOMES = frozenset({"done", "covered", "swapped"})


@dataclass
class LedgerLine:
    participant_id: UUID
    name: str
    done: float = 0.0
    missed: float = 0.0
    covered_for_others: float = 0.0
    covered_for_them: float = 0.0
    places: int = 0
    present_days: float = 0.0
    fair_share: float = 0.0
    balance: float = 0.0
    by_target: dict[UUID, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Ledger:
    domain_id: UUID
    since: date
    until: date
    lines: dict[UUID, LedgerLine]

    def balances(self) -> dict[str, float]:
        """Person id (text) → balance: the engine's `prior_load`."""
        return {str(pid): line.balance for pid, line in self.lines.items()}


def _midnight_after(day: date) -> datetime:
    """The end of `day` (UTC); for the last date there is, the last instant there is."""
    if day == date.max:
        return datetime.max.replace(tzinfo=UTC)
    return datetime.combine(day + timedelta(days=1), time(), UTC)


async def ledger(
    conn: Connection, domain_id: UUID, until: date, since: date | None = None
) -> Ledger:
    """The domain's ledger over [since, until] (since: its first run)."""
    start = since or await queries.first_run_date(conn, domain_id) or until
    start = min(start, until)
    places = await queries.closed_places(conn, domain_id, start, until)
    if weighs_by_duration(await domain_queries.get_domain(conn, domain_id)):
        places = [
            replace(p, effort=p.effort * stored_hours(p.time_window, p.run_window)) for p in places
        ]
    people = await queries.domain_people(conn, domain_id)
    begin = datetime.combine(start, time(), UTC)
    end = _midnight_after(until)
    away = await queries.absences(conn, domain_id, begin, end)
    return compute_ledger(domain_id, start, until, people, places, away)


def compute_ledger(
    domain_id: UUID,
    since: date,
    until: date,
    people: list[LedgerPerson],
    places: list[ClosedPlace],
    absences: list[AbsenceSpan],
) -> Ledger:
    """The ledger from its facts (pure: the loaders above give them)."""
    names = {p.id: p.name for p in people}
    lines: dict[UUID, LedgerLine] = {p.id: LedgerLine(p.id, p.name) for p in people if p.is_active}
    last_seen: dict[UUID, date] = {}

    def line(pid: UUID) -> LedgerLine:
        if pid not in lines:
            lines[pid] = LedgerLine(pid, names.get(pid, str(pid)))
        return lines[pid]

    for place in places:
        doer, rota, effort = place.participant_id, place.rota_participant_id, place.effort
        outcome = place.outcome
        if outcome == "excused":
            continue
        last_seen[doer] = max(last_seen.get(doer, since), place.assignment_date)
        if outcome == "missed":
            line(doer).missed += effort
            continue
        if outcome not in DOER_OUTCOMES:
            continue
        mine = line(doer)
        mine.done += effort
        mine.places += 1
        mine.by_target[place.target_id] = mine.by_target.get(place.target_id, 0) + 1
        # A place done by someone other than the rota's person (a cover, an override) is
        # a cover; a swap is not: each did the other's place.
        if outcome in ("covered", "done") and rota is not None and rota != doer:
            mine.covered_for_others += effort
            line(rota).covered_for_them += effort

    active = {p.id for p in people if p.is_active}
    away = _days_away(absences, since, until)
    for pid, entry in lines.items():
        last = until if pid in active else last_seen.get(pid, since)
        entry.present_days = max(0.0, float((last - since).days + 1) - away.get(pid, 0.0))
    total_done = sum(e.done for e in lines.values())
    total_present = sum(e.present_days for e in lines.values())
    for entry in lines.values():
        share = total_done * entry.present_days / total_present if total_present else 0.0
        entry.fair_share = round(share, 4)
        entry.balance = round(entry.done - share, 4)
    return Ledger(domain_id, since, until, lines)


def _days_away(absences: list[AbsenceSpan], since: date, until: date) -> dict[UUID, float]:
    """Per person, days (of 24 h) of the period covered by their absences; overlapping
    absences count once."""
    begin = datetime.combine(since, time(), UTC)
    end = _midnight_after(until)
    spans: dict[UUID, list[tuple[datetime, datetime]]] = defaultdict(list)
    for a in absences:
        s, e = max(a.starts_at, begin), min(a.ends_at, end)
        if s < e:
            spans[a.participant_id].append((s, e))
    out: dict[UUID, float] = {}
    for pid, items in spans.items():
        items.sort()
        total, cur_s, cur_e = 0.0, items[0][0], items[0][1]
        for s, e in items[1:]:
            if s > cur_e:
                total += (cur_e - cur_s).total_seconds()
                cur_s, cur_e = s, e
            else:
                cur_e = max(cur_e, e)
        total += (cur_e - cur_s).total_seconds()
        out[pid] = total / 86400
    return out


async def prior_load(conn: Connection, domain_id: UUID, until: date) -> dict[str, float]:
    """The balances generation plans against (the engine's `Problem.prior_load`); empty
    while the domain has no outcome yet, so such domains plan as before."""
    if not await queries.has_outcomes(conn, domain_id, until):
        return {}
    return (await ledger(conn, domain_id, until)).balances()
