"""`skill_based`: the best-qualified people, and only qualified ones.

A person qualifies for a target when they have at least `skill_threshold` (default
1.0: all) of its required skills (the rule is in `eligibility`); among the qualified,
higher skill levels cost less. `fallback_strategy` (default "none") decides what a
target too few otherwise eligible people qualify for does: with "none" the rule stays
hard and `solve` raises `Infeasible` naming the target and the missing skill; with
`balanced_rotation` or `random_assignment` the skill rule is dropped for that target
only and the fallback's costs are added to the skill cost (so its qualified people
still come first). `SolveResult.fallbacks` and a note list those targets.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from vividshift.engine.eligibility import NO_FALLBACK, SkillPolicy
from vividshift.engine.strategies.base import UNIT, Context, Plan, Weights, weighted_cost
from vividshift.engine.strategies.random_assignment import random_costs

FALLBACKS = ("balanced_rotation", "random_assignment", NO_FALLBACK)


class SkillBased:
    name = "skill_based"
    description = (
        "Assign the best-qualified people; a target too few people qualify for is "
        "infeasible, or uses `fallback_strategy` when one is set."
    )
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {
            "skill_threshold": {
                **UNIT,
                "default": 1.0,
                "description": "Share of required skills a person must have (1 = all).",
            },
            "fallback_strategy": {
                "type": "string",
                "enum": list(FALLBACKS),
                "default": NO_FALLBACK,
                "description": "For targets too few people qualify for; none: infeasible.",
            },
            "balance_weight": {**UNIT, "default": 0.1},
        },
    }

    def default_window(self, parameters: Mapping[str, Any]) -> int:
        return 0

    def skill_policy(self, parameters: Mapping[str, Any]) -> SkillPolicy:
        return SkillPolicy(float(parameters["skill_threshold"]), parameters["fallback_strategy"])

    def fills_exactly(self, parameters: Mapping[str, Any]) -> bool:
        return True

    def plan(self, context: Context) -> Plan:
        p = context.parameters
        weights = Weights(skill=1.0, balance=p["balance_weight"])
        cost = weighted_cost(context.scores, weights, context.eligibility.allowed)
        fallbacks = list(context.eligibility.fallbacks)
        notes: tuple[str, ...] = ()
        if fallbacks:
            cost[:, fallbacks] += self._fallback_cost(context, p["fallback_strategy"])[:, fallbacks]
            names = ", ".join(context.problem.targets[j].label for j in fallbacks)
            notes = (f"fallback {p['fallback_strategy']} for: {names} (too few qualified)",)
        return Plan(weights, cost, weights.balance, notes=notes)

    @staticmethod
    def _fallback_cost(context: Context, fallback: str) -> np.ndarray:
        if fallback == "random_assignment":
            rng = np.random.default_rng(context.problem.seed)
            return random_costs(rng, context.scores.rotation.shape)
        return weighted_cost(context.scores, Weights(rotation=0.7))
