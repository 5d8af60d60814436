"""Domains as workspaces: participants, targets and runs belong to one domain; members,
participants linked to users, invitations (issue 12)."""

from vividshift.migrations.sql import sql_migration

revision = "20261201_100000"
down_revision = "20261201_090000"
upgrade, downgrade = sql_migration(__file__)
