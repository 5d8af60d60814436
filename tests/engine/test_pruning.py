"""The pruned flow (a subset of the pairs plus an optimality certificate) is exact.

Pruning is forced here with tiny candidate sets (one candidate per target, the
participant's cheapest target), so the first subset is often infeasible (the full
graph is then solved) or its optimum is not the full one (the certificate fails and
the loop adds the pairs with negative reduced cost). In every case the objective must
be the unpruned flow's.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from vividshift.engine import (
    GroupExclusion,
    History,
    Infeasible,
    MaxAssignments,
    NoRepeat,
    Participant,
    Problem,
    Pruning,
    SolveResult,
    Target,
    solve,
)
from vividshift.engine import flow as flow_module
from vividshift.engine.arc_prune import Candidates, first_of_groups, prune_arcs
from vividshift.engine.explain import _sink_side_targets
from vividshift.engine.flow import solve_flow
from vividshift.engine.instance import DenseInstance, Instance, build_dense
from vividshift.engine.prune import DEFAULT_PRUNING, solve_dense

FORCE = Pruning(
    min_arcs=0,
    min_density=0.0,
    per_target=0.0,
    extra=1,
    per_participant=0,
    max_rounds=100,
    max_share=1,
)
# The same over the arc list (`arc_prune`): every instance counts as sparse.
FORCE_SPARSE = Pruning(
    **{**FORCE.__dict__, "min_density": 1.01, "min_sparse_arcs": 0, "sparse_max_share": 1}
)

prunings = st.builds(
    Pruning,
    min_arcs=st.just(0),
    # 1.01: every instance counts as sparse and is pruned over its arc list
    min_density=st.sampled_from([0.0, 0.0, 1.01]),
    min_sparse_arcs=st.just(0),
    sparse_max_share=st.sampled_from([0.5, 1.0, 1.0]),
    per_target=st.sampled_from([0.0, 0.0, 0.0, 0.5, 1.0, 2.0]),
    extra=st.sampled_from([1, 1, 0, 2]),
    per_participant=st.sampled_from([0, 0, 1, 2]),
    max_rounds=st.sampled_from([1, 2, 100, 100, 100]),
    max_share=st.sampled_from([0.5, 1.0, 1.0, 1.0]),
)


@st.composite
def dense_instances(draw: st.DrawFn) -> tuple[DenseInstance, bool]:
    n_p, n_t = draw(st.integers(1, 24)), draw(st.integers(1, 7))
    steps = draw(st.integers(1, 3))
    top = draw(st.sampled_from([2, 10, 1000, 1000]))  # 2, 10: few distinct costs, many ties

    def matrix(dtype: type, shape: tuple[int, ...], elements: st.SearchStrategy) -> np.ndarray:
        # fill=nothing: every element drawn on its own (not mostly one fill value)
        return draw(arrays(dtype, shape, elements=elements, fill=st.nothing()))

    allowed = matrix(bool, (n_p, n_t), st.sampled_from([True, True, True, False]))
    cost = matrix(np.int64, (n_p, n_t), st.integers(0, top))
    repeat = matrix(np.int32, (n_p, n_t), st.sampled_from([0, 0, 0, 1, 2]))
    load = np.sort(matrix(np.int64, (n_p, steps), st.integers(0, 300)), axis=1)
    capacity = matrix(np.int64, (n_p,), st.sampled_from([0, *[steps] * 3, *range(1, steps + 1)]))
    required = matrix(np.int64, (n_t,), st.sampled_from([0, 1, 1, 2, 2, 3, 4]))
    rank = np.argsort(np.random.default_rng(draw(st.integers(0, 99))).permutation(n_p))
    relaxed = draw(st.booleans())
    dense = build_dense(allowed, repeat, cost, load, required, capacity, rank, relaxed)
    return dense, draw(st.booleans())


def recomputed_objective(inst: Instance, chosen: np.ndarray) -> int:
    """The cost of `chosen` from the arcs and the convex load steps, independently."""
    load = np.bincount(inst.arc_p[chosen], minlength=inst.n_participants)
    steps = sum(int(inst.load_cost[p, :k].sum()) for p, k in enumerate(load.tolist()))
    return int(inst.arc_cost[chosen].sum()) + steps


def rounds(note: str | None) -> int:
    """Certificate rounds from the pruning note; 0: the full graph was solved."""
    found = re.search(r"(\d+) round\(s\)", note or "")
    return int(found.group(1)) if found else 0


@settings(
    max_examples=400, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(dense_instances(), prunings)
def test_pruned_flow_objective_equals_full_flow(case: tuple[DenseInstance, bool], pruning) -> None:
    dense, exact = case
    full_inst = dense.instance()
    full = solve_flow(full_inst, exact=exact)
    run = solve_dense(dense, exact=exact, pruning=pruning)
    assert run.flow.complete == full.complete
    inst, chosen = run.inst, run.flow.chosen
    assert recomputed_objective(inst, chosen) == run.flow.objective
    if exact and not full.complete:
        # Every place demanded and impossible: a maximum flow (costs no longer matter)
        # with the same minimum cut, which is all the explanation reads.
        assert run.flow.filled.sum() == full.filled.sum()
        assert _sink_side_targets(inst, run.flow).tolist() == (
            _sink_side_targets(full_inst, full).tolist()
        )
    else:
        assert run.flow.objective == full.objective
        assert run.flow.filled.tolist() == full.filled.tolist()
    assert dense.eligible[inst.arc_p[chosen], inst.arc_t[chosen]].all()
    assert (np.bincount(inst.arc_p[chosen], minlength=dense.n_participants) <= dense.capacity).all()
    if not full.complete:
        assert run.note is None  # shortages are only ever read off the full graph
    n = rounds(run.note)
    if not full.complete:
        event("infeasible: full graph")
    else:
        event({0: "full graph", 1: "pruned, certified at once"}.get(n, "pruned, 2+ rounds"))


@pytest.mark.parametrize("pruning", [FORCE, FORCE_SPARSE], ids=["matrix", "arc list"])
def test_certificate_rounds_happen_and_stay_exact(pruning: Pruning) -> None:
    """Across seeded random instances the first subset is often not optimal: the loop
    must add arcs (2+ rounds), and the objective is the full flow's every time."""
    rng = np.random.default_rng(2026)
    multi = 0
    for _ in range(150):
        n_p, n_t, steps = (
            int(rng.integers(5, 40)),
            int(rng.integers(2, 10)),
            int(rng.integers(1, 3)),
        )
        dense = build_dense(
            rng.random((n_p, n_t)) < 0.9,
            np.zeros((n_p, n_t), dtype=np.int32),
            rng.integers(0, 1000, size=(n_p, n_t)),
            np.sort(rng.integers(0, 200, size=(n_p, steps)), axis=1),
            rng.integers(0, 3, size=n_t),
            rng.integers(1, steps + 1, size=n_p),
            np.argsort(rng.permutation(n_p)),
            False,
        )
        full = solve_flow(dense.instance())
        run = solve_dense(dense, exact=True, pruning=pruning)
        assert run.flow.complete == full.complete
        if full.complete:
            assert run.flow.objective == full.objective
        else:  # a maximum flow: costs no longer matter, the number placed does
            assert run.flow.filled.sum() == full.filled.sum()
        multi += rounds(run.note) >= 2
    assert multi >= 10


