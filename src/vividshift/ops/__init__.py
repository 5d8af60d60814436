"""Operator tools: backup and restore (pg_dump/pg_restore) and database statistics."""
