"""Indexes on the foreign keys of domain_invitations."""

from vividshift.migrations.sql import sql_migration

revision = "20261207_160000"
down_revision = "20261207_150000"
upgrade, downgrade = sql_migration(__file__)
