"""`optimal`: every rule of the configuration at once, weighted by the parameters.

Rotation, balance, skill and preference all enter the cost; `skill_threshold`
(default 0: skills only weigh, never exclude) turns skill into a hard rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from vividshift.engine.eligibility import SKILL_THRESHOLD
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
            "skill_threshold": {**UNIT, "default": 0.0},
            "history_window": {"type": "integer", "minimum": 0, "default": 2},
        },
    }

    def default_window(self, parameters: Mapping[str, Any]) -> int:
        return int(parameters["history_window"])

    def plan(self, context: Context) -> Plan:
        p = context.parameters
        weights = Weights(
            rotation=p["rotation_weight"],
            balance=p["balance_weight"],
            skill=p["skill_weight"],
            preference=p["preference_weight"],
        )
        blocked = {}
        if p["skill_threshold"] > 0:
            blocked[SKILL_THRESHOLD] = context.scores.skill < p["skill_threshold"]
        return Plan(weights, weighted_cost(context.scores, weights), weights.balance, blocked)
