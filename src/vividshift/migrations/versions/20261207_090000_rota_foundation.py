"""Absences, the effort of a target, and overridden or pinned places (issues 14 and 15)."""

from vividshift.migrations.sql import sql_migration

revision = "20261207_090000"
down_revision = "20261201_100000"
upgrade, downgrade = sql_migration(__file__)
