"""The exact fair-share objective (`engine/fair_objective.py`) by house size: the time of
`solve` with a ledger (`prior_load`) next to the same problem without one, the levels it
proved and whether it finished within the time limit (else its documented fallback).

    .venv/bin/python benchmarks/engine/bench_fair_objective.py [--limit 10]

Random houses (seeded): each person 1–3 of 3 skills, each task needs one skill and
1..P/T people, effort 1–3, balances in [−5, 5] by quarters. The machine may be shared:
compare the two columns within one run, not absolute times across runs.
"""

from __future__ import annotations

import argparse
import random
from time import perf_counter

from vividshift.engine import Participant, Problem, Target, solve

SIZES = ((18, 7), (50, 10), (100, 15), (200, 20), (400, 40))
SKILLS = ("a", "b", "c")


def house(people: int, tasks: int, seed: int = 0) -> Problem:
    rng = random.Random(seed)
    return Problem(
        tuple(
            Participant(f"p{i}", skills=frozenset(rng.sample(SKILLS, rng.randint(1, 3))))
            for i in range(people)
        ),
        tuple(
            Target(
                f"t{j}",
                required_count=rng.randint(1, max(1, people // tasks)),
                effort=rng.choice([1, 2, 3]),
                required_skills=frozenset(rng.sample(SKILLS, 1)),
            )
            for j in range(tasks)
        ),
        prior_load={f"p{i}": rng.randint(-20, 20) / 4 for i in range(people)},
        seed=seed,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--limit", type=float, default=10.0, help="solve's time limit (s)")
    args = parser.parse_args()
    print(f"{'people × tasks':>15} {'places':>6} {'ledger s':>9} {'no ledger s':>11}  note")
    for people, tasks in SIZES:
        problem = house(people, tasks)
        started = perf_counter()
        result = solve(problem, time_limit_s=args.limit)
        fair_s = perf_counter() - started
        plain = Problem(problem.participants, problem.targets, seed=problem.seed)
        started = perf_counter()
        solve(plain, time_limit_s=args.limit)
        plain_s = perf_counter() - started
        note = next((n for n in result.notes if n.startswith("fair share")), "")
        print(
            f"{people:>7} × {tasks:<5} {len(result.assignments):>6} {fair_s:>9.2f} "
            f"{plain_s:>11.3f}  {result.status}: {note[12:90]}"
        )


if __name__ == "__main__":
    main()
