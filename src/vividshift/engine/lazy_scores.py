"""P × T scores read at a few pairs without building the whole matrix.

On a sparse instance the costs and the placements read the scores only at the
eligible (or chosen) pairs, yet three float32 P × T matrices cost more to build than
the rest of the preparation (at 1e6 pairs 4 MB each, mostly in first-touch page
faults). Each score here gives its values at flat positions p × T + t (`values_at`),
and builds the whole matrix only when something reads it whole (`np.asarray`,
indexing) — once, the very values the matrix always had.
"""

from __future__ import annotations

from typing import Any

import numpy as np


class LazyMatrix:
    """A float32 P × T matrix known by a rule; built only when read whole."""

    dtype = np.dtype(np.float32)

    def __init__(self, shape: tuple[int, int]) -> None:
        self.shape = shape
        self._full: np.ndarray | None = None

    def at(self, flat: np.ndarray) -> np.ndarray:
        """float32 values at the flat positions p × T + t."""
        raise NotImplementedError

    def build(self) -> np.ndarray:
        raise NotImplementedError

    @property
    def full(self) -> np.ndarray:
        if self._full is None:
            self._full = self.build()
        return self._full

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        return self.full if dtype is None else self.full.astype(dtype)

    def __getitem__(self, key: Any) -> Any:
        return self.full[key]


class WithEntries(LazyMatrix):
    """`default` everywhere, `raised_value` where the bool P × T `raised` is set, then
    `values` at the sorted unique flat `keys`."""

    def __init__(
        self,
        shape: tuple[int, int],
        default: float,
        keys: np.ndarray,
        values: np.ndarray,
        raised: np.ndarray | None = None,
        raised_value: float = 1.0,
    ) -> None:
        super().__init__(shape)
        self.default, self.keys, self.values = np.float32(default), keys, values
        self.raised, self.raised_value = raised, np.float32(raised_value)

    def at(self, flat: np.ndarray) -> np.ndarray:
        out = np.full(flat.size, self.default, dtype=np.float32)
        if self.raised is not None:
            out[self.raised.reshape(-1)[flat]] = self.raised_value
        if not (self.keys.size and flat.size):
            return out
        if flat.size > 1 and (np.diff(flat) <= 0).any():  # not increasing: search each
            pos = np.minimum(np.searchsorted(self.keys, flat), self.keys.size - 1)
            hit = self.keys[pos] == flat
            out[hit] = self.values[pos[hit]]
            return out
        # Increasing positions (the arcs' order): search the fewer entries among them.
        pos = np.minimum(np.searchsorted(flat, self.keys), flat.size - 1)
        hit = flat[pos] == self.keys
        out[pos[hit]] = self.values[hit]
        return out

    def build(self) -> np.ndarray:
        full = np.full(self.shape, self.default, dtype=np.float32)
        if self.raised is not None:
            full[self.raised] = self.raised_value
        full.reshape(-1)[self.keys] = self.values
        return full


class ByRowAndColumn(LazyMatrix):
    """`per_row[row[p], column[t]]`: people sharing a row, targets sharing a column."""

    def __init__(self, per_row: np.ndarray, row: np.ndarray, column: np.ndarray) -> None:
        super().__init__((row.size, column.size))
        self.per_row, self.row, self.column = per_row, row, column

    def at(self, flat: np.ndarray) -> np.ndarray:
        p, t = np.divmod(flat, max(self.shape[1], 1))
        return self.per_row[self.row[p], self.column[t]]

    def build(self) -> np.ndarray:
        return np.take(self.per_row, self.column, axis=1)[self.row]


def last_wins(keys: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(sorted unique keys, the value of each key's last entry): as array writes in
    order would leave them."""
    unique, first_from_end = np.unique(keys[::-1], return_index=True)
    return unique, values[::-1][first_from_end]


def values_at(matrix: np.ndarray | LazyMatrix, flat: np.ndarray) -> np.ndarray:
    """A P × T matrix's values at flat positions p × T + t (a flat gather: twice as fast
    as by row and column, which a broadcast view still needs: no copy of it)."""
    if isinstance(matrix, LazyMatrix):
        return matrix.at(flat)
    if matrix.flags.c_contiguous:
        return matrix.reshape(-1)[flat]
    rows, cols = np.divmod(flat, max(matrix.shape[1], 1))
    return matrix[rows, cols]
