"""The procrastinate App: where every task of ours is registered.

Each domain keeps its background jobs in its own `tasks.py` (`register(app)`); this is
the one place that lists them. Jobs reach a task's code with the worker's context:
`settings` and `database_url` (worker_defaults' additional_context), so a task opens its
own connection with the service's settings, whichever process runs it.

Periodic jobs run on the worker's clock (UTC). Each is deferred once per due time
however many workers run (procrastinate records each (task, time) it deferred),
carries a queueing lock so jobs do not pile up while no worker takes them, and is
idempotent: a repeated run changes nothing more.
"""

from procrastinate import App, PsycopgConnector

from vividshift.assignments import tasks as assignment_tasks
from vividshift.auth import tasks as auth_tasks
from vividshift.config import Settings
from vividshift.fairshare import tasks as fairshare_tasks
from vividshift.idempotency import tasks as idempotency_tasks
from vividshift.notifications import tasks as notification_tasks
from vividshift.reminders import tasks as reminder_tasks
from vividshift.schedules import tasks as schedule_tasks


def create_task_app(settings: Settings, database_url: str) -> App:
    """A closed App on `database_url` (open it with `async with app.open_async()`)."""
    app = App(
        connector=PsycopgConnector(conninfo=database_url),
        worker_defaults={
            "additional_context": {"settings": settings, "database_url": database_url}
        },
    )
    auth_tasks.register(app)
    idempotency_tasks.register(app)
    assignment_tasks.register(app)
    schedule_tasks.register(app)
    fairshare_tasks.register(app)
    notification_tasks.register(app)
    reminder_tasks.register(app)
    return app
