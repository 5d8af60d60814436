"""`balanced_rotation`: nobody repeats a recent target when avoidable; loads even out.

Rotation cost prefers the targets a participant did least recently; the balance
cost (convex in each participant's load over the history) prefers the least-loaded
people. Required skills are a hard rule (all of them; see `eligibility`).
`history_window` (native, default 2) is the no-repeat window used when the run gives
no `no_repeat` constraint. `max_attempts` is accepted for compatibility: the exact
solver needs no retries.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from vividshift.engine.eligibility import SkillPolicy
from vividshift.engine.strategies.base import UNIT, Context, Plan, Weights, weighted_cost


class BalancedRotation:
    name = "balanced_rotation"
    description = (
        "Rotate targets: nobody repeats a target from their recent history when a valid "
        "assignment without repeats exists, and load evens out over the history."
    )
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {
            "rotation_weight": {**UNIT, "default": 0.7},
            "balance_weight": {**UNIT, "default": 0.3},
            "max_attempts": {
                "type": "integer",
                "minimum": 1,
                "default": 500,
                "description": "Accepted for compatibility; unused (the solver is exact).",
            },
            "history_window": {"type": "integer", "minimum": 0, "default": 2},
        },
    }

    def default_window(self, parameters: Mapping[str, Any]) -> int:
        return int(parameters["history_window"])

    def skill_policy(self, parameters: Mapping[str, Any]) -> SkillPolicy:
        return SkillPolicy()

    def fills_exactly(self, parameters: Mapping[str, Any]) -> bool:
        return True

    def plan(self, context: Context) -> Plan:
        p = context.parameters
        weights = Weights(rotation=p["rotation_weight"], balance=p["balance_weight"])
        return Plan(
            weights,
            weighted_cost(context.scores, weights, context.eligibility.allowed),
            weights.balance,
        )
