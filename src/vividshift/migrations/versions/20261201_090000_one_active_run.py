"""One active run per (domain, date): a partial unique index (issue 11)."""

from vividshift.migrations.sql import sql_migration

revision = "20261201_090000"
down_revision = "20261125_120000"
upgrade, downgrade = sql_migration(__file__)
