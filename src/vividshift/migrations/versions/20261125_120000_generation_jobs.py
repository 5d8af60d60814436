"""Background generations and schedule runs: our job records and schedule cursors (issue 7)."""

from vividshift.migrations.sql import sql_migration

revision = "20261125_120000"
down_revision = "20261125_100000"
upgrade, downgrade = sql_migration(__file__)
