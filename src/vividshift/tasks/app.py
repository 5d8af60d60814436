"""The procrastinate App: where every task of ours is registered.

Jobs reach a task's code with the worker's context: `settings` and `database_url`
(worker_defaults' additional_context), so a task opens its own connection with the
service's settings, whichever process runs it.
"""

from procrastinate import App, PsycopgConnector

from vividshift.config import Settings
from vividshift.tasks import generation, maintenance


def create_task_app(settings: Settings, database_url: str) -> App:
    """A closed App on `database_url` (open it with `async with app.open_async()`)."""
    app = App(
        connector=PsycopgConnector(conninfo=database_url),
        worker_defaults={
            "additional_context": {"settings": settings, "database_url": database_url}
        },
    )
    maintenance.register(app)
    generation.register(app)
    return app
