"""Idempotency keys of create requests (issue 5)."""

from vividshift.migrations.sql import sql_migration

revision = "20261125_090000"
down_revision = "20261125_070400"
upgrade, downgrade = sql_migration(__file__)