def preference_problem(**extra) -> Problem:
    """Costs are 1000 × (1 − preference): x A 500, B 900; y A 100, B 700."""
    people = (
        Participant("x", preferences={"targets": {"A": 0.5, "B": 0.1}}),
        Participant("y", preferences={"targets": {"A": 0.9, "B": 0.3}}),
    )
    weights = {"rotation_weight": 0.0, "balance_weight": 0.0, "skill_weight": 0.0}
    return Problem(
        people,
        (Target("A"), Target("B")),
        strategy="optimal",
        parameters=weights | {"preference_weight": 1.0},
        **extra,
    )


def test_first_subset_suboptimal_certificate_adds_the_missing_arc() -> None:
    # Candidates: A's cheapest (y), B's cheapest (y), each person's cheapest (A):
    # x–A, y–A, y–B, whose only complete flow x–A + y–B costs 1200. Pricing x–B
    # (reduced cost < 0) adds it; then x–B + y–A = 1000 is proven optimal.
    problem = preference_problem()
    full = solve(problem, pruning=None)
    assert full.objective == 1000 and full.by_target() == {"A": ["y"], "B": ["x"]}
    pruned = solve(problem, pruning=FORCE)
    assert pruned.status == "optimal" and pruned.optimality_proven
    assert pruned.method == "min_cost_flow"
    assert pruned.objective == 1000 and pruned.by_target() == full.by_target()
    assert any("2 round(s)" in n for n in pruned.notes), pruned.notes
    # One round only: the certificate fails, so the full graph decides (no note).
    one = solve(problem, pruning=Pruning(**{**FORCE.__dict__, "max_rounds": 1}))
    assert one.objective == 1000 and not any("pruned" in n for n in one.notes)


