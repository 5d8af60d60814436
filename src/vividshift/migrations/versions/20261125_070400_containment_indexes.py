"""Containment (@>) indexes (jsonb_path_ops) on participants' availability and skills."""

from vividshift.migrations.sql import sql_migration

revision = "20261125_070400"
down_revision = "20261125_070300"
upgrade, downgrade = sql_migration(__file__)
