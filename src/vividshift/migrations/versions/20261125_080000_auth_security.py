"""Accounts and security: case-insensitive uniqueness, session timeouts, login failures."""

from vividshift.migrations.sql import sql_migration

revision = "20261125_080000"
down_revision = "20261125_090000"
upgrade, downgrade = sql_migration(__file__)
