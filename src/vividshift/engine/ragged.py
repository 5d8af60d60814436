"""Ragged lists as flat arrays: the per-person reads of `past` and `held_skills`.

People share few distinct values (skill sets, runs' target sets): each distinct value
is read once in Python, and every person's entries are spread from it in numpy.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from itertools import chain
from typing import TypeVar

import numpy as np

K = TypeVar("K", bound=Hashable)


def spread(lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(owner, offset) of every entry when owner i has `lengths[i]` entries, in order."""
    owner = np.repeat(np.arange(lengths.size, dtype=np.int64), lengths)
    starts = np.cumsum(lengths) - lengths
    offset = np.arange(owner.size, dtype=np.int64) - starts[owner]
    return owner, offset


def codes_of(keys: Iterable[K], count: int) -> tuple[np.ndarray, list[K]]:
    """(code per key, the distinct keys in code order): equal keys share a code."""
    seen: dict[K, int] = {}
    code = np.fromiter((seen.setdefault(k, len(seen)) for k in keys), np.int64, count=count)
    return code, list(seen)


def expand(
    code: np.ndarray, distinct: Sequence[K], items: Callable[[K], Iterable[int]]
) -> tuple[np.ndarray, np.ndarray]:
    """(owner, item) of every entry, owner i holding `items(distinct[code[i]])`: each
    distinct key's items are read once."""
    lists = [list(items(k)) for k in distinct]
    sizes = np.fromiter(map(len, lists), np.int64, count=len(lists))
    flat = np.fromiter(chain.from_iterable(lists), np.int64, count=int(sizes.sum()))
    first = np.cumsum(sizes) - sizes
    owner, offset = spread(sizes[code])
    return owner, flat[first[code][owner] + offset]
