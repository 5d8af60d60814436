"""The procrastinate task queue's tables, functions and types (issue 7)."""

from vividshift.migrations.sql import sql_migration

revision = "20261125_100000"
down_revision = "20261125_080000"
upgrade, downgrade = sql_migration(__file__)
