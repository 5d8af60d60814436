"""NOTIFY on session and account changes, for the in-process session cache (issue 18)."""

from vividshift.migrations.sql import sql_migration

revision = "20261207_150000"
down_revision = "20261207_130000"
upgrade, downgrade = sql_migration(__file__)
