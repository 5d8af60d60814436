"""Strategy registry: name → strategy, with each one's parameter JSON Schema."""

from __future__ import annotations

from typing import Any

from vividshift.engine.eligibility import Eligibility, SkillPolicy, compute_eligibility
from vividshift.engine.errors import InvalidProblem
from vividshift.engine.model import Problem
from vividshift.engine.params import read_parameters
from vividshift.engine.strategies.balanced_rotation import BalancedRotation
from vividshift.engine.strategies.base import SCALE, Context, Plan, Strategy, Weights
from vividshift.engine.strategies.optimal import Optimal
from vividshift.engine.strategies.random_assignment import RandomAssignment
from vividshift.engine.strategies.skill_based import SkillBased

STRATEGIES: dict[str, Strategy] = {
    s.name: s for s in (BalancedRotation(), RandomAssignment(), SkillBased(), Optimal())
}


def get_strategy(name: str) -> Strategy:
    try:
        return STRATEGIES[name]
    except KeyError:
        raise InvalidProblem(f"unknown strategy {name!r}; known: {sorted(STRATEGIES)}") from None


def eligibility_for(problem: Problem) -> Eligibility:
    """The problem's eligibility under its strategy's parameters (skill threshold,
    fallback, no-repeat window). A strategy this engine does not know (a run imported
    from the predecessor) gets the defaults: all required skills, no fallback."""
    strategy = STRATEGIES.get(problem.strategy)
    if strategy is None:
        return compute_eligibility(problem, 0, SkillPolicy())
    params = read_parameters(strategy.name, strategy.schema, problem.parameters)
    return compute_eligibility(
        problem, strategy.default_window(params), strategy.skill_policy(params)
    )


def describe_strategies() -> list[dict[str, Any]]:
    """For `GET /api/rules/strategies` (the compatible answer is just the names)."""
    return [
        {"name": s.name, "description": s.description, "parameters": s.schema}
        for s in STRATEGIES.values()
    ]


__all__ = [
    "SCALE",
    "STRATEGIES",
    "Context",
    "Plan",
    "Strategy",
    "Weights",
    "describe_strategies",
    "eligibility_for",
    "get_strategy",
]
