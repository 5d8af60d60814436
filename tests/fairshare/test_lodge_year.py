"""A simulated year of the lodge (issue 15): 18 residents, 7 chores, a run every 14
days, random no-shows and covers, one resident away six weeks. Planned with the ledger
(effort, outcomes, presence) the spread of balances (max − min of load − fair share)
after the year is smaller than planned with place counts only.

Everything is seeded; the engine and the ledger run without a database (the same
`solve` and `compute_ledger` generation and the fairness view use)."""

from __future__ import annotations

import json
import os
import random
import tomllib
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from uuid import UUID

import pytest

from vividshift.engine import (
    GroupExclusion,
    History,
    NoRepeat,
    Participant,
    PastRun,
    Problem,
    Target,
    infer_groups,
    solve,
)
from vividshift.ledger.ledger import compute_ledger
from vividshift.ledger.rows import AbsenceSpan, ClosedPlace, LedgerPerson

LODGE = Path(
    os.environ.get(
        "VIVIDSHIFT_LODGE_DATA", Path(__file__).resolve().parents[3] / "shared" / "data" / "lodge"
    )
)
pytestmark = pytest.mark.skipif(
    not (LODGE / "chores.toml").exists(), reason=f"lodge data not found at {LODGE}"
)
EFFORT = {
    "Toilet B": 3,
    "Toilet A": 3,
    "Tank": 2,
    "Frontyard": 2,
    "Backyard": 2,
    "Parlor": 1,
    "Bin": 1,
}
RULES = (
    NoRepeat(window=2, per_target={"Toilet B": 1}),
    GroupExclusion("A", frozenset({"Toilet B"})),
    GroupExclusion("B", frozenset({"Toilet A"})),
)
START = date(2026, 1, 5)
RUNS = 26  # a year, every 14 days
NO_SHOW = 0.06
COVER = 0.08
AWAY_RUN = 9  # the absence starts on this run's date and lasts six weeks


def _lodge() -> tuple[dict[str, int], list[str], dict[str, str | None]]:
    chores = tomllib.loads((LODGE / "chores.toml").read_text())["work_assignments"]
    snapshots = [
        json.loads(f.read_text())["assignments"] for f in sorted((LODGE / "history").glob("*.json"))
    ]
    people = sorted({name for snap in snapshots for name in snap})
    groups = infer_groups(snapshots, {"Toilet A": "A", "Toilet B": "B"})
    return chores, people, groups


def simulate_year(with_ledger: bool, seed: int = 15) -> dict[str, float]:
    """Balances (load − fair share) after the year, planned with or without the ledger."""
    chores, names, groups = _lodge()
    assert len(names) == 18
    rng = random.Random(seed)
    away_name = sorted(n for n in names if groups.get(n) == "B")[0]
    away_from = datetime.combine(START + timedelta(days=14 * AWAY_RUN), datetime.min.time(), UTC)
    away = (away_from, away_from + timedelta(weeks=6))
    # Names stand in for ids: the ledger only compares and keys by them.
    people_rows = [LedgerPerson(id=n, name=n, is_active=True) for n in names]  # type: ignore[arg-type]
    absences = [AbsenceSpan(participant_id=away_name, starts_at=away[0], ends_at=away[1])]  # type: ignore[arg-type]
    places: list[ClosedPlace] = []
    past: list[PastRun] = []
    for k in range(RUNS):
        day = START + timedelta(days=14 * k)
        moment = datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=12)
        present = [n for n in names if not (n == away_name and away[0] <= moment < away[1])]
        counts = dict(chores)
        counts["Parlor"] -= len(names) - len(present)  # the house does one Parlor place less
        targets = tuple(
            Target(c, required_count=n, effort=EFFORT[c]) for c, n in counts.items() if n
        )
        prior: dict[str, float] = {}
        if with_ledger and places:
            book = compute_ledger(
                UUID(int=0), START, day - timedelta(days=1), people_rows, places, absences
            )
            prior = {str(pid): line.balance for pid, line in book.lines.items()}
        problem = Problem(
            participants=tuple(Participant(n, group=groups.get(n)) for n in present),
            targets=targets,
            constraints=RULES,
            history=History.from_runs(past[-2:]),
            seed=seed + k,
            prior_load=prior,
        )
        result = solve(problem)
        pairs = []
        for a in result.assignments:
            roll = rng.random()
            doer, rota, outcome = a.participant_id, None, "done"
            if roll < NO_SHOW:
                outcome = "missed"
            elif roll < NO_SHOW + COVER:
                excluded = {"Toilet B": "A", "Toilet A": "B"}.get(a.target_id)
                helpers = [n for n in present if n != doer and groups.get(n) != excluded]
                doer, rota, outcome = rng.choice(helpers), a.participant_id, "covered"
            places.append(
                ClosedPlace(
                    participant_id=doer,  # type: ignore[arg-type]
                    rota_participant_id=rota,  # type: ignore[arg-type]
                    target_id=a.target_id,  # type: ignore[arg-type]
                    effort=EFFORT[a.target_id],
                    outcome=outcome,
                    assignment_date=day,
                )
            )
            pairs.append((doer, a.target_id))
        past.append(PastRun(day, tuple(pairs)))
    end = START + timedelta(days=14 * RUNS - 1)
    book = compute_ledger(UUID(int=0), START, end, people_rows, places, absences)
    return {str(pid): line.balance for pid, line in book.lines.items()}


def spread(balances: dict[str, float]) -> float:
    return max(balances.values()) - min(balances.values())


@pytest.mark.parametrize("seed", [15, 16, 17])
def test_a_year_planned_with_the_ledger_is_fairer_than_counting_places(seed: int) -> None:
    with_ledger = simulate_year(with_ledger=True, seed=seed)
    counting = simulate_year(with_ledger=False, seed=seed)
    print(
        f"\nlodge year (seed {seed}), spread of balances (max − min of load − fair share): "
        f"ledger {spread(with_ledger):.2f} points, place counts {spread(counting):.2f} points"
    )
    assert abs(sum(with_ledger.values())) < 0.01  # balances sum to zero (4-decimal rounding)
    assert spread(with_ledger) < spread(counting)
