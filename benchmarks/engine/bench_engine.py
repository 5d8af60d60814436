"""Engine benchmark: exact min-cost flow vs CP-SAT on the same instances, the pruned
flow vs the unpruned one on dense instances (every pair eligible), and the
predecessor's greedy failure rate on tight lodge-like rotations.

    .venv/bin/python benchmarks/engine/bench_engine.py [--quick]

Both solvers get the very same arcs and integer costs (`compile_instance`); CP-SAT
runs with 2 workers and a time limit (given in the table). Times are wall-clock on
this machine; "ours" includes building scores and arcs from the Problem. On dense
instances "ours" (the default `solve`: a subset of the pairs, proven optimal for all
by reduced costs) runs next to `solve(..., pruning=None)` (the flow on every pair);
both objectives are printed and must be equal.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time

import numpy as np

from vividshift.engine import (
    GreedyFailed,
    GroupExclusion,
    History,
    Infeasible,
    Instance,
    NoRepeat,
    Participant,
    Problem,
    Shortage,
    Target,
    ValidatorSpec,
    compile_instance,
    greedy_assign,
    solve,
)

SIZES = [(200, 20, 8, 20.0), (2_000, 50, 8, 45.0), (10_000, 1_000, 40, 30.0)]
DENSE_SIZES = [(2_000, 200), (10_000, 1_000)]


def assignment_problem(n_people: int, n_targets: int, n_skills: int, seed: int) -> Problem:
    """People with 3 skills and 2 runs of history; targets need 1–2 skills (hard)."""
    rng = random.Random(seed)
    skills = [f"s{k}" for k in range(n_skills)]
    tids = [f"t{j}" for j in range(n_targets)]
    people = tuple(
        Participant(
            f"p{i}",
            skills=frozenset(rng.sample(skills, 3)),
            preferences={"preferred_targets": rng.sample(tids, 2)},
        )
        for i in range(n_people)
    )
    needs = [frozenset(rng.sample(skills, 1 if j % 2 else 2)) for j in range(n_targets)]
    wanted = [max(1, int(0.3 * sum(n <= p.skills for p in people))) for n in needs]
    shrink = min(1.0, 0.8 * n_people / sum(wanted))  # fill at most 80 % of the people
    demand = [
        Target(tid, required_count=max(1, int(w * shrink)), required_skills=n)
        for tid, w, n in zip(tids, wanted, needs, strict=True)
    ]
    history = History.from_recent({p.id: rng.sample(tids, 2) for p in people})
    return Problem(
        people,
        tuple(demand),
        strategy="optimal",
        parameters={"skill_threshold": 1.0},
        history=history,
        seed=seed,
    )


def compare(n_people: int, n_targets: int, n_skills: int, cp_limit: float) -> None:
    problem = assignment_problem(n_people, n_targets, n_skills, seed=n_people)
    arcs = compile_instance(problem).arc_p.size
    started = time.perf_counter()
    try:
        ours = solve(problem)
    except Infeasible as exc:
        print(f"{n_people}×{n_targets}: instance infeasible: {exc.message[:120]}")
        return
    ours_s = time.perf_counter() - started
    started = time.perf_counter()
    cp = solve(problem, method="cp_sat", time_limit_s=cp_limit, workers=2)
    cp_s = time.perf_counter() - started
    places = sum(t.required_count for t in problem.targets)
    same = "yes" if cp.objective == ours.objective else "no"
    print(
        f"| {n_people}×{n_targets} | {places} | {arcs} | {ours_s * 1e3:.0f} ms "
        f"(solve {ours.timings.solve_ms:.0f}) | {ours.objective} | {ours.status} "
        f"| {cp_s * 1e3:.0f} ms (limit {cp_limit:.0f} s) | {cp.objective} | {cp.status} "
        f"| {same} | {cp_s / ours_s:.0f}× |"
    )


def dense_problem(n_people: int, n_targets: int, graded: bool, seed: int = 0) -> Problem:
    """Every pair eligible: skills only weigh (strategy `optimal`, skill_threshold 0), 8
    places per target, 2 runs of history. As `bench_generate.py --dense`: people have 3
    of 30 skills, targets need 1; `graded`: skill levels and preferences are random
    numbers instead (few equal costs: the certificate usually needs more rounds)."""
    rng = random.Random(seed)
    skills = [f"s{k}" for k in range(30)]
    tids = [f"t{j}" for j in range(n_targets)]
    people = []
    for i in range(n_people):
        own = [f"s{i % 30}", f"s{(i // 30) % 30}", f"s{(i * 7) % 30}"]
        levels = {s: rng.random() for s in own} if graded else {}
        prefs = {"targets": {t: rng.random() for t in rng.sample(tids, 5)}} if graded else {}
        people.append(
            Participant(f"p{i}", skills=frozenset(own), skill_levels=levels, preferences=prefs)
        )
    targets = tuple(
        Target(t, required_count=8, required_skills=frozenset({skills[j % 30]}))
        for j, t in enumerate(tids)
    )
    places = 8 * n_targets
    history = History.from_recent(
        {
            p.id: [tids[(k + 7) % n_targets], tids[k % n_targets]]
            for k, p in enumerate(people)
            if k < places
        }
    )
    return Problem(
        tuple(people),
        targets,
        strategy="optimal",
        parameters={"skill_threshold": 0.0},
        history=history,
        seed=seed,
    )


def compare_dense(n_people: int, n_targets: int, graded: bool) -> None:
    problem = dense_problem(n_people, n_targets, graded)
    started = time.perf_counter()
    ours = solve(problem)
    ours_s = time.perf_counter() - started
    started = time.perf_counter()
    full = solve(problem, pruning=None)
    full_s = time.perf_counter() - started
    note = next((n for n in ours.notes if "certificate" in n), "not pruned")
    kept = note.split(": ", 1)[-1]
    same = "yes" if ours.objective == full.objective else "NO"
    print(
        f"| {n_people}×{n_targets} {'graded' if graded else 'ties'} | {n_people * n_targets} "
        f"| {ours_s * 1e3:.0f} ms (solve {ours.timings.solve_ms:.0f}) | {kept} "
        f"| {ours.objective} | {ours.status} | {full_s * 1e3:.0f} ms "
        f"(solve {full.timings.solve_ms:.0f}) | {full.objective} | {same} "
        f"| {full_s / ours_s:.1f}× |"
    )


CHORES = {
    "Parlor": 5,
    "Frontyard": 3,
    "Backyard": 1,
    "Tank": 2,
    "Toilet B": 4,
    "Toilet A": 2,
    "Bin": 1,
}


def lodge_like(scale: int, unable: int, rng: random.Random) -> Problem | None:
    """The lodge × scale, made tight: groups A/B (8:10 per 18), two past rotations
    drawn under the house's rules, and each resident unable to do `unable` random
    chores (a chore requires the skill named after it). None if the past fails."""
    groups = ["A"] * (8 * scale) + ["B"] * (10 * scale)
    chores = {c: n * scale for c, n in CHORES.items()}
    people = tuple(
        Participant(
            f"r{i}", group=g, skills=frozenset(chores) - set(rng.sample(list(chores), unable))
        )
        for i, g in enumerate(groups)
    )
    targets = tuple(
        Target(c, required_count=n, required_skills=frozenset({c})) for c, n in chores.items()
    )
    rules = (
        GroupExclusion("A", frozenset({"Toilet B"})),
        GroupExclusion("B", frozenset({"Toilet A"})),
    )
    no_repeat = NoRepeat(window=2, per_target={"Toilet B": 1}, relax_if_infeasible=False)
    recent: dict[str, list[str]] = {p.id: [] for p in people}
    for _ in range(2):
        past = Problem(
            people,
            targets,
            strategy="random_assignment",
            constraints=(*rules, NoRepeat(window=2, per_target={"Toilet B": 1})),
            history=History.from_recent(recent),
            seed=rng.randrange(2**31),
            # The past was drawn before the residents' limits: skills do not bind it.
            validators=(ValidatorSpec("skill_matching", {"required_match": False}),),
        )
        try:
            for a in solve(past).assignments:
                recent[a.participant_id].insert(0, a.target_id)
        except Infeasible:
            return None
    return Problem(
        people,
        targets,
        strategy="optimal",
        parameters={"skill_threshold": 1.0},
        constraints=(*rules, no_repeat),
        history=History.from_recent(recent),
        seed=rng.randrange(2**31),
    )


def greedy_failure_rate(scale: int, unable: int, draws: int) -> None:
    """Run both on every draw. Our Infeasible must carry a Hall certificate that holds
    (checked here on the arcs); a draw the greedy solves but we call infeasible would
    count as our failure."""
    rng = random.Random(1000 * scale + unable)
    feasible = proven = greedy_failed = ours_failed = 0
    greedy_ms = ours_ms = 0.0
    for draw in range(draws):
        problem = lodge_like(scale, unable, rng)
        if problem is None:
            continue
        inst = compile_instance(problem)
        allowed = np.zeros((inst.n_participants, inst.n_targets), dtype=bool)
        allowed[inst.arc_p, inst.arc_t] = True
        started = time.perf_counter()
        try:
            greedy_assign(allowed, inst.required.tolist(), max_attempts=500, seed=draw)
            greedy_ok = True
        except GreedyFailed:
            greedy_ok = False
        greedy_ms += (time.perf_counter() - started) * 1e3
        started = time.perf_counter()
        try:
            result = solve(problem)
            assert result.status == "optimal" and all(v.passed for v in result.validation)
            feasible += 1
            greedy_failed += not greedy_ok
        except Infeasible as exc:
            ours_failed += greedy_ok
            proven += all(_certified(inst, problem, s) for s in exc.shortages)
        ours_ms += (time.perf_counter() - started) * 1e3
    n = max(feasible, 1)
    print(
        f"| {18 * scale} residents, {unable} ruled out each | {feasible} | {proven} "
        f"| {greedy_failed} ({greedy_failed / n:.0%}) | {greedy_ms / draws:.1f} ms "
        f"| {ours_failed} | {ours_ms / draws:.1f} ms |"
    )


def _certified(inst: Instance, problem: Problem, shortage: Shortage) -> bool:
    """Hall's condition fails for the shortage's targets, recomputed from the arcs."""
    index = {t.id: j for j, t in enumerate(problem.targets)}
    cols = [index[t] for t in shortage.targets]
    eligible = np.unique(inst.arc_p[np.isin(inst.arc_t, cols)])
    required = int(inst.required[cols].sum())
    return shortage.required == required > eligible.size == shortage.eligible_count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="skip the 10 000 × 1 000 case")
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores\n")
    print(
        "| size (P×T) | places | arcs | ours (min_cost_flow) | objective | status "
        "| CP-SAT | objective | status | same objective | CP-SAT / ours |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for n_people, n_targets, n_skills, limit in SIZES[:2] if args.quick else SIZES:
        compare(n_people, n_targets, n_skills, limit)
    print("\nDense instances (every pair eligible): pruned flow with an optimality")
    print("certificate (ours) vs the flow on every pair, same run:\n")
    print(
        "| size (P×T) | pairs | ours | subset, certificate rounds | objective | status "
        "| unpruned flow | objective | same objective | unpruned / ours |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for n_people, n_targets in DENSE_SIZES[:1] if args.quick else DENSE_SIZES:
        for graded in (False, True):
            compare_dense(n_people, n_targets, graded)
    print("\nGreedy (predecessor: most constrained first, random pick, 500 restarts) on")
    print("tight lodge-like rotations; every draw runs both, times are per draw:\n")
    print(
        "| house | feasible | proven infeasible | greedy failures on feasible | greedy time "
        "| our failures | our time |"
    )
    print("|---|---|---|---|---|---|---|")
    for scale, unable, draws in ((1, 2, 300), (3, 1, 150), (3, 2, 150), (6, 1, 80), (6, 2, 80)):
        greedy_failure_rate(scale, unable, draws)


if __name__ == "__main__":
    main()
