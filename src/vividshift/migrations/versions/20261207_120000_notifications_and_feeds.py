"""Reaching people: notification channels, events, the delivery outbox and its attempts,
preferences, and calendar feed tokens (issue 16)."""

from vividshift.migrations.sql import sql_migration

revision = "20261207_120000"
down_revision = "20261207_110000"
upgrade, downgrade = sql_migration(__file__)
