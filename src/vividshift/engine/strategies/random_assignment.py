"""`random_assignment`: a varied valid assignment, reproducible from the seed.

Each eligible pair gets a random cost from a generator seeded with `seed` (default:
the run's seed) and the same exact solver picks the cheapest assignment — so the
result is random yet always valid (required skills included: all of them), and the
same seed gives the same assignment.
`ensure_capacity` (default true) requires every target filled exactly; false
returns the largest possible partial assignment instead of raising `Infeasible`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from vividshift.engine.eligibility import SkillPolicy
from vividshift.engine.strategies.base import SCALE, Context, Plan, Weights


class RandomAssignment:
    name = "random_assignment"
    description = (
        "A random valid assignment, reproducible from `seed`; with ensure_capacity=false, "
        "the largest partial assignment when no complete one exists."
    )
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {
            "seed": {"type": "integer", "description": "Defaults to the run's seed."},
            "ensure_capacity": {"type": "boolean", "default": True},
        },
    }

    def default_window(self, parameters: Mapping[str, Any]) -> int:
        return 0

    def skill_policy(self, parameters: Mapping[str, Any]) -> SkillPolicy:
        return SkillPolicy()

    def fills_exactly(self, parameters: Mapping[str, Any]) -> bool:
        return bool(parameters["ensure_capacity"])

    def plan(self, context: Context) -> Plan:
        seed = context.parameters.get("seed")
        rng = np.random.default_rng(context.problem.seed if seed is None else seed)
        cost = random_costs(rng, context.scores.rotation.shape)
        return Plan(Weights(), cost, 0.0, exact_fill=self.fills_exactly(context.parameters))


def random_costs(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    return rng.integers(0, SCALE, size=shape, dtype=np.int64)