SKILLS = ("a", "b", "c")


@st.composite
def problems(draw: st.DrawFn) -> Problem:
    n_t = draw(st.integers(1, 5))
    tids = [f"t{j}" for j in range(n_t)]
    targets = tuple(
        Target(
            t,
            required_count=draw(st.integers(0, 3)),
            required_skills=frozenset(draw(st.lists(st.sampled_from(SKILLS), max_size=1))),
        )
        for t in tids
    )
    people, recent = [], {}
    for i in range(draw(st.integers(1, 12))):
        skills = draw(st.lists(st.sampled_from(SKILLS), max_size=3))
        prefs = {
            t: draw(st.sampled_from([0.0, 0.5, 1.0]))
            for t in draw(st.lists(st.sampled_from(tids), max_size=3))
        }
        people.append(
            Participant(
                f"p{i}",
                skills=frozenset(skills),
                preferences={"targets": prefs},
                group=draw(st.sampled_from([None, "A"])),
            )
        )
        recent[f"p{i}"] = draw(st.lists(st.sampled_from(tids), max_size=2))
    strategy = draw(
        st.sampled_from(["balanced_rotation", "optimal", "random_assignment", "skill_based"])
    )
    parameters: dict = {}
    if strategy == "optimal":
        parameters = {"skill_threshold": draw(st.sampled_from([0.0, 1.0]))}
    elif strategy == "random_assignment":
        parameters = {"ensure_capacity": draw(st.booleans())}
    constraints: list = [MaxAssignments(draw(st.integers(1, 3)))]
    if draw(st.booleans()):
        constraints.append(GroupExclusion("A", frozenset(draw(st.lists(st.sampled_from(tids))))))
    if draw(st.booleans()):
        constraints.append(NoRepeat(window=1, relax_if_infeasible=draw(st.booleans())))
    return Problem(
        tuple(people),
        targets,
        strategy=strategy,
        parameters=parameters,
        constraints=tuple(constraints),
        history=History.from_recent(recent),
        seed=draw(st.integers(0, 99)),
    )


