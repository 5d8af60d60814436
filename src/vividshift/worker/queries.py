"""SQL of the job-queue metrics: procrastinate's tables, read on a blocking connection
(the /metrics handler runs in a thread)."""

from typing import Any

import psycopg

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


def list_queue_stats(conn: psycopg.Connection[Any]) -> list[tuple[Any, ...]]:
    """Per queue with waiting or running jobs: (queue, waiting due now, running, age in
    seconds of the oldest waiting job or None)."""
    return conn.execute(QUEUE_SQL).fetchall()


def count_live_workers(conn: psycopg.Connection[Any], stale_seconds: float) -> int:
    """Workers whose heartbeat is younger than `stale_seconds`."""
    row = conn.execute(WORKERS_SQL, (stale_seconds,)).fetchone()
    return int(row[0]) if row else 0
