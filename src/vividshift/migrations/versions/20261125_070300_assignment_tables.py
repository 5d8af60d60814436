"""Assignment runs, their details, their audit trail and the deletion archive."""

from vividshift.migrations.sql import sql_migration

revision = "20261125_070300"
down_revision = "20261125_070200"
upgrade, downgrade = sql_migration(__file__)
