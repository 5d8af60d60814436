"""`optimal`: every rule of the configuration at once, weighted by the parameters.

Rotation, balance, skill and preference all enter the cost. `skill_threshold` (default
1.0) is the share of required skills a person must have to be eligible at all (a hard
rule, see `eligibility`); 0 lets skills only weigh.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from vividshift.engine.eligibility import SkillPolicy
from vividshift.engine.strategies.base import UNIT, Context, Plan, Weights, weighted_cost


class Optimal:
    name = "optimal"
    description = (
        "Optimise rotation, load balance, skill fit and preferences together; weights "
        "are parameters, every hard rule and constraint holds."
    )
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {
            "rotation_weight": {**UNIT, "default": 0.4},
            "balance_weight": {**UNIT, "default": 0.2},
            "skill_weight": {**UNIT, "default": 0.2},
            "preference_weight": {**UNIT, "default": 0.2},
            "skill_threshold": {
                **UNIT,
                "default": 1.0,
                "description": "Share of required skills a person must have (1 = all).",
            },
            "history_window": {"type": "integer", "minimum": 0, "default": 2},
        },
    }

    def default_window(self, parameters: Mapping[str, Any]) -> int:
        return int(parameters["history_window"])

    def skill_policy(self, parameters: Mapping[str, Any]) -> SkillPolicy:
        return SkillPolicy(threshold=float(parameters["skill_threshold"]))

    def fills_exactly(self, parameters: Mapping[str, Any]) -> bool:
        return True

    def plan(self, context: Context) -> Plan:
        p = context.parameters
        weights = Weights(
            rotation=p["rotation_weight"],
            balance=p["balance_weight"],
            skill=p["skill_weight"],
            preference=p["preference_weight"],
        )
        return Plan(
            weights,
            weighted_cost(context.scores, weights, context.eligibility.allowed),
            weights.balance,
        )
