"""Who else could take a place: eligible, free people ranked by fair share, and the
others with the reason each cannot.

The run's own rules decide, read as an edit reads them (`assignments.editing`): the
run's targets, stored constraints, window and the house's zone, today's data of the
people (their absences included). A person is able when the engine's eligibility allows
the pair (skills, availability, groups: `engine.eligibility`, the same masks the
validators of an edit read) and taking the place double-books nobody: they are not
already on that task in the run, and their places in the run stay within the run's
max per person. The current doer is left out.

Ranking: lowest ledger balance first (furthest below their fair share), then the
longest since they last did the task (never first), then the fewest asks to cover or
swap in the last `ASK_WEEKS` weeks, then name.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from vividshift.assignments import queries as assignment_queries
from vividshift.assignments.rows import AssignmentRow
from vividshift.assignments.rules import house_of
from vividshift.assignments.service import run_access
from vividshift.auth.deps import Principal
from vividshift.db import Connection
from vividshift.domains import queries as domain_queries
from vividshift.engine import (
    InvalidProblem,
    Problem,
    Reasons,
    parse_constraint,
    participant_from_mapping,
    target_from_mapping,
)
from vividshift.engine.eligibility import GROUP_RULE, SKILL, UNAVAILABLE, capacity_of
from vividshift.engine.model import parse_window
from vividshift.engine.strategies import eligibility_for
from vividshift.errors import ValidationFailed
from vividshift.fairshare import queries
from vividshift.fairshare.outcomes import place_not_found
from vividshift.fairshare.rows import PlaceRow
from vividshift.fairshare.schemas import Alternative, AlternativesRead, Excluded
from vividshift.ledger import queries as ledger_queries
from vividshift.ledger.ledger import ledger

HARD_RULES = (SKILL, UNAVAILABLE, GROUP_RULE)
ASK_WEEKS = 8


async def alternatives(
    conn: Connection, principal: Principal | None, assignment_id: UUID, detail_id: UUID
) -> AlternativesRead:
    """The ranked people who could take the place instead, and the excluded with why."""
    run, _ = await run_access(conn, principal, assignment_id, "viewer")
    place = await queries.get_place(conn, assignment_id, detail_id, lock=False)
    if place is None:
        raise place_not_found(detail_id)
    candidates, excluded = await assess_place(conn, run, place)
    return AlternativesRead(
        assignment_id=assignment_id,
        detail_id=detail_id,
        target_id=place.target_id,
        candidates=candidates,
        excluded=excluded,
    )


async def assess_place(
    conn: Connection,
    run: AssignmentRow,
    place: PlaceRow,
    *,
    leaving: dict[str, UUID] | None = None,
) -> tuple[list[Alternative], list[Excluded]]:
    """Everyone of the run's domain but the place's doer, as ranked candidates or excluded
    with reasons. `leaving`: person id → the detail of this run they give up in exchange
    (a swap), which then does not count as double booking."""
    problem = await _run_problem(conn, run)
    index = {p.id: i for i, p in enumerate(problem.participants)}
    j = next(k for k, t in enumerate(problem.targets) if t.id == str(place.target_id))
    eligibility = eligibility_for(problem)
    reasons = Reasons(problem, eligibility)
    capacity = capacity_of(problem)
    held: dict[str, list[str]] = {}
    for row in await queries.run_places(conn, run.id):
        if (leaving or {}).get(str(row.participant_id)) == row.id:
            continue
        held.setdefault(str(row.participant_id), []).append(str(row.target_id))
    labels = {t.id: t.label for t in problem.targets}
    run_date: date = run.assignment_date
    book = await ledger(conn, run.domain_id, run_date)
    last = await ledger_queries.last_done(conn, run.domain_id, place.target_id, run_date)
    asks = await queries.recent_asks(conn, run.domain_id, run_date, ASK_WEEKS)
    target_label = problem.targets[j].label

    able: list[tuple[tuple[Any, ...], Alternative]] = []
    excluded: list[Excluded] = []
    for person in problem.participants:
        if person.id == str(place.participant_id):
            continue
        i = index[person.id]
        why = reasons.of(i, j, HARD_RULES)
        mine = held.get(person.id, [])
        if str(place.target_id) in mine:
            why.append(f"already on {target_label} in this run")
        elif len(mine) + 1 > capacity:
            doing = ", ".join(sorted(labels.get(t, t) for t in mine))
            why.append(f"already has {len(mine)} place(s) in this run ({doing}); max {capacity}")
        if why:
            excluded.append(
                Excluded(participant_id=UUID(person.id), name=person.label, reasons=why)
            )
            continue
        pid = UUID(person.id)
        line = book.lines.get(pid)
        balance = round(line.balance, 2) if line else 0.0
        last_did = last.get(pid)
        n_asks = asks.get(pid, 0)
        last_text = _last_text(last_did, run_date, target_label)
        text = f"{person.label}: {_share_text(balance)}, {last_text}"
        if n_asks:
            text += f", asked {n_asks} time(s) in the last {ASK_WEEKS} weeks"
        key = (balance, last_did or date.min, n_asks, person.label, person.id)
        able.append(
            (
                key,
                Alternative(
                    participant_id=pid,
                    name=person.label,
                    balance=balance,
                    last_did=last_did,
                    asks=n_asks,
                    explanation=text,
                ),
            )
        )
    able.sort(key=lambda item: item[0])
    excluded.sort(key=lambda e: (e.name, str(e.participant_id)))
    return [a for _, a in able], excluded


def _share_text(balance: float) -> str:
    points = abs(balance)
    amount = f"{points:g} point{'s' if points != 1 else ''}"
    if points < 0.05:
        return "at their fair share"
    return f"{amount} {'below' if balance < 0 else 'above'} their share"


def _last_text(last: date | None, today: date, label: str) -> str:
    if last is None:
        return f"never did {label}"
    days = (today - last).days
    if days >= 14:
        return f"last did {label} {days // 7} weeks ago"
    return f"last did {label} {days} day(s) ago" if days else f"did {label} today"


async def _run_problem(conn: Connection, run: AssignmentRow) -> Problem:
    """The run's rules with today's people of its domain (the active ones and anyone on
    the run), as an edit reads them."""
    config = run.configuration or {}
    inputs = config.get("inputs") or {}
    domain_id = run.domain_id
    pairs = await assignment_queries.detail_pairs(conn, run.id)
    rows = await assignment_queries.load_participants(conn, domain_id, None)
    missing = {UUID(p) for p, _ in pairs} - {r["id"] for r in rows}
    if missing:
        rows += await assignment_queries.load_participants(conn, domain_id, sorted(missing))
    # The run's targets, and any a place holds that the inputs do not list.
    target_ids = sorted(set(inputs.get("targets") or []) | {t for _, t in pairs})
    target_rows = await assignment_queries.load_targets(
        conn, domain_id, [UUID(t) for t in target_ids]
    )
    try:
        constraints = [
            parse_constraint({k: v for k, v in raw.items() if k != "source"})
            for raw in config.get("constraints") or []
        ]
        window = parse_window(config["window"]) if config.get("window") else None
        house = house_of(await domain_queries.get_domain(conn, domain_id))
        return Problem(
            participants=tuple(participant_from_mapping(r) for r in rows),
            targets=tuple(target_from_mapping(r) for r in target_rows),
            strategy=run.strategy_used,
            parameters=config.get("parameters") or {},
            constraints=tuple(constraints),
            window=window,
            timezone=house.timezone,
            availability_default=house.availability_default,
        )
    except InvalidProblem as exc:
        raise ValidationFailed(
            "The run's stored rules can no longer be read", details=str(exc)
        ) from None
