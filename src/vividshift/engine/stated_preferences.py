"""The target preferences participants state, read once for the preference score.

A participant's `preferences` is a free JSON object; three keys in it speak of targets:
`targets` (an object: target id → 0–1), `preferred_targets` and `avoided_targets`
(lists of target ids). The API refuses them in any other shape, but a row written
before that check, or by another program, may hold anything: an entry the engine
cannot read (a list where an object belongs, a value that is no finite number, an id
that is no string) states nothing, so such a row never stops a run.

The common case — lists of string ids, numeric values — is read in a few passes over
the people (one comprehension per key, then `map`, `compress`, `chain` in C); only a
row holding a malformed entry costs another pass.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from itertools import chain, compress, repeat
from operator import attrgetter
from types import MappingProxyType
from typing import Any, cast

import numpy as np

from vividshift.engine.model import Participant

VALUES_KEY = "targets"  # target id → 0–1
# The lists and the value they give, in the order they are applied after the values
# (a later entry wins).
LISTS = (("preferred_targets", 1.0), ("avoided_targets", 0.0))
_PREFERENCES = attrgetter("preferences")
_NAN = float("nan")
_NO_VALUES: Mapping[str, float] = MappingProxyType({})  # shared: no new dict per person
# Each kind of entry: the types JSON gives it (nothing to check), and what else is read.
_LIST = (frozenset({list, tuple}), (list, tuple), ())
_MAP = (frozenset({dict, MappingProxyType}), Mapping, _NO_VALUES)


def stated_cells(
    participants: Sequence[Participant], t_index: Mapping[str, int]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(person, target, value) of every stated preference for a target in `t_index`,
    in order of precedence: explicit values, then preferred (1), then avoided (0) —
    a later entry for the same pair overrides an earlier one."""
    prefs = list(map(_PREFERENCES, participants))
    has = np.fromiter(map(bool, prefs), bool, count=len(prefs))
    people = np.flatnonzero(has)
    stated = list(compress(prefs, has))
    parts = [_values(people, stated, t_index)]
    parts += [_listed(people, stated, key, value, t_index) for key, value in LISTS]
    return (
        np.concatenate([p[0] for p in parts]),
        np.concatenate([p[1] for p in parts]),
        np.concatenate([p[2] for p in parts]),
    )


def _values(
    people: np.ndarray, stated: list[Mapping], t_index: Mapping[str, int]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    maps = cast(list[Mapping[str, Any]], _entries_of(stated, VALUES_KEY, _MAP))
    given = list(chain.from_iterable(m.values() for m in maps))
    try:
        if not set(map(type, given)) <= {int, float}:
            raise TypeError
        values = np.fromiter(given, np.float64, count=len(given))
    except (TypeError, OverflowError):  # not all numbers, or an integer beyond a double
        values = np.fromiter(map(_number, given), np.float64, count=len(given))
    person, target, keep = _cells(people, maps, t_index)
    values = values[keep]
    finite = np.isfinite(values)
    return person[finite], target[finite], np.clip(values[finite], 0.0, 1.0)


def _listed(
    people: np.ndarray, stated: list[Mapping], key: str, value: float, t_index: Mapping[str, int]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    lists = _entries_of(stated, key, _LIST)
    person, target, _ = _cells(people, lists, t_index)
    return person, target, np.full(target.size, value)


def _entries_of(
    stated: list[Mapping], key: str, entry: tuple[frozenset[type], Any, Collection]
) -> list[Collection]:
    """Each person's `key` entry; empty where it is missing, null or of another kind."""
    plain, kind, empty = entry
    got = [p.get(key) or empty for p in stated]  # (a comprehension: 3× a `methodcaller`)
    if set(map(type, got)) <= plain:  # (exact types: a C-level pass, unlike `isinstance`)
        return got
    return [g if isinstance(g, kind) else empty for g in got]


def _cells(
    owners: np.ndarray, lists: list, t_index: Mapping[str, int]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(person, target, which entries) of the target ids `lists[k]` of person
    `owners[k]` names that are in the problem (anything but a known id: left out)."""
    sizes = np.fromiter(map(len, lists), np.int64, count=len(lists))
    count = int(sizes.sum())
    try:
        ids = map(t_index.get, chain.from_iterable(lists), repeat(-1))
        target = np.fromiter(ids, np.int64, count=count)
    except TypeError:  # an unhashable entry (a list or object among the ids)
        target = np.fromiter(map(_known, chain.from_iterable(lists), repeat(t_index)), np.int64)
    keep = target >= 0
    return np.repeat(owners, sizes)[keep], target[keep], keep


def _known(item: object, t_index: Mapping[str, int]) -> int:
    return t_index.get(item, -1) if isinstance(item, str) else -1


def _number(value: object) -> float:
    """A JSON number as a float; anything else (a string, a boolean, null, an integer
    beyond a double): NaN, which states nothing."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return _NAN
    try:
        return float(value)
    except OverflowError:
        return _NAN
