"""Peak memory of a large solve stays within 40 bytes per participant × target pair.

Measured as the engine benchmark's scaling table does: a fresh process builds a dense
instance (every pair eligible), resets its peak RSS, solves, and reports the peak
above what the problem itself holds (after a small warm-up solve). 1e6 pairs is the
size where the table went over the budget (43–45 bytes per pair), and it solves in
well under a second.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "engine" / "bench_engine.py"
BUDGET = 40  # bytes per pair (issue 18)


def _bytes_per_pair(pairs: int) -> float:
    out = subprocess.run(
        [sys.executable, str(BENCH), "--scale-one", str(pairs)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout.split()
    n_people, n_targets, peak = int(out[0]), int(out[1]), int(out[3])
    return peak / (n_people * n_targets)


def test_a_million_pairs_take_at_most_40_bytes_each() -> None:
    assert _bytes_per_pair(1_000_000) <= BUDGET
