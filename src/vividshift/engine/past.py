"""The history of a problem's participants as flat arrays, read in one pass.

Scores (rotation, past load) and the no-repeat rule all ask "who did which target how
many runs ago"; answering it once per (person, run, target) entry in arrays lets both
fill their matrices with vectorised writes instead of a Python loop per cell.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import chain

import numpy as np

from vividshift.engine.model import Problem


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
    # Int triples (-1: a target no longer in the problem) from a generator read by
    # `fromiter`: the one Python pass over the history, and no list of live tuples (that
    # sets off the garbage collector's full passes on a large history).
    every = (
        (i, k, t_index(tid, -1))
        for i, p in enumerate(problem.participants)
        for k, targets in enumerate(runs_of(p.id, ()))
        for tid in targets
    )
    table = np.fromiter(chain.from_iterable(every), dtype=np.int64).reshape(-1, 3)
    load = np.bincount(table[:, 0], minlength=len(problem.participants)).astype(np.int64)
    known = table[table[:, 2] >= 0]
    return PastEntries(
        person=known[:, 0],
        target=known[:, 2],
        run=known[:, 1],
        load=load,
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
