"""What became of each place: done, missed, covered, swapped or excused (issue 15)."""

from vividshift.migrations.sql import sql_migration

revision = "20261207_110000"
down_revision = "20261207_090000"
upgrade, downgrade = sql_migration(__file__)
