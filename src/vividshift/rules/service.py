"""What the engine can do: its strategies, validators and constraints with the JSON
Schema of their parameters, in name order (for `/api/rules` and the pages)."""

from dataclasses import dataclass
from typing import Any

from vividshift.engine import CONSTRAINT_SCHEMAS, describe_strategies, describe_validators


@dataclass(frozen=True)
class Rule:
    """A strategy, validator or constraint: its name and the schema of its parameters."""

    name: str
    description: str
    parameters: dict[str, Any]


@dataclass(frozen=True)
class Constraint(Rule):
    constraint_type: str


def _rules(described: list[dict[str, Any]]) -> list[Rule]:
    rules = [Rule(d["name"], d["description"], d["parameters"]) for d in described]
    return sorted(rules, key=lambda r: r.name)


def list_strategies() -> list[Rule]:
    """Each strategy, by name."""
    return _rules(describe_strategies())


def list_validators() -> list[Rule]:
    """Each validator, by name."""
    return _rules(describe_validators())


def list_constraints() -> list[Constraint]:
    """Each constraint with its type, by name."""
    return [
        Constraint(name, spec["description"], spec["parameters"], spec["constraint_type"])
        for name, spec in sorted(CONSTRAINT_SCHEMAS.items())
    ]


def strategy_names() -> list[str]:
    """The strategies a run may use, by name, in alphabetical order."""
    return [s.name for s in list_strategies()]
