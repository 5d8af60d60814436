"""Structured logs with request ids, and the database pool's metrics."""
