"""`History.from_places` (per person: targets and their run index) is `from_runs`."""

from collections import defaultdict

from hypothesis import given, settings
from hypothesis import strategies as st

from vividshift.engine import History, PastRun

people = st.sampled_from([f"p{i}" for i in range(5)])
tasks = st.sampled_from([f"t{i}" for i in range(4)])
runs = st.lists(st.lists(st.tuples(people, tasks), max_size=8), max_size=6)


@given(runs)
@settings(max_examples=200, deadline=None)
def test_from_places_equals_from_runs(pairs_per_run: list[list[tuple[str, str]]]) -> None:
    # Run i is the i-th most recent: dated so that from_runs orders them the same way.
    past = [PastRun(f"2030-01-{28 - i:02d}", tuple(pairs)) for i, pairs in enumerate(pairs_per_run)]
    places: dict[str, tuple[list[str], list[int]]] = defaultdict(lambda: ([], []))
    for k, pairs in enumerate(pairs_per_run):
        for pid, tid in pairs:  # repeated pairs too, as a run's rows may hold
            places[pid][0].append(tid)
            places[pid][1].append(k)
    rows = [(pid, targets, indexes) for pid, (targets, indexes) in places.items()]

    history = History.from_places(len(pairs_per_run), rows)

    expected = History.from_runs(past)
    assert history.runs == expected.runs
    assert history.depth == expected.depth
    for pid in places:
        assert history.of(pid) == expected.of(pid)
