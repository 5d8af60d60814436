"""The engine's input errors. Each failure of the engine has a named exception:
`InvalidProblem` (data it cannot read: a bad window, zone, constraint or name),
`InvalidParameters` (a parameter of the wrong type or range; an `InvalidProblem`),
`Infeasible` (no valid assignment, explained; in `explain`) and `SolverError` (the
solver itself failed; in `flow`). A plain ValueError is a bug, not bad input."""


class InvalidProblem(ValueError):
    """The problem's data cannot be read (the service answers 422)."""
