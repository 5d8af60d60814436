"""`skill_based`: the best-qualified people, only qualified ones where possible.

A pair qualifies when the participant's skill score for the target (mean level in
its required skills) reaches `skill_threshold`. A target with fewer qualified,
otherwise eligible people than it needs falls back to `fallback_strategy`: the
threshold is dropped for it and the fallback's costs apply, plus the skill cost so
the qualified people it has are still chosen first. The result notes which targets
fell back. `fallback_strategy: "none"` keeps the threshold hard (and may raise
`Infeasible`). The issue asked for a fallback where *no one* qualifies; falling back
whenever too few qualify also covers that case and never fails needlessly.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from vividshift.engine.eligibility import SKILL_THRESHOLD
from vividshift.engine.strategies.base import UNIT, Context, Plan, Weights, weighted_cost
from vividshift.engine.strategies.random_assignment import random_costs

FALLBACKS = ("balanced_rotation", "random_assignment", "none")


class SkillBased:
    name = "skill_based"
    description = (
        "Assign the best-qualified people; targets too few people qualify for use "
        "`fallback_strategy`."
    )
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {
            "skill_threshold": {**UNIT, "default": 0.5},
            "fallback_strategy": {
                "type": "string",
                "enum": list(FALLBACKS),
                "default": FALLBACKS[0],
            },
            "balance_weight": {**UNIT, "default": 0.1},
        },
    }

    def default_window(self, parameters: Mapping[str, Any]) -> int:
        return 0

    def plan(self, context: Context) -> Plan:
        p = context.parameters
        scores, problem = context.scores, context.problem
        weights = Weights(skill=1.0, balance=p["balance_weight"])
        cost = weighted_cost(scores, weights)
        unqualified = scores.skill < p["skill_threshold"]

        eligible = context.eligibility.allowed & (context.eligibility.repeat_weight == 0)
        qualified_count = (eligible & ~unqualified).sum(axis=0)
        required = np.array([t.required_count for t in problem.targets])
        short = qualified_count < required
        notes: tuple[str, ...] = ()
        if p["fallback_strategy"] != "none" and short.any():
            unqualified[:, short] = False
            cost[:, short] += self._fallback_cost(context, p["fallback_strategy"])[:, short]
            names = ", ".join(t.label for t, s in zip(problem.targets, short, strict=True) if s)
            notes = (f"fallback {p['fallback_strategy']} for: {names} (too few qualified)",)
        return Plan(weights, cost, weights.balance, {SKILL_THRESHOLD: unqualified}, notes=notes)

    @staticmethod
    def _fallback_cost(context: Context, fallback: str) -> np.ndarray:
        if fallback == "random_assignment":
            rng = np.random.default_rng(context.problem.seed)
            return random_costs(rng, context.scores.rotation.shape)
        return weighted_cost(context.scores, Weights(rotation=0.7))
