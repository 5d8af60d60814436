"""What the engine can do: its strategies, validators and constraints with the JSON
Schema of their parameters, in name order (for `/api/rules` and the pages)."""

from typing import Any

from vividshift.engine import CONSTRAINT_SCHEMAS, describe_strategies, describe_validators


def list_strategies() -> list[dict[str, Any]]:
    """`{name, description, parameters}` of each strategy."""
    return sorted(describe_strategies(), key=lambda s: s["name"])


def list_validators() -> list[dict[str, Any]]:
    """`{name, description, parameters}` of each validator."""
    return sorted(describe_validators(), key=lambda v: v["name"])


def list_constraints() -> list[dict[str, Any]]:
    """`{name, description, parameters, constraint_type}` of each constraint."""
    return [{"name": name, **spec} for name, spec in sorted(CONSTRAINT_SCHEMAS.items())]


def strategy_names() -> list[str]:
    """The strategies a run may use, by name, in alphabetical order."""
    return [s["name"] for s in list_strategies()]
