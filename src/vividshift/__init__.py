"""VividShift: a domain-agnostic assignment engine over PostgreSQL."""

__version__ = "0.1.0"
