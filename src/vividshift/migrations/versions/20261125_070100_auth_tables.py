"""Authentication schema: users, their sessions and profiles."""

from vividshift.migrations.sql import sql_migration

revision = "20261125_070100"
down_revision = "20261125_070000"
upgrade, downgrade = sql_migration(__file__)
