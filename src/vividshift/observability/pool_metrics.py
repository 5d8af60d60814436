"""The database pool's state on /metrics, read from psycopg_pool's `get_stats()` at
each scrape (no background sampling)."""

import weakref
from collections.abc import Iterator

from fastapi import FastAPI
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

_GAUGES = {
    "pool_min": ("vividshift_db_pool_min_size", "Connections the pool keeps open at least"),
    "pool_max": ("vividshift_db_pool_max_size", "Connections the pool opens at most"),
    "pool_size": ("vividshift_db_pool_size", "Connections open now (idle, in use, opening)"),
    "pool_available": ("vividshift_db_pool_available", "Idle connections in the pool"),
    "requests_waiting": (
        "vividshift_db_pool_requests_waiting",
        "Requests waiting for a connection now",
    ),
}
_COUNTERS = {
    "requests_num": ("vividshift_db_pool_requests", "Connections asked of the pool"),
    "requests_queued": ("vividshift_db_pool_requests_queued", "Requests that had to wait"),
    "requests_errors": ("vividshift_db_pool_requests_errors", "Requests that failed (timeout)"),
    "connections_num": ("vividshift_db_pool_connections", "Connections opened to the server"),
    "connections_errors": (
        "vividshift_db_pool_connections_errors",
        "Failed attempts to open a connection",
    ),
}


class PoolCollector(Collector):
    """Reads `app.state.pool` (created by the app's lifespan) at each collection.

    The app is held weakly: FastAPI keeps every endpoint it classified in a cache (up to
    4096), the /metrics endpoint reaches this collector through its registry, and a
    strong reference would keep every app a process builds (tests, benchmarks) alive."""

    def __init__(self, app: FastAPI) -> None:
        self._app = weakref.ref(app)

    def collect(self) -> Iterator[Metric]:
        app = self._app()
        pool = getattr(app.state, "pool", None) if app is not None else None
        if pool is None:
            return
        stats = pool.get_stats()
        for key, (name, doc) in _GAUGES.items():
            yield GaugeMetricFamily(name, doc, value=stats.get(key, 0))
        in_use = stats.get("pool_size", 0) - stats.get("pool_available", 0)
        yield GaugeMetricFamily("vividshift_db_pool_in_use", "Connections lent out now", in_use)
        for key, (name, doc) in _COUNTERS.items():
            yield CounterMetricFamily(name, doc, value=stats.get(key, 0))
        wait_seconds = stats.get("requests_wait_ms", 0) / 1000
        yield CounterMetricFamily(
            "vividshift_db_pool_wait_seconds", "Time requests spent waiting", value=wait_seconds
        )
