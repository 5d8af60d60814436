"""The fast infeasibility path (a plain maximum flow, on a subset of the pairs proven
maximum for all, with the cut found by vectorised graph search) names the same
shortages as the full one: OR-Tools' min-cost max-flow on every pair, with the cut
read off by the straightforward search below (the engine's previous code)."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from vividshift.engine import (
    History,
    Infeasible,
    Instance,
    MaxAssignments,
    NoRepeat,
    Participant,
    Problem,
    Pruning,
    Target,
    compile_instance,
    solve,
)
from vividshift.engine.eligibility import capacity_of
from vividshift.engine.flow import FlowOutcome, solve_flow

SKILLS = ("a", "b", "c", "d")
# Prune however small the instance, from tiny candidate sets: the subset's flow is
# short far more often than the full graph's, so `_shortfall` must prove or grow it.
FORCE = Pruning(
    min_arcs=0,
    min_density=0.0,
    per_target=0.0,
    extra=1,
    per_participant=0,
    max_rounds=100,
    max_share=1,
)


@st.composite
def short_problems(draw: st.DrawFn) -> Problem:
    """Hard skills, few people: often more places than the qualified can fill."""
    n_t = draw(st.integers(1, 6))
    tids = [f"t{j}" for j in range(n_t)]
    targets = tuple(
        Target(
            t,
            required_count=draw(st.integers(0, 4)),
            required_skills=frozenset(draw(st.lists(st.sampled_from(SKILLS), max_size=2))),
        )
        for t in tids
    )
    people, recent = [], {}
    for i in range(draw(st.integers(1, 14))):
        skills = draw(st.lists(st.sampled_from(SKILLS), max_size=3))
        people.append(Participant(f"p{i}", skills=frozenset(skills)))
        recent[f"p{i}"] = draw(st.lists(st.sampled_from(tids), max_size=2))
    constraints: list = [MaxAssignments(draw(st.integers(1, 3)))]
    # Past turns, under a no-repeat rule that may not be relaxed (a relaxable one would
    # make the relaxed graph's cut the answer, a different instance from `inst` below).
    repeats = draw(st.booleans())
    if repeats:
        constraints.append(NoRepeat(window=1, relax_if_infeasible=False))
    return Problem(
        tuple(people),
        targets,
        strategy="optimal",
        parameters={"skill_threshold": 1.0},
        constraints=tuple(constraints),
        history=History.from_recent(recent if repeats else {}),
        seed=draw(st.integers(0, 99)),
    )


def reference_shortages(inst: Instance, flow: FlowOutcome) -> list[tuple[list[int], int, int]]:
    """(targets, places, supply) per Hall shortage, by the plain search over the arcs."""
    free_by_target: dict[int, list[int]] = {}
    used_by_person: dict[int, list[int]] = {}
    for p, t, used in zip(
        inst.arc_p.tolist(), inst.arc_t.tolist(), flow.chosen.tolist(), strict=True
    ):
        (used_by_person.setdefault(p, []) if used else free_by_target.setdefault(t, [])).append(
            t if used else p
        )
    short = np.nonzero(flow.filled < inst.required)[0].tolist()
    targets, people, queue = set(short), set(), [("t", t) for t in short]
    while queue:
        kind, node = queue.pop()
        if kind == "t":
            for p in free_by_target.get(node, ()):
                if p not in people:
                    people.add(p)
                    queue.append(("p", p))
        else:
            for t in used_by_person.get(node, ()):
                if t not in targets:
                    targets.add(t)
                    queue.append(("t", t))
    if not targets:
        return []
    parent = {t: t for t in targets}

    def root(t: int) -> int:
        while parent[t] != t:
            t = parent[t]
        return t

    first_target_of: dict[int, int] = {}
    for p, t in zip(inst.arc_p.tolist(), inst.arc_t.tolist(), strict=True):
        if t in targets:
            if p in first_target_of:
                parent[root(t)] = root(first_target_of[p])
            else:
                first_target_of[p] = t
    groups: dict[int, list[int]] = {}
    for t in sorted(targets):
        groups.setdefault(root(t), []).append(t)

    def shortage(group: list[int]) -> tuple[list[int], int, int] | None:
        inside = np.isin(inst.arc_t, group)
        counts = np.bincount(inst.arc_p[inside], minlength=inst.n_participants)
        supply = int(np.minimum(counts, inst.capacity).sum())
        places = int(inst.required[group].sum())
        return (group, places, supply) if places > supply else None

    found = [s for g in groups.values() if (s := shortage(g)) is not None]
    return found or [s for s in [shortage(sorted(targets))] if s is not None]


@settings(
    max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(short_problems(), st.sampled_from([FORCE, None]))
def test_fast_infeasibility_path_names_the_full_paths_shortages(
    problem: Problem, pruning: Pruning | None
) -> None:
    inst = compile_instance(problem)
    full = solve_flow(inst, exact=False)  # OR-Tools' max flow with min cost, every pair
    assume(not full.complete)
    expected = [
        (tuple(problem.targets[t].id for t in group), places, supply)
        for group, places, supply in reference_shortages(inst, full)
    ]
    try:
        solve(problem, pruning=pruning)
    except Infeasible as exc:
        places = sum(t.required_count for t in problem.targets)
        if places > len(problem.participants) * capacity_of(problem):
            event("refused by counting: places > people × max")  # no flow at all
            return
        got = [(s.targets, s.required, s.eligible_count) for s in exc.shortages]
        assert got == expected
        event(f"{len(got)} shortage(s), pruning {'forced' if pruning else 'off'}")
        return
    raise AssertionError("an instance the full flow cannot fill was solved")
