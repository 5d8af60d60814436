"""Same input + seed → same output, in this process and in a fresh one."""

from __future__ import annotations

import inspect
import json
import subprocess
import sys

import pytest

from vividshift.engine import (
    History,
    MaxAssignments,
    Participant,
    Problem,
    Separate,
    Target,
    solve,
)


def outcome(strategy: str, seed: int, side: bool) -> list:
    """A 40 × 8 run, reduced to JSON-able facts (also run in a subprocess)."""
    people = tuple(
        Participant(f"p{i}", group="AB"[i % 2], skills=frozenset({"s"} if i % 3 else ()))
        for i in range(40)
    )
    targets = tuple(
        Target(
            f"t{j}",
            required_count=3 + j % 3,
            required_skills=frozenset({"s"} if j % 4 == 0 else ()),
        )
        for j in range(8)
    )
    history = History.from_recent({f"p{i}": [f"t{i % 8}", f"t{(i * 3) % 8}"] for i in range(40)})
    extra = (Separate(frozenset({"p1", "p2"})),) if side else ()
    problem = Problem(
        people,
        targets,
        strategy=strategy,
        seed=seed,
        history=history,
        constraints=(MaxAssignments(2), *extra),
    )
    result = solve(problem)
    pairs = [[a.participant_id, a.target_id, a.position] for a in result.assignments]
    return [result.status, result.method, result.objective, pairs]


SCRIPT = (
    "import json, sys\n"
    "from vividshift.engine import (History, MaxAssignments, Participant, Problem, Separate,\n"
    "    Target, solve)\n"
    + inspect.getsource(outcome)
    + "print(json.dumps(outcome(sys.argv[1], int(sys.argv[2]), sys.argv[3] == '1')))\n"
)


def run_fresh(strategy: str, seed: int, side: bool) -> list:
    argv = [sys.executable, "-c", SCRIPT, strategy, str(seed), "1" if side else "0"]
    return json.loads(subprocess.run(argv, capture_output=True, text=True, check=True).stdout)


@pytest.mark.parametrize(
    "strategy", ["balanced_rotation", "random_assignment", "skill_based", "optimal"]
)
def test_same_seed_same_result_across_processes(strategy: str) -> None:
    here = outcome(strategy, 7, side=False)
    assert here[0] == "optimal" and len(here[3]) == sum(3 + j % 3 for j in range(8))
    assert here == outcome(strategy, 7, side=False)
    assert here == run_fresh(strategy, 7, side=False)


def test_cp_sat_path_is_deterministic_too() -> None:
    here = outcome("balanced_rotation", 3, side=True)
    assert here[:2] == ["optimal", "cp_sat"]
    assert here == run_fresh("balanced_rotation", 3, side=True)


def test_seed_changes_random_assignment() -> None:
    assert outcome("random_assignment", 1, False)[3] != outcome("random_assignment", 2, False)[3]


def test_timings_and_method_are_reported() -> None:
    problem = Problem(
        (Participant("x"), Participant("y")),
        (Target("t"),),
        history=History.from_recent({"x": ["t"]}),
        constraints=(MaxAssignments(1), Separate(frozenset({"x", "y"}))),
    )
    result = solve(problem)
    assert result.method == "cp_sat"
    t = result.timings
    assert 0 <= t.prepare_ms <= t.total_ms and 0 <= t.solve_ms <= t.total_ms
    meta = result.metadata()
    assert meta["solver"]["method"] == "cp_sat" and meta["execution_time_ms"] >= 0
    assert meta["validation_results"][0]["validator"] == "capacity_check"
