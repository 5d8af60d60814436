"""Horizon planning benchmark: K turns in one CP-SAT model next to the same turns planned
one by one with the existing per-date generation (`engine.solve`, balanced_rotation,
each turn's history = the turns before it), on the same instances in the same run.

    .venv/bin/python benchmarks/rota/bench_horizon.py [--quick]

Cases (goals from issue 14):
- a house for a year: 20 people × 7 tasks (13 places) × 26 turns of 14 days — < 1 s;
- a club: 200 volunteers × 20 shifts (100 places, 2 need a skill) × 52 weekly turns,
  30 volunteers away for 3 weeks each — < 10 s, optimality gap reported.
`--quick` plans 13 turns of the club instead of 52 (the house is always whole).
The house runs 5 times (both methods, alternating) and prints the medians.
Columns: wall time, solver status and gap (horizon), repeats (same person, same task
in consecutive turns), the spread of places per person (max − min among people present
in every turn) and the largest distance of a person's load from their presence-prorated
share. CP-SAT runs with 2 workers.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections import Counter
from datetime import datetime, timedelta

from vividshift.engine import History, Participant, PastRun, Problem, RunWindow, Target, solve
from vividshift.engine.horizon import Horizon, HorizonResult, plan_horizon

START = datetime(2030, 1, 7, 8)


def turns(n: int, days: int) -> tuple[RunWindow, ...]:
    return tuple(
        RunWindow(START + timedelta(days=days * k), START + timedelta(days=days * (k + 1)))
        for k in range(n)
    )


def house() -> tuple[Problem, tuple[RunWindow, ...]]:
    people = tuple(Participant(f"p{i}", name=f"P{i}") for i in range(20))
    counts = (3, 3, 2, 2, 1, 1, 1)
    targets = tuple(Target(f"t{j}", name=f"T{j}", required_count=n) for j, n in enumerate(counts))
    return Problem(people, targets), turns(26, 14)


def club(n_turns: int, seed: int = 7) -> tuple[Problem, tuple[RunWindow, ...]]:
    rng = random.Random(seed)
    windows = turns(n_turns, 7)
    people = []
    for i in range(200):
        away = []
        if i < 30:
            k = rng.randrange(max(1, n_turns - 3))
            away = [[windows[k].start.isoformat(), windows[k + 2].end.isoformat()]]
        skills = ["first_aid"] if i % 5 == 0 else []
        people.append(
            Participant(
                f"v{i}", name=f"V{i}", skills=frozenset(skills), availability={"unavailable": away}
            )
        )
    targets = tuple(
        Target(
            f"s{j}",
            name=f"Shift {j}",
            required_count=5,
            required_skills=frozenset({"first_aid"}) if j < 2 else frozenset(),
        )
        for j in range(20)
    )
    return Problem(tuple(people), targets), windows


def one_by_one(problem: Problem, windows: tuple[RunWindow, ...]) -> tuple[float, list[list]]:
    """Each turn generated as today: one run, the earlier turns as its history."""
    started = time.perf_counter()
    past: list[PastRun] = []
    planned = []
    for k, window in enumerate(windows):
        day = (window.start + timedelta(hours=12)).date()
        result = solve(
            Problem(
                problem.participants,
                problem.targets,
                strategy="balanced_rotation",
                history=History.from_runs(past[-10:]),
                window=window,
                seed=k,
            ),
            time_limit_s=20,
        )
        pairs = [(a.participant_id, a.target_id) for a in result.assignments]
        planned.append(pairs)
        past.append(PastRun(day, tuple(pairs)))
    return time.perf_counter() - started, planned


def quality(problem: Problem, plan: list, share: dict[str, float], present: dict[str, int]) -> dict:
    counts = Counter(p for turn in plan for p, _ in turn)
    repeats = sum(len(set(plan[k]) & set(plan[k + 1])) for k in range(len(plan) - 1))
    always = [p.id for p in problem.participants if present[p.id] == len(plan)]
    spread = max(counts[p] for p in always) - min(counts[p] for p in always) if always else 0
    worst = max(abs(counts[p.id] - share[p.id]) for p in problem.participants)
    return {"repeats": repeats, "spread": spread, "worst": worst}


def run_case(
    name: str, problem: Problem, windows: tuple[RunWindow, ...], limit: float, runs: int = 1
) -> None:
    # Both methods alternate in the same run, so machine load hits them alike; medians.
    horizon_times, sequential_times = [], []
    for _ in range(runs):
        t0 = time.perf_counter()
        result: HorizonResult = plan_horizon(
            Horizon(problem, windows), time_limit_s=limit, workers=2
        )
        horizon_times.append(time.perf_counter() - t0)
        sequential_s, sequential = one_by_one(problem, windows)
        sequential_times.append(sequential_s)
    horizon_s = statistics.median(horizon_times)
    sequential_s = statistics.median(sequential_times)
    h = quality(problem, [list(t) for t in result.turns], result.share, result.present_turns)
    s = quality(problem, sequential, result.share, result.present_turns)
    print(
        f"\n{name}: {len(problem.participants)} people × {len(problem.targets)} targets × "
        f"{len(windows)} turns, {result.variables} variables, median of {runs}"
    )
    print(
        f"{'method':<22}{'wall s':>9}{'status':>10}{'gap':>9}{'repeats':>9}"
        f"{'spread':>8}{'|load−share| max':>18}"
    )
    print(
        f"{'horizon (one model)':<22}{horizon_s:>9.2f}{result.status:>10}{result.gap:>9.4f}"
        f"{h['repeats']:>9}{h['spread']:>8}{h['worst']:>18.2f}"
    )
    print(
        f"{'turn by turn':<22}{sequential_s:>9.2f}{'-':>10}{'-':>9}"
        f"{s['repeats']:>9}{s['spread']:>8}{s['worst']:>18.2f}"
    )
    print(
        "  phases: "
        + "; ".join(
            f"{p['phase']} {p['status']} {p['value']} ({p['wall_s']} s)" for p in result.phases
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="13 club turns instead of 52")
    args = parser.parse_args()
    problem, windows = house()
    run_case("house for a year", problem, windows, limit=10, runs=5)
    problem, windows = club(13 if args.quick else 52)
    run_case("club", problem, windows, limit=10)


if __name__ == "__main__":
    main()
