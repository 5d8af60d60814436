"""The history of a problem's participants as flat arrays, read in one pass.

Scores (rotation, past load) and the no-repeat rule all ask "who did which target how
many runs ago"; answering it once per (person, run, target) entry in arrays lets both
fill their matrices with vectorised writes instead of a Python loop per cell.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import chain, repeat

import numpy as np

from vividshift.engine.model import Problem
from vividshift.engine.ragged import spread


@dataclass(frozen=True)
class PastEntries:
    """Entries (person index, target index, run: 0 = latest) for the problem's targets."""

    person: np.ndarray  # int64, E
    target: np.ndarray  # int64, E
    run: np.ndarray  # int64, E
    load: np.ndarray  # int64, P: every past assignment, known target or not
    depth: int  # runs in the history (the deepest person's)


def past_entries(problem: Problem) -> PastEntries:
    """Every (person, target, run) of the history whose target is in the problem."""
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
