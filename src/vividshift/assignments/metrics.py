"""Generation metrics on /metrics.

`vividshift_generation_duration_seconds{strategy,status,method}` (histogram) and
`vividshift_generation_solver_status_total{strategy,status,method}` (counter): every
generation this process ran (synchronous API calls and in-process jobs; a worker's
generations are counted by the worker process, which serves no /metrics — their
durations are in `generation_jobs`). `status` is the solver's (optimal, feasible,
infeasible, timeout), `method` the engine's (flow, cpsat, greedy; `none` when no solver
ran).
"""

from prometheus_client import Counter, Histogram

LABELS = ("strategy", "status", "method")
GENERATION_DURATION = Histogram(
    "vividshift_generation_duration_seconds",
    "Time to load, solve and store one generation",
    LABELS,
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60),
    registry=None,
)
SOLVER_STATUS = Counter(
    "vividshift_generation_solver_status",
    "Generations by solver status",
    LABELS,
    registry=None,
)


def observe_generation(strategy: str, status: str, method: str, seconds: float | None) -> None:
    labels = {"strategy": strategy or "unknown", "status": status, "method": method or "none"}
    SOLVER_STATUS.labels(**labels).inc()
    if seconds is not None:
        GENERATION_DURATION.labels(**labels).observe(seconds)
