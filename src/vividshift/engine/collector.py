"""Pausing Python's cycle collector while the engine allocates many small objects.

Building thousands of placements (or reading a large problem) allocates enough
objects to set off the collector's passes, and each pass walks every live object of
the caller too — the problem's participants, their sets and dicts: measured at 1e6
pairs, over half the cost of building the placements. What the engine allocates
there holds no reference cycle, so nothing is lost by collecting after. Nested and
concurrent pauses (solves in threads) are counted: the last one out re-enables the
collector, and only if it was on before the first.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0
_was_enabled = False


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cycle collector off for the block (restored after, even on an error)."""
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()
