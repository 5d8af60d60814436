"""Alembic environment: one transaction per revision, serialised across processes."""

from alembic import context
from sqlalchemy import create_engine, pool, text

# Two services starting at once must not both migrate: a session-level advisory lock
# makes the second wait, then find nothing pending.
MIGRATION_LOCK = "SELECT pg_advisory_lock(hashtext('vividshift.migrations'))"

if context.is_offline_mode():
    # `db upgrade --sql` / `db downgrade --sql`: print the script, touch nothing.
    context.configure(
        url=context.config.attributes["sqlalchemy_url"],
        transaction_per_migration=True,
        output_buffer=context.config.attributes.get("output_buffer"),
    )
    with context.begin_transaction():
        context.run_migrations()
else:
    engine = create_engine(context.config.attributes["sqlalchemy_url"], poolclass=pool.NullPool)
    with engine.connect() as connection:
        connection.execute(text(MIGRATION_LOCK))
        connection.commit()
        context.configure(connection=connection, transaction_per_migration=True)
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()
