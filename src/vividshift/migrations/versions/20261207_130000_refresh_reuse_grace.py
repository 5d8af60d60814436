"""Hardening (issue 17): the previous refresh-token hash of a session and when it was
rotated (reuse grace); self-registrations per address (rate limit)."""

from vividshift.migrations.sql import sql_migration

revision = "20261207_130000"
down_revision = "20261207_120000"
upgrade, downgrade = sql_migration(__file__)
