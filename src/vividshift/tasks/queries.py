"""SQL of the maintenance tasks."""

from vividshift.db import Connection


async def delete_history_batch(db: Connection, *, older_than_days: int, batch_size: int) -> int:
    """Delete up to `batch_size` assignment_history rows older than the age; how many.
    Small batches keep each delete's locks and WAL short on a large table."""
    cur = await db.execute(
        """DELETE FROM assignment_history
           WHERE id IN (SELECT id FROM assignment_history
                        WHERE changed_at < now() - make_interval(days => %s)
                        LIMIT %s)""",
        (older_than_days, batch_size),
    )
    return cur.rowcount
