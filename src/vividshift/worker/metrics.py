"""Job-queue metrics on /metrics.

`vividshift_job_queue_depth{queue}`, `vividshift_job_queue_oldest_age_seconds{queue}`,
`vividshift_job_queue_running{queue}`, `vividshift_workers_live`: read from
procrastinate's tables on a short-lived connection (2 s connect timeout, 1 s statement
timeout) at most once every CACHE_SECONDS: scrapes in between (anyone may scrape a
public /metrics) answer from the last reading and cost the database nothing. On
failure they are left out and `vividshift_job_queue_scrape_errors_total` goes up.
(The generation metrics are `vividshift.assignments.metrics`.)
"""

import logging
import threading
import time
import weakref
from collections.abc import Iterator
from typing import Any

import psycopg
from fastapi import FastAPI
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from vividshift.worker import queries

log = logging.getLogger("vividshift.metrics")

CACHE_SECONDS = 5.0


class QueueCollector(Collector):
    """Queue depth and age, read at each collection (the /metrics handler runs in a
    thread, so a blocking connection does not stall the event loop). The app is held
    weakly, as by `PoolCollector` (see there why)."""

    def __init__(self, app: FastAPI, cache_seconds: float = CACHE_SECONDS) -> None:
        self._app = weakref.ref(app)
        self._errors = 0
        self._cache_seconds = cache_seconds
        self._read_at = -float("inf")
        self._reading: tuple[Any, Any] = (None, None)
        self._lock = threading.Lock()  # concurrent scrapes: one reads, the others wait

    def _read(self, url: str, stale: int) -> tuple[Any, Any]:
        """(queue rows, live workers) from the database, or the reading of the last
        CACHE_SECONDS."""
        with self._lock:
            if time.monotonic() - self._read_at < self._cache_seconds:
                return self._reading
            try:
                with psycopg.connect(
                    url, connect_timeout=2, options="-c statement_timeout=1000", autocommit=True
                ) as conn:
                    reading = (
                        queries.list_queue_stats(conn),
                        queries.count_live_workers(conn, stale),
                    )
            except psycopg.Error as exc:
                self._errors += 1
                log.warning("job queue metrics unavailable: %s", type(exc).__name__)
                reading = (None, None)  # type: ignore[assignment]
            self._reading, self._read_at = reading, time.monotonic()
            return reading

    def collect(self) -> Iterator[Metric]:
        app = self._app()
        url = getattr(app.state, "database_url", None) if app is not None else None
        if app is None or url is None:
            return
        rows, live = self._read(url, app.state.settings.worker_stale_seconds)
        yield CounterMetricFamily(
            "vividshift_job_queue_scrape_errors",
            "Scrapes whose queue query failed",
            value=self._errors,
        )
        if rows is None:
            return
        depth = GaugeMetricFamily(
            "vividshift_job_queue_depth", "Jobs waiting to run (due now)", labels=["queue"]
        )
        running = GaugeMetricFamily(
            "vividshift_job_queue_running", "Jobs being run by a worker", labels=["queue"]
        )
        oldest = GaugeMetricFamily(
            "vividshift_job_queue_oldest_age_seconds",
            "Age of the oldest waiting job (0 when none)",
            labels=["queue"],
        )
        for queue, waiting, doing, age in rows:
            depth.add_metric([queue], waiting)
            running.add_metric([queue], doing)
            oldest.add_metric([queue], float(age or 0))
        yield depth
        yield running
        yield oldest
        yield GaugeMetricFamily(
            "vividshift_workers_live",
            "Workers with a recent heartbeat",
            value=live,
        )
