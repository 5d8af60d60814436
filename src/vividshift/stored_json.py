"""JSON columns read as their shape. The API stores an object or an array where its
schema says; a row written by another program, or by hand, may hold another shape
there. Read models and generation read such a column as empty, never as a 500 (the
engine's own row readers do the same in `engine.model`)."""

from typing import Any


def stored_object(value: Any) -> dict[str, Any]:
    """An object column's value; {} when it holds no object (null, an array, a number)."""
    return value if isinstance(value, dict) else {}


def stored_list(value: Any) -> list[Any]:
    """An array column's value; [] when it holds no array."""
    return value if isinstance(value, list) else []
