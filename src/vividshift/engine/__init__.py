"""VividShift's assignment engine: pure Python, no I/O, no web or database imports.

    result = solve(Problem(participants, targets, strategy="balanced_rotation", ...))

`solve` returns a `SolveResult` (assignment with per-pair scores, validation,
solver status, objective, method, timings) or raises `Infeasible` with an
explanation. See `solve` for the guarantees (validity, optimality, determinism).
"""

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
from vividshift.engine.explain import Infeasible, Shortage
from vividshift.engine.flow import SolverError
from vividshift.engine.greedy import GreedyFailed, greedy_assign
from vividshift.engine.history import History, PastRun, infer_groups
from vividshift.engine.instance import Instance
from vividshift.engine.model import (
    Participant,
    Problem,
    RunWindow,
    Target,
    ValidatorSpec,
    participant_from_mapping,
    target_from_mapping,
)
from vividshift.engine.params import InvalidParameters
from vividshift.engine.prune import Pruning
from vividshift.engine.result import (
    PairScore,
    Placement,
    SolveResult,
    Timings,
    ValidationResult,
)
from vividshift.engine.solve import compile_instance, solve
from vividshift.engine.strategies import STRATEGIES, describe_strategies
from vividshift.engine.validators import VALIDATORS, describe_validators, validate_assignment

__all__ = [
    "CONSTRAINT_SCHEMAS",
    "STRATEGIES",
    "VALIDATORS",
    "Constraint",
    "GreedyFailed",
    "GroupExclusion",
    "History",
    "Instance",
    "Infeasible",
    "InvalidParameters",
    "MaxAssignments",
    "NoRepeat",
    "PairScore",
    "Participant",
    "PastRun",
    "Placement",
    "Problem",
    "Pruning",
    "Quota",
    "RunWindow",
    "Separate",
    "Shortage",
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
    "greedy_assign",
    "infer_groups",
    "parse_constraint",
    "participant_from_mapping",
    "solve",
    "target_from_mapping",
    "validate_assignment",
]
