"""An index on assignment_details (assignment_id, target_id): who else is on a task of
a run, looked up once per place of "My turns"."""

from vividshift.migrations.sql import sql_migration

revision = "20261208_160000"
down_revision = "20261207_160000"
upgrade, downgrade = sql_migration(__file__)
