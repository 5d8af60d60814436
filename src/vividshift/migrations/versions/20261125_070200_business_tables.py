"""Business schema: domains, entity definitions and entities, participants, targets."""

from vividshift.migrations.sql import sql_migration

revision = "20261125_070200"
down_revision = "20261125_070100"
upgrade, downgrade = sql_migration(__file__)
