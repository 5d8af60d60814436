"""The predecessor's method, kept as a baseline: randomised greedy with restarts.

Fill the most constrained target first (fewest eligible people), each place with
a random eligible person still free; when a target cannot be filled, start over —
up to `max_attempts` times. It can give up although a valid assignment exists,
which is what `benchmarks/engine/bench_engine.py` measures against `solve`.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

import numpy as np


class GreedyFailed(Exception):
    """All attempts got stuck."""


def greedy_assign(
    allowed: np.ndarray,
    required: Sequence[int],
    *,
    capacity: int = 1,
    max_attempts: int = 500,
    seed: int = 0,
) -> tuple[list[tuple[int, int]], int]:
    """(pairs (participant index, target index), attempts used); raises GreedyFailed."""
    rng = random.Random(seed)
    n_p, n_t = allowed.shape
    candidates = [np.nonzero(allowed[:, t])[0].tolist() for t in range(n_t)]
    order = sorted(range(n_t), key=lambda t: (len(candidates[t]), t))
    for attempt in range(1, max_attempts + 1):
        load = [0] * n_p
        pairs: list[tuple[int, int]] = []
        for t in order:
            free = [p for p in candidates[t] if load[p] < capacity]
            if len(free) < required[t]:
                break
            for p in rng.sample(free, required[t]):
                load[p] += 1
                pairs.append((p, t))
        else:
            return pairs, attempt
    raise GreedyFailed(f"no assignment after {max_attempts} attempts")
