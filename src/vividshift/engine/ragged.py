"""Ragged lists as flat arrays: the per-person reads of `past` and `held_skills`.

People share few distinct values (skill sets, runs' target sets): each distinct value
is read once in Python, and every person's entries are spread from it in numpy.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
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


def codes_of(keys: Sequence[K]) -> tuple[np.ndarray, list[K]]:
    """(code per key, the distinct keys in code order): equal keys share a code. Two
    C-level passes (`dict.fromkeys`, `map`): no Python step per key."""
    distinct = list(dict.fromkeys(keys))
    code = dict(zip(distinct, range(len(distinct)), strict=True))
    return np.fromiter(map(code.__getitem__, keys), np.int64, count=len(keys)), distinct


@dataclass(frozen=True)
class Members:
    """The items of each distinct key, flat: key k's are flat[first[k] : first[k] + size[k]]."""

    flat: np.ndarray  # int64
    first: np.ndarray  # int64, one per key
    size: np.ndarray  # int64, one per key


def members(distinct: Sequence[K], items: Callable[[K], Iterable[int]]) -> Members:
    """`items(key)` of every distinct key, read once each."""
    lists = [list(items(k)) for k in distinct]
    size = np.fromiter(map(len, lists), np.int64, count=len(lists))
    flat = np.fromiter(chain.from_iterable(lists), np.int64, count=int(size.sum()))
    return Members(flat, np.cumsum(size) - size, size)


def expand(code: np.ndarray, of: Members) -> tuple[np.ndarray, np.ndarray]:
    """(owner, item) of every entry, owner i holding the items of key `code[i]`."""
    owner, offset = spread(of.size[code])
    return owner, of.flat[of.first[code][owner] + offset]
