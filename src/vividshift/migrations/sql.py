"""Turns a revision's sibling `.sql` / `.down.sql` files into Alembic's upgrade/downgrade."""

from collections.abc import Callable
from pathlib import Path

from alembic import context, op


def _run_file(path: Path) -> None:
    if context.is_offline_mode():  # --sql: the file as it would run, not through SQLAlchemy
        context.get_context().impl.static_output(path.read_text().rstrip() + "\n")
        return
    # The driver connection runs the whole file as one simple query (several statements,
    # function bodies with $$ quoting), inside the revision's transaction.
    driver = op.get_bind().connection.driver_connection
    if driver is None:  # only once the connection was closed or invalidated
        raise RuntimeError("The migration's database connection is closed")
    driver.execute(path.read_text())


def sql_migration(revision_file: str) -> tuple[Callable[[], None], Callable[[], None]]:
    """(upgrade, downgrade) for the revision defined in `revision_file`."""
    stem = Path(revision_file).with_suffix("")
    up, down = Path(f"{stem}.sql"), Path(f"{stem}.down.sql")
    return (lambda: _run_file(up)), (lambda: _run_file(down))