@settings(
    max_examples=250, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(problems(), prunings)
def test_solve_pruned_equals_solve_unpruned(problem: Problem, pruning: Pruning) -> None:
    try:
        full = solve(problem, pruning=None)
    except Infeasible as exc:
        with pytest.raises(Infeasible) as pruned_exc:
            solve(problem, pruning=pruning)
        assert pruned_exc.value.to_dict() == exc.to_dict()  # explained from the full graph
        event("infeasible")
        return
    pruned = solve(problem, pruning=pruning)
    assert pruned.objective == full.objective
    assert (pruned.status, pruned.method, pruned.optimality_proven) == (
        full.status,
        full.method,
        full.optimality_proven,
    )
    assert bool(pruned.relaxations) == bool(full.relaxations)
    assert len(pruned.relaxations) == len(full.relaxations)
    assert pruned.shortages == full.shortages

    # Every place filled alike. (skill_matching may differ: with skills only weighing,
    # equally cheap optima can differ in who lacks a skill.)
    def hard(result: SolveResult) -> list[bool]:
        return [v.passed for v in result.validation if v.validator in ("capacity_check",)]

    assert hard(pruned) == hard(full)
    assert pruned.assignments == solve(problem, pruning=pruning).assignments  # deterministic
    event("pruned" if any("pruned" in n for n in pruned.notes) else "full graph")


def dense_problem(n_people: int, n_targets: int, seed: int) -> Problem:
    """Every pair eligible (skills only weigh), two runs of history, 2 places each."""
    rng = np.random.default_rng(seed)
    tids = [f"t{j}" for j in range(n_targets)]
    people = tuple(
        Participant(
            f"p{i}",
            skills=frozenset({f"s{i % 7}", f"s{i % 5}"}),
            preferences={"preferred_targets": [tids[int(j)] for j in rng.choice(n_targets, 2)]},
        )
        for i in range(n_people)
    )
    targets = tuple(
        Target(t, required_count=2, required_skills=frozenset({f"s{j % 7}"}))
        for j, t in enumerate(tids)
    )
    history = History.from_recent(
        {p.id: [tids[(i * 3) % n_targets], tids[(i * 5) % n_targets]] for i, p in enumerate(people)}
    )
    return Problem(
        people,
        targets,
        strategy="optimal",
        parameters={"skill_threshold": 0.0},
        history=history,
        constraints=(MaxAssignments(2),),
        seed=seed,
    )


def test_large_dense_instance_is_pruned_by_default_with_the_same_objective() -> None:
    problem = dense_problem(1_000, 300, seed=4)  # 300 000 pairs: above DEFAULT min_arcs
    assert DEFAULT_PRUNING.min_arcs <= 1_000 * 300
    pruned, full = solve(problem), solve(problem, pruning=None)
    assert pruned.status == full.status == "optimal" and pruned.optimality_proven
    assert pruned.objective == full.objective
    assert any("optimality certificate" in n for n in pruned.notes)
    assert not any("pruned" in n for n in full.notes)
    assert all(v.passed for v in pruned.validation)


def tight_problem(n_people: int, n_targets: int) -> Problem:
    """Every pair eligible, 8 places per target filling 80 % of the people, people with
    3 of 30 skills and targets weighing 1 (the engine benchmark's dense instance)."""
    tids = [f"t{j}" for j in range(n_targets)]
    people = tuple(
        Participant(f"p{i}", skills=frozenset({f"s{i % 30}", f"s{i // 30 % 30}", f"s{i * 7 % 30}"}))
        for i in range(n_people)
    )
    targets = tuple(
        Target(t, required_count=8, required_skills=frozenset({f"s{j % 30}"}))
        for j, t in enumerate(tids)
    )
    history = History.from_recent(
        {
            p.id: [tids[(k + 7) % n_targets], tids[k % n_targets]]
            for k, p in enumerate(people)
            if k < 8 * n_targets
        }
    )
    return Problem(
        people, targets, strategy="optimal", parameters={"skill_threshold": 0.0}, history=history
    )


def test_a_dense_instance_of_1e5_pairs_is_pruned_by_default() -> None:
    """From 1e5 dense pairs the pruned flow is the faster and smaller one: the default
    prunes it (same objective as the full graph)."""
    problem = tight_problem(1_000, 100)
    pruned, full = solve(problem), solve(problem, pruning=None)
    assert pruned.objective == full.objective and pruned.status == "optimal"
    assert any("optimality certificate" in n for n in pruned.notes)


def test_a_tight_instance_whose_first_candidates_fall_short_is_still_pruned() -> None:
    """The cheapest candidates leave places unreachable though the graph fills them all:
    wider candidates (not every pair into every target) restore the subset, and the
    certificate still proves it optimal for all 1 M pairs."""
    problem = tight_problem(3_162, 316)
    pruned, full = solve(problem), solve(problem, pruning=None)
    assert pruned.status == full.status == "optimal"
    assert pruned.objective == full.objective
    (note,) = [n for n in pruned.notes if "optimality certificate" in n]
    kept = int(note.split(": ")[1].split(" of ")[0])
    assert kept < 0.05 * 3_162 * 316


def sparse_dense(n_p: int, n_t: int, share: float, seed: int) -> DenseInstance:
    """`share` of P × T eligible at random, one place per target, capacity 1."""
    rng = np.random.default_rng(seed)
    return build_dense(
        rng.random((n_p, n_t)) < share,
        np.zeros((n_p, n_t), dtype=np.int32),
        rng.integers(0, 1000, size=(n_p, n_t)),
        np.zeros((n_p, 1), dtype=np.int64),
        np.full(n_t, 1, dtype=np.int64),
        np.ones(n_p, dtype=np.int64),
        np.argsort(rng.permutation(n_p)),
        False,
    )


def test_a_sparse_instance_is_pruned_over_its_arc_list() -> None:
    """A tenth of P × T eligible (300 000 pairs): the matrix passes would cost more than
    they save, so the candidates and the certificate are read from the arc list; the
    objective is the full graph's."""
    dense = sparse_dense(2_000, 1_500, 0.1, seed=7)
    n_pairs = int(dense.eligible.sum())
    assert n_pairs >= DEFAULT_PRUNING.min_sparse_arcs
    assert n_pairs < DEFAULT_PRUNING.min_density * dense.eligible.size
    full = solve_flow(dense.instance())
    run = solve_dense(dense, exact=True, pruning=DEFAULT_PRUNING)
    assert run.note is not None and "optimality certificate" in run.note
    assert run.flow.complete and run.flow.objective == full.objective
    assert run.inst.arc_p.size < 0.3 * n_pairs
    assert recomputed_objective(run.inst, run.flow.chosen) == full.objective


def test_a_small_sparse_instance_solves_the_full_graph() -> None:
    """Below `min_sparse_arcs` eligible pairs the flow on all of them is cheapest."""
    dense = sparse_dense(200, 200, 0.1, seed=3)
    assert int(dense.eligible.sum()) < DEFAULT_PRUNING.min_sparse_arcs
    run = solve_dense(dense, exact=True, pruning=DEFAULT_PRUNING)
    assert run.note is None and run.flow.complete
    assert run.inst.arc_p.size == int(dense.eligible.sum())


SCRIPT = """
import json, sys
sys.path.insert(0, sys.argv[1])
from test_pruning import FORCE, dense_problem
from vividshift.engine import solve
r = solve(dense_problem(60, 12, seed=int(sys.argv[2])), pruning=FORCE)
print(json.dumps([r.objective, r.notes, [[a.participant_id, a.target_id] for a in r.assignments]]))
"""


def test_pruned_result_is_the_same_in_a_fresh_process() -> None:
    here = solve(dense_problem(60, 12, seed=5), pruning=FORCE)
    assert rounds(next(n for n in here.notes if "pruned" in n)) >= 1
    folder = str(Path(__file__).parent)
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT, folder, "5"], capture_output=True, text=True, check=True
    )
    objective, notes, pairs = json.loads(out.stdout)
    assert objective == here.objective and tuple(notes) == here.notes
    assert pairs == [[a.participant_id, a.target_id] for a in here.assignments]


