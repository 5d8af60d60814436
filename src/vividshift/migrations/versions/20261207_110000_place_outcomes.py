"""What became of each place (done, missed, covered, swapped, excused), and requests to
cover or swap a place with their events (issue 15)."""

from vividshift.migrations.sql import sql_migration

revision = "20261207_110000"
down_revision = "20261207_100000"
upgrade, downgrade = sql_migration(__file__)
