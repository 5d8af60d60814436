"""The flow's objective equals an independent CP-SAT model's optimum on the same instance."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model

from vividshift.engine import (
    GroupExclusion,
    History,
    Infeasible,
    Instance,
    MaxAssignments,
    Participant,
    Problem,
    Target,
    compile_instance,
    solve,
)

SKILLS = ("a", "b", "c")
STRATEGY_PARAMS = {
    "balanced_rotation": st.fixed_dictionaries(
        {"rotation_weight": st.floats(0, 1), "balance_weight": st.floats(0, 1)}
    ),
    "optimal": st.fixed_dictionaries(
        {
            "rotation_weight": st.floats(0, 1),
            "balance_weight": st.floats(0, 1),
            "skill_weight": st.floats(0, 1),
            "preference_weight": st.floats(0, 1),
        }
    ),
    "random_assignment": st.just({}),
    "skill_based": st.fixed_dictionaries({"skill_threshold": st.floats(0, 1)}),
}


@st.composite
def problems(draw: st.DrawFn) -> Problem:
    n_t = draw(st.integers(1, 4))
    tids = [f"t{j}" for j in range(n_t)]
    targets = tuple(
        Target(
            id=t,
            required_count=draw(st.integers(0, 3)),
            required_skills=frozenset(draw(st.lists(st.sampled_from(SKILLS), max_size=2))),
        )
        for t in tids
    )
    people = []
    recent: dict[str, list[str]] = {}
    for i in range(draw(st.integers(1, 8))):
        pid = f"p{i}"
        skills = draw(st.lists(st.sampled_from(SKILLS), max_size=3))
        levels = {s: draw(st.floats(0, 1)) for s in skills}
        prefs = {
            "targets": {
                t: draw(st.floats(0, 1)) for t in draw(st.lists(st.sampled_from(tids), max_size=2))
            }
        }
        group = draw(st.sampled_from([None, "A", "B"]))
        people.append(
            Participant(
                pid, skills=frozenset(skills), skill_levels=levels, preferences=prefs, group=group
            )
        )
        recent[pid] = draw(st.lists(st.sampled_from(tids), max_size=3))
    strategy = draw(st.sampled_from(sorted(STRATEGY_PARAMS)))
    constraints = [MaxAssignments(draw(st.integers(1, 3)))]
    if draw(st.booleans()):
        constraints.append(GroupExclusion("A", frozenset(draw(st.lists(st.sampled_from(tids))))))
    return Problem(
        tuple(people),
        targets,
        strategy=strategy,
        parameters=draw(STRATEGY_PARAMS[strategy]),
        constraints=tuple(constraints),
        history=History.from_recent(recent),
        seed=draw(st.integers(0, 2**16)),
    )


def cp_sat_optimum(inst: Instance) -> int | None:
    """An independent CP-SAT model of the same arcs and costs (not the engine's)."""
    model = cp_model.CpModel()
    x = [model.new_bool_var("") for _ in range(inst.arc_p.size)]
    for t in range(inst.n_targets):
        model.add(sum(x[a] for a in np.nonzero(inst.arc_t == t)[0]) == int(inst.required[t]))
    objective = [int(c) * x[a] for a, c in enumerate(inst.arc_cost)]
    for p in range(inst.n_participants):
        load = sum(x[a] for a in np.nonzero(inst.arc_p == p)[0])
        cap = int(inst.capacity[p])
        # k-th step taken iff load >= k+1: an exact encoding of the convex load cost.
        steps = [model.new_bool_var("") for _ in range(cap)]
        model.add(load == sum(steps))
        for k in range(cap - 1):
            model.add(steps[k] >= steps[k + 1])
        objective += [int(inst.load_cost[p, k]) * steps[k] for k in range(cap)]
    model.minimize(sum(objective))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    status = solver.solve(model)
    if status == cp_model.INFEASIBLE:
        return None
    assert status == cp_model.OPTIMAL
    return int(round(solver.objective_value))


@settings(
    max_examples=120, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(problems())
def test_flow_objective_equals_cp_sat_optimum(problem: Problem) -> None:
    hard = cp_sat_optimum(compile_instance(problem))
    relaxed = cp_sat_optimum(compile_instance(problem, relaxed=True))
    if hard is None and relaxed is None:
        try:
            solve(problem)
        except Infeasible as exc:
            assert exc.shortages, "an infeasible flow must come with a Hall shortage"
            event("infeasible")
            return
        raise AssertionError("solve succeeded where CP-SAT proves infeasibility")
    event("relaxed" if hard is None else "hard rules hold")
    result = solve(problem)
    assert result.status == "optimal" and result.method == "min_cost_flow"
    assert result.objective == (hard if hard is not None else relaxed)
    assert bool(result.relaxations) == (hard is None)
    via_cp = solve(problem, method="cp_sat")
    assert via_cp.method == "cp_sat" and via_cp.status == "optimal"
    assert via_cp.objective == result.objective


def test_convex_load_spreads_work_exactly() -> None:
    # 4 places, 2 people who may each take 3: balance alone must split them 2–2.
    people = (Participant("x"), Participant("y"))
    targets = tuple(Target(f"t{j}") for j in range(4))
    problem = Problem(
        people,
        targets,
        parameters={"rotation_weight": 0.0, "balance_weight": 1.0},
        constraints=(MaxAssignments(3),),
    )
    result = solve(problem)
    loads = [sum(a.participant_id == p.id for a in result.assignments) for p in people]
    assert sorted(loads) == [2, 2]
    assert result.objective == cp_sat_optimum(compile_instance(problem))
