"""The predecessor's greedy can fail on feasible input; `solve` cannot."""

from __future__ import annotations

import numpy as np
import pytest

from vividshift.engine import GreedyFailed, Participant, Problem, Target, greedy_assign, solve
from vividshift.engine.constraints import GroupExclusion


def chain(n: int) -> tuple[np.ndarray, list[int]]:
    # Target i may take person i or i+1; the last only person n-1. One valid answer
    # (everyone on their own index), which a random pick finds with chance ~2^-(n-1).
    allowed = np.zeros((n, n), dtype=bool)
    for i in range(n - 1):
        allowed[i, i] = allowed[i + 1, i] = True
    allowed[n - 1, n - 1] = True
    return allowed, [1] * n


def chain_problem(n: int) -> Problem:
    allowed, required = chain(n)
    people = tuple(Participant(f"p{i}", group=f"g{i}") for i in range(n))
    targets = tuple(Target(f"t{j}", required_count=required[j]) for j in range(n))
    rules = tuple(
        GroupExclusion(f"g{i}", frozenset(f"t{j}" for j in range(n) if not allowed[i, j]))
        for i in range(n)
    )
    return Problem(people, targets, constraints=rules)


def test_greedy_succeeds_on_easy_input() -> None:
    allowed, required = chain(3)
    pairs, attempts = greedy_assign(allowed, required, seed=1)
    assert sorted(pairs) == [(0, 0), (1, 1), (2, 2)] and attempts >= 1


@pytest.mark.parametrize("seed", range(3))
def test_greedy_gives_up_on_a_feasible_chain_where_solve_succeeds(seed: int) -> None:
    allowed, required = chain(30)
    with pytest.raises(GreedyFailed):
        greedy_assign(allowed, required, max_attempts=500, seed=seed)
    result = solve(chain_problem(30))
    assert result.status == "optimal"
    assert {(a.participant_id, a.target_id) for a in result.assignments} == {
        (f"p{i}", f"t{i}") for i in range(30)
    }
