"""Alembic environment and revisions (plain SQL files with .down.sql rollbacks)."""