def test_both_ways_to_the_potentials_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    """Numpy Bellman-Ford (used first) and the shortest-path-tree flow (used when paths
    are long) give the same verified potentials."""
    rng = np.random.default_rng(7)
    for _ in range(60):
        n_p, n_t = int(rng.integers(3, 30)), int(rng.integers(1, 8))
        dense = build_dense(
            rng.random((n_p, n_t)) < 0.8,
            np.zeros((n_p, n_t), dtype=np.int32),
            rng.integers(0, 50, size=(n_p, n_t)),
            np.sort(rng.integers(0, 30, size=(n_p, 2)), axis=1),
            rng.integers(0, 3, size=n_t),
            rng.integers(1, 3, size=n_p),
            np.argsort(rng.permutation(n_p)),
            False,
        )
        inst = dense.instance()
        quick = solve_flow(inst, potentials=True)
        with monkeypatch.context() as m:
            m.setattr(flow_module, "_relaxed_distances", lambda *args: None)
            tree = solve_flow(inst, potentials=True)
        assert quick.complete == tree.complete
        if quick.complete:
            assert quick.potentials is not None and tree.potentials is not None
            assert (quick.potentials.participant == tree.potentials.participant).all()
            assert (quick.potentials.target == tree.potentials.target).all()
        else:
            assert quick.potentials is None and tree.potentials is None


