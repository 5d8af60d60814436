"""The history as arrays (`PastPlaces`, what generation reads from PostgreSQL) gives the
engine exactly what the history as sets per person gives: the same entries, loads and
depth, the same solve, and the same sets when an explanation asks for them."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from vividshift.engine import History, Participant, PastRun, Problem, Target, solve
from vividshift.engine.past import PastPlaces, past_entries

PEOPLE = [f"p{i}" for i in range(6)]
TASKS = [f"t{i}" for i in range(4)]
# A run's places: unique (person, task) pairs, as the details' unique key makes them.
runs = st.lists(
    st.sets(st.tuples(st.sampled_from(PEOPLE), st.sampled_from(TASKS)), max_size=10),
    max_size=5,
)
subset = st.lists(st.booleans(), min_size=6, max_size=6)


def _as_sets(pairs_per_run: list[set[tuple[str, str]]]) -> History:
    # Run k is the k-th most recent: dated so that from_runs orders them that way.
    return History.from_runs(
        PastRun(f"2030-01-{28 - k:02d}", tuple(sorted(pairs)))
        for k, pairs in enumerate(pairs_per_run)
    )


def _as_arrays(
    pairs_per_run: list[set[tuple[str, str]]], people: list[str], tasks: list[str]
) -> History:
    """What `queries.past_places` returns for the problem's people and tasks, numbered."""
    rows = [
        (people.index(p) if p in people else -1, tasks.index(t) if t in tasks else -1, k)
        for k, pairs in enumerate(pairs_per_run)
        for p, t in sorted(pairs)
    ]
    person, target, run = (np.array([r[c] for r in rows], dtype=np.int64) for c in range(3))
    return History(PastPlaces(len(pairs_per_run), people, tasks, person, target, run))


def _problem(people: list[str], tasks: list[str], history: History) -> Problem:
    return Problem(
        participants=tuple(Participant(p) for p in people),
        targets=tuple(Target(t, required_count=1) for t in tasks),
        strategy="optimal",
        history=history,
    )


def _triples(problem: Problem) -> tuple[list[tuple[int, int, int]], list[int], int]:
    e = past_entries(problem)
    triples = sorted(zip(e.person.tolist(), e.target.tolist(), e.run.tolist(), strict=True))
    return triples, e.load.tolist(), e.depth


@given(runs, subset, st.lists(st.booleans(), min_size=4, max_size=4))
@settings(max_examples=300, deadline=None)
def test_arrays_give_the_entries_of_the_sets(
    pairs_per_run: list[set[tuple[str, str]]], keep_people: list[bool], keep_tasks: list[bool]
) -> None:
    # The problem lists some people and tasks: places of others are history all the same.
    people = [p for p, keep in zip(PEOPLE, keep_people, strict=True) if keep] or ["p0"]
    tasks = [t for t, keep in zip(TASKS, keep_tasks, strict=True) if keep] or ["t0"]
    sets = _problem(people, tasks, _as_sets(pairs_per_run))
    arrays = _problem(people, tasks, _as_arrays(pairs_per_run, people, tasks))

    assert _triples(arrays) == _triples(sets)
    for person in people:  # what an explanation of a repeat reads
        listed = {t for run in sets.history.of(person) for t in run}
        if listed <= set(tasks):
            assert arrays.history.of(person) == sets.history.of(person)


def test_the_same_history_solves_the_same() -> None:
    rng = np.random.default_rng(7)
    people = [f"p{i}" for i in range(40)]
    tasks = [f"t{i}" for i in range(10)]
    pairs_per_run = [
        {(p, tasks[int(rng.integers(len(tasks)))]) for p in people if rng.random() < 0.8}
        for _ in range(6)
    ]
    sets = _problem(people, tasks, _as_sets(pairs_per_run))
    arrays = _problem(people, tasks, _as_arrays(pairs_per_run, people, tasks))

    a, b = solve(sets), solve(arrays)

    assert a.objective == b.objective
    assert [(p.participant_id, p.target_id, p.score) for p in a.assignments] == [
        (p.participant_id, p.target_id, p.score) for p in b.assignments
    ]
