"""Generation and job-queue metrics on /metrics.

- `vividshift_generation_duration_seconds{strategy,status,method}` (histogram) and
  `vividshift_generation_solver_status_total{strategy,status,method}` (counter): every
  generation this process ran (synchronous API calls and in-process jobs; a worker's
  generations are counted by the worker process, which serves no /metrics — their
  durations are in `generation_jobs`). `status` is the solver's (optimal, feasible,
  infeasible, timeout), `method` the engine's (flow, cpsat, greedy; `none` when no
  solver ran).
- `vividshift_job_queue_depth{queue}`, `vividshift_job_queue_oldest_age_seconds{queue}`,
  `vividshift_job_queue_running{queue}`, `vividshift_workers_live`: read from
  procrastinate's tables at each scrape on a short-lived connection (2 s connect
  timeout, 1 s statement timeout); on failure they are left out of that scrape and
  `vividshift_job_queue_scrape_errors_total` goes up.
"""

import logging
from collections.abc import Iterator

import psycopg
from fastapi import FastAPI
from prometheus_client import Counter, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

log = logging.getLogger("vividshift.metrics")

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


QUEUE_SQL = """
SELECT j.queue_name,
       count(*) FILTER (WHERE j.status = 'todo') AS depth,
       count(*) FILTER (WHERE j.status = 'doing') AS running,
       EXTRACT(EPOCH FROM now() - min(coalesce(j.scheduled_at, e.at))
                                  FILTER (WHERE j.status = 'todo')) AS oldest
  FROM procrastinate_jobs j
  LEFT JOIN LATERAL (SELECT min(at) AS at FROM procrastinate_events
                      WHERE job_id = j.id AND type = 'deferred') e ON true
 WHERE j.status IN ('todo', 'doing')
   AND (j.scheduled_at IS NULL OR j.scheduled_at <= now() OR j.status = 'doing')
 GROUP BY j.queue_name
"""
WORKERS_SQL = """
SELECT count(*) FROM procrastinate_workers
 WHERE last_heartbeat > now() - make_interval(secs => %s)
"""


class QueueCollector(Collector):
    """Queue depth and age, read at each collection (the /metrics handler runs in a
    thread, so a blocking connection does not stall the event loop)."""

    def __init__(self, app: FastAPI) -> None:
        self._app = app
        self._errors = 0

    def collect(self) -> Iterator[Metric]:
        url = getattr(self._app.state, "database_url", None)
        if url is None:
            return
        stale = self._app.state.settings.worker_stale_seconds
        try:
            with psycopg.connect(
                url, connect_timeout=2, options="-c statement_timeout=1000", autocommit=True
            ) as conn:
                rows = conn.execute(QUEUE_SQL).fetchall()
                live = conn.execute(WORKERS_SQL, (stale,)).fetchone()
        except psycopg.Error as exc:
            self._errors += 1
            log.warning("job queue metrics unavailable: %s", type(exc).__name__)
            rows, live = None, None
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
            value=live[0] if live else 0,
        )
