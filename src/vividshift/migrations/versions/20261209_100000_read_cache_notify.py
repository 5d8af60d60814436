"""NOTIFY on changes to what the cached reads show, for the in-process read cache."""

from vividshift.migrations.sql import sql_migration

revision = "20261209_100000"
down_revision = "20261208_160000"
upgrade, downgrade = sql_migration(__file__)