def test_a_sparse_subset_that_cannot_place_everyone_is_widened_once() -> None:
    """Both places' cheapest person is x (who takes one place): the first subset (each
    target's cheapest arc alone) is short, twice the candidates place everyone, and the
    certificate proves that optimal for every arc."""
    n_p, n_t = 3, 2
    cost = np.array([[0, 0], [50, 60], [70, 40]])  # x, y, z
    dense = build_dense(
        np.ones((n_p, n_t), dtype=bool),
        np.zeros((n_p, n_t), dtype=np.int32),
        cost,
        np.zeros((n_p, 1), dtype=np.int64),
        np.ones(n_t, dtype=np.int64),
        np.ones(n_p, dtype=np.int64),
        np.arange(n_p),
        False,
    )
    inst = dense.instance()
    narrow = Candidates(per_target=0.0, extra=1, per_participant=-1, max_rounds=4, max_share=1)
    pruned = prune_arcs(inst, narrow, exact=True)
    assert pruned is not None and pruned.rounds == 2
    assert pruned.flow.objective == solve_flow(inst).objective == 40  # x on A, z on B
    no_rounds_left = prune_arcs(inst, replace(narrow, max_rounds=1), exact=True)
    assert no_rounds_left is None


@settings(max_examples=200, deadline=None, database=None)
@given(
    st.integers(1, 6),
    st.lists(st.tuples(st.integers(0, 5), st.integers(-3, 3), st.integers(0, 40)), max_size=40),
    st.lists(st.integers(0, 4), min_size=6, max_size=6),
    st.sampled_from([1, 2**40, 2**60]),
)
# Keys and ties in opposite orders, packed (2**40) and by lexsort (2**60).
@example(2, [(0, 3, 1), (0, 1, 2), (1, 2, 0), (1, -1, 5), (1, 0, 3)], [1, 2, 0, 0, 0, 0], 2**40)
@example(2, [(0, 3, 1), (0, 1, 2), (1, 2, 0), (1, -1, 5), (1, 0, 3)], [1, 2, 0, 0, 0, 0], 2**60)
def test_each_groups_first_arcs_are_its_smallest_keys(
    n_groups: int, arcs: list[tuple[int, int, int]], want: list[int], scale: int
) -> None:
    """The candidates' selection (packed into one integer, or by `lexsort` when costs are
    too large for that) against sorting each group's (key, tie) in Python."""
    arcs = [(g % n_groups, k, tie) for g, k, tie in arcs]
    ties = {}
    for g, k, tie in arcs:  # distinct ties within a group, as ranks are
        ties.setdefault((g, tie), (g, k, tie))
    arcs = list(ties.values())
    group = np.array([g for g, _, _ in arcs], dtype=np.int64)
    key = np.array([k * scale for _, k, _ in arcs], dtype=np.int64)
    tie = np.array([t for _, _, t in arcs], dtype=np.int64)
    wanted = np.array(want[:n_groups], dtype=np.int64)
    got = first_of_groups(group, n_groups, key, tie, wanted)
    expected = np.zeros(len(arcs), dtype=bool)
    for g in range(n_groups):
        mine = sorted((k, t, i) for i, (gg, k, t) in enumerate(arcs) if gg == g)
        for _, _, i in mine[: wanted[g]]:
            expected[i] = True
    assert got.tolist() == expected.tolist()
