"""The history of a problem's participants as flat arrays, read in one pass.

Scores (rotation, past load) and the no-repeat rule all ask "who did which target how
many runs ago"; answering it once per (person, run, target) entry in arrays lets both
fill their matrices with vectorised writes instead of a Python loop per cell.

A caller that reads the history as such arrays already (generation: one row of three
integer arrays from PostgreSQL) hands them over as `PastPlaces`, the `History.runs` of
its problem: `past_entries` then only renumbers them, and the per-person mapping of
target sets is built only if something asks for it (the explanation of a repeat).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import chain, repeat

import numpy as np

from vividshift.engine.model import Problem
from vividshift.engine.ragged import spread

_NONE: frozenset[str] = frozenset()


@dataclass(frozen=True)
class PastEntries:
    """Entries (person index, target index, run: 0 = latest) for the problem's targets."""

    person: np.ndarray  # int64, E
    target: np.ndarray  # int64, E
    run: np.ndarray  # int64, E
    load: np.ndarray  # int64, P: every past assignment, known target or not
    depth: int  # runs in the history (the deepest person's)


class PastPlaces(Mapping[str, tuple[frozenset[str], ...]]):
    """`depth` past runs as places: place k is person `person[k]` (an index in `people`,
    -1: someone else) on target `target[k]` (an index in `targets`, -1: a target not in
    the list) in run `run[k]` (0 = latest). As a mapping it is `History.runs` for the
    listed people who have places — built on first use."""

    def __init__(
        self,
        depth: int,
        people: Sequence[str],
        targets: Sequence[str],
        person: np.ndarray,
        target: np.ndarray,
        run: np.ndarray,
    ) -> None:
        self.depth = depth if person.size else 0
        self.people, self.targets = list(people), list(targets)
        self.person = np.asarray(person, dtype=np.int64)
        self.target = np.asarray(target, dtype=np.int64)
        self.run = np.asarray(run, dtype=np.int64)

    @cached_property
    def _runs(self) -> dict[str, tuple[frozenset[str], ...]]:
        done: dict[int, list[set[str]]] = {}
        rows = zip(self.person.tolist(), self.target.tolist(), self.run.tolist(), strict=True)
        for i, j, k in rows:
            if i < 0:
                continue
            runs = done.setdefault(i, [set() for _ in range(self.depth)])
            if j >= 0:
                runs[k].add(self.targets[j])
        return {
            self.people[i]: tuple(frozenset(s) if s else _NONE for s in runs)
            for i, runs in sorted(done.items())
        }

    def __getitem__(self, participant_id: str) -> tuple[frozenset[str], ...]:
        return self._runs[participant_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._runs)

    def __len__(self) -> int:
        return len(self._runs)

    def entries(self, problem: Problem) -> PastEntries:
        """`past_entries` of these places for `problem` (renumbered to its order)."""
        index = {p.id: i for i, p in enumerate(problem.participants)}.get
        t_index = {t.id: j for j, t in enumerate(problem.targets)}.get
        people = np.fromiter((index(p, -1) for p in self.people), np.int64, len(self.people))
        targets = np.fromiter((t_index(t, -1) for t in self.targets), np.int64, len(self.targets))
        mine = self.person >= 0
        person = people[self.person[mine]]
        target = np.where(self.target[mine] >= 0, targets[self.target[mine]], -1)
        run = self.run[mine]
        listed = person >= 0
        person, target, run = person[listed], target[listed], run[listed]
        load = np.bincount(person, minlength=len(problem.participants)).astype(np.int64)
        known = target >= 0
        return PastEntries(
            person=person[known], target=target[known], run=run[known], load=load, depth=self.depth
        )


def past_entries(problem: Problem) -> PastEntries:
    """Every (person, target, run) of the history whose target is in the problem."""
    if isinstance(problem.history.runs, PastPlaces):
        return problem.history.runs.entries(problem)
    t_index = {t.id: j for j, t in enumerate(problem.targets)}.get
    runs_of = problem.history.runs.get
    people = problem.participants
    histories = [runs_of(p.id, ()) for p in people]
    # One slot per (person, run), each holding a set of target ids: flattened and
    # looked up in C-level passes (`chain`, `map`), no Python step per entry.
    runs = list(chain.from_iterable(histories))
    done = list(chain.from_iterable(runs))
    target = np.fromiter(map(t_index, done, repeat(-1)), np.int64, count=len(done))
    slot = np.repeat(
        np.arange(len(runs), dtype=np.int64), np.fromiter(map(len, runs), np.int64, len(runs))
    )
    slot_person, slot_run = spread(np.fromiter(map(len, histories), np.int64, len(people)))
    person, run = slot_person[slot], slot_run[slot]
    known = target >= 0  # -1: a target no longer in the problem (it still counts as load)
    return PastEntries(
        person=person[known],
        target=target[known],
        run=run[known],
        load=np.bincount(person, minlength=len(people)).astype(np.int64),
        depth=problem.history.depth,
    )


def most_recent(entries: PastEntries, n_targets: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(person, target, run) with one entry per pair: its most recent run."""
    key = entries.person * max(n_targets, 1) + entries.target
    order = np.lexsort((entries.run, key))
    key, run = key[order], entries.run[order]
    first = np.ones(key.size, dtype=bool)
    first[1:] = key[1:] != key[:-1]
    n = max(n_targets, 1)
    return key[first] // n, key[first] % n, run[first]
