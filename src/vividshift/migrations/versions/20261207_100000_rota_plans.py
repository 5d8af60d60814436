"""Plans of a rota's turns (drafts until published), turn instants on runs, one active run
per turn (issue 14)."""

from vividshift.migrations.sql import sql_migration

revision = "20261207_100000"
down_revision = "20261207_090000"
upgrade, downgrade = sql_migration(__file__)
