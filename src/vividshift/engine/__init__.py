"""VividShift's assignment engine: pure Python, no I/O, no web or database imports.

    result = solve(Problem(participants, targets, strategy="balanced_rotation", ...))

`solve` returns a `SolveResult` (assignment with per-pair scores, validation,
solver status, objective, method, timings) or raises `Infeasible` with an
explanation. See `solve` for the guarantees (validity, optimality, determinism).
`eligibility` is the one answer to "may P do T in this run" (skills, time slots in
the house's zone, groups, no-repeat); `validate_assignment` checks any assignment
with it, so edits and generated runs are judged alike.
"""

from vividshift.engine.availability import target_windows, unavailability_reason
from vividshift.engine.constraints import (
    CONSTRAINT_SCHEMAS,
    Constraint,
    GroupExclusion,
    MaxAssignments,
    NoRepeat,
    Quota,
    Separate,
    TargetSetLimit,
    Together,
    parse_constraint,
)
from vividshift.engine.eligibility import SKILL, Eligibility, Reasons, SkillPolicy
from vividshift.engine.errors import InvalidProblem
from vividshift.engine.explain import Infeasible, Shortage
from vividshift.engine.flow import SolverError
from vividshift.engine.greedy import GreedyFailed, greedy_assign
from vividshift.engine.history import History, PastRun, infer_groups
from vividshift.engine.instance import Instance
from vividshift.engine.model import (
    DailyWindow,
    Participant,
    Problem,
    RunWindow,
    Target,
    ValidatorSpec,
    parse_target_window,
    participant_from_mapping,
    target_from_mapping,
)
from vividshift.engine.params import InvalidParameters
from vividshift.engine.prune import Pruning
from vividshift.engine.result import (
    PairScore,
    Placement,
    PlacementColumns,
    SolveResult,
    Timings,
    ValidationResult,
)
from vividshift.engine.solve import compile_instance, solve
from vividshift.engine.strategies import STRATEGIES, describe_strategies, eligibility_for
from vividshift.engine.validators import VALIDATORS, describe_validators, validate_assignment

__all__ = [
    "CONSTRAINT_SCHEMAS",
    "SKILL",
    "STRATEGIES",
    "VALIDATORS",
    "Constraint",
    "DailyWindow",
    "Eligibility",
    "GreedyFailed",
    "GroupExclusion",
    "History",
    "Instance",
    "Infeasible",
    "InvalidParameters",
    "InvalidProblem",
    "MaxAssignments",
    "NoRepeat",
    "PairScore",
    "Participant",
    "PastRun",
    "Placement",
    "PlacementColumns",
    "Problem",
    "Pruning",
    "Quota",
    "Reasons",
    "RunWindow",
    "Separate",
    "Shortage",
    "SkillPolicy",
    "SolveResult",
    "SolverError",
    "Target",
    "TargetSetLimit",
    "Timings",
    "Together",
    "ValidationResult",
    "ValidatorSpec",
    "compile_instance",
    "describe_strategies",
    "describe_validators",
    "eligibility_for",
    "greedy_assign",
    "infer_groups",
    "parse_constraint",
    "parse_target_window",
    "participant_from_mapping",
    "solve",
    "target_from_mapping",
    "target_windows",
    "unavailability_reason",
    "validate_assignment",
]
