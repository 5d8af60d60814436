"""Keeps updated_at current on every table that has the column (one trigger per table)."""

from vividshift.migrations.sql import sql_migration

revision = "20261125_070000"
down_revision = None
upgrade, downgrade = sql_migration(__file__)
