"""Engine benchmark: ours next to honest baselines on the very same arcs and integer
costs (`compile_instance`), same run, median of `--repeat` runs (default 5):

- the bare OR-Tools SimpleMinCostFlow on the engine's graph (arrays prebuilt: only
  adding arcs, solving and reading flows is timed) — "ours / bare" is the cost of
  everything around the solver, less what pruning saves (from 10 000 eligible pairs
  ours solves a subset of the arcs, proven optimal for all; the same objective is
  checked in every row);
- CP-SAT with the flow's answer as a hint, without it, and with a fixed work budget
  (deterministic time, 1 worker: the same budget on any machine), each with its gap
  to the optimum; HiGHS' LP (`highspy`, the `bench` extra) and scipy's
  `linear_sum_assignment` / `min_weight_full_bipartite_matching` where they apply;
- dense instances: the pruned flow vs the flow on every pair;
- infeasible instances: ours vs the previous method (min-cost max-flow on every pair,
  the cut searched in Python);
- a scaling table (time and peak memory per pair, each size in a fresh process);
- the predecessor's greedy failure rate on tight lodge-like rotations.

    .venv/bin/python benchmarks/engine/bench_engine.py [--quick] [--repeat 5]
        [--baseline-src DIR [--rounds 2]]

With `--baseline-src` (a copy of the project before a change, e.g. `git archive main |
tar -x -C /tmp/before`), only the sparse table runs: each size in child processes, the
copy's engine (its `src` first on PYTHONPATH) and ours alternately, `--rounds` times,
and "before → after" printed for ours / bare on both clocks.

A baseline that cannot run on an instance says why in its cell. The machine may be
shared: compare ratios within one run, not absolute times across runs.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from baselines import (
    NotApplicable,
    bare_flow,
    graph,
    highs_banner,
    highs_lp,
    scipy_lsa,
    scipy_sparse_matching,
)

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
    SolveResult,
    Target,
    ValidatorSpec,
    compile_instance,
    greedy_assign,
    solve,
)
from vividshift.engine.cpsat import solve_cp_sat
from vividshift.engine.flow import FlowOutcome, solve_flow

# Sparse sizes from 1e3 to 1e7 P × T pairs (the first three are --quick).
SIZES = [
    (100, 10, 6, 10.0),
    (200, 20, 8, 20.0),
    (2_000, 50, 8, 45.0),
    (10_000, 100, 16, 30.0),
    (10_000, 1_000, 40, 30.0),
]
WORK_BUDGET = 5.0  # CP-SAT deterministic time, 1 worker
REPEAT = 5


def median_time(run: Callable[[], object], repeat: int) -> tuple[float, object]:
    """(median seconds over `repeat` runs after one untimed warm-up, the last result)."""
    times, out = [], run()
    for _ in range(repeat):
        started = time.perf_counter()
        out = run()
        times.append(time.perf_counter() - started)
    return statistics.median(times), out


def cell(run: Callable[[], int], optimum: int | None, repeat: int = 1) -> str:
    """ "12 ms, 78 900 (gap 0.0 %)" or "n/a: why"."""
    try:
        seconds, value = median_time(run, repeat)
    except NotApplicable as exc:
        return f"n/a: {exc}"
    gap = ""
    if optimum is not None and isinstance(value, int):
        gap = f" (gap {100 * (value - optimum) / max(abs(optimum), 1):.1f} %)"
    return f"{seconds * 1e3:.0f} ms, {value}{gap}"


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


def paired_medians(
    ours: Callable[[], object], bare: Callable[[], object], repeat: int
) -> tuple[dict[str, float], dict[str, float], list[object]]:
    """({clock: median seconds} of `ours`, of `bare`, ours' results) for the wall clock
    and the thread's CPU time (what a load from elsewhere on the machine disturbs
    least): run alternately after one warm-up each, so such a load weighs on both."""
    ours(), bare()
    times: dict[str, dict[str, list[float]]] = {"ours": {}, "bare": {}}
    results = []
    for _ in range(repeat):
        for name, run in (("ours", ours), ("bare", bare)):
            wall, cpu = time.perf_counter(), time.thread_time()
            out = run()
            times[name].setdefault("cpu", []).append(time.thread_time() - cpu)
            times[name].setdefault("wall", []).append(time.perf_counter() - wall)
            if name == "ours":
                results.append(out)
    ours_s, bare_s = ({k: statistics.median(v) for k, v in times[n].items()} for n in times)
    return ours_s, bare_s, results


def compare(n_people: int, n_targets: int, n_skills: int, cp_limit: float, repeat: int) -> None:
    problem = assignment_problem(n_people, n_targets, n_skills, seed=n_people)
    inst = compile_instance(problem)
    arrays = graph(inst)
    try:
        ours_s, bare_s, results = paired_medians(
            lambda: solve(problem), lambda: bare_flow(inst, arrays), repeat
        )
    except Infeasible as exc:
        print(f"| {n_people}×{n_targets} | instance infeasible: {exc.message[:100]} |")
        return
    runs = [r for r in results if isinstance(r, SolveResult)]
    ours = runs[-1]
    bare = bare_flow(inst, arrays)
    places = sum(t.required_count for t in problem.targets)
    same = "yes" if bare == ours.objective else "NO"
    split = " / ".join(
        f"{statistics.median(getattr(r.timings, k) for r in runs):.1f}"
        for k in ("prepare_ms", "solve_ms", "validate_ms")
    )
    print(
        f"| {n_people}×{n_targets} | {places} | {inst.arc_p.size} "
        f"| {ours_s['wall'] * 1e3:.1f} ms ({split}) | {bare_s['wall'] * 1e3:.1f} ms "
        f"| {ours_s['wall'] / bare_s['wall']:.2f}× | {ours_s['cpu'] / bare_s['cpu']:.2f}× "
        f"| {ours.objective} | {same} |"
    )
    _BASELINE_ROWS.append((problem, inst, ours, cp_limit))


def sparse_one(n_people: int, n_targets: int, n_skills: int, repeat: int) -> None:
    """Child process: ours / bare on one sparse size, printed as four numbers (wall and
    CPU ratio, ours' and bare's CPU ms) for `before_after`."""
    problem = assignment_problem(n_people, n_targets, n_skills, seed=n_people)
    inst = compile_instance(problem)
    arrays = graph(inst)
    ours, bare, _ = paired_medians(lambda: solve(problem), lambda: bare_flow(inst, arrays), repeat)
    wall, cpu = ours["wall"] / bare["wall"], ours["cpu"] / bare["cpu"]
    print(wall, cpu, ours["cpu"] * 1e3, bare["cpu"] * 1e3)


def before_after(
    baseline_src: str, sizes: list[tuple[int, int, int, float]], args: argparse.Namespace
) -> None:
    """The sparse table for the baseline copy and for this tree, in the same run."""
    trees = {"before": str(Path(baseline_src).resolve() / "src"), "after": None}
    print("| size (P×T) | ours / bare (wall) | ours / bare (CPU) | ours CPU ms | bare CPU ms |")
    print("|---|---|---|---|---|")
    for n_people, n_targets, n_skills, _ in sizes:
        found: dict[str, list[list[float]]] = {"before": [], "after": []}
        for _ in range(args.rounds):
            for name, src in trees.items():
                env = dict(os.environ)
                if src is not None:
                    env["PYTHONPATH"] = src
                argv = [sys.executable, __file__, "--sparse-one"]
                argv += [str(x) for x in (n_people, n_targets, n_skills, args.repeat)]
                out = subprocess.run(argv, env=env, capture_output=True, text=True, check=True)
                found[name].append([float(x) for x in out.stdout.split()])
        b, a = ([statistics.median(col) for col in zip(*found[n], strict=True)] for n in trees)
        print(
            f"| {n_people}×{n_targets} | {b[0]:.2f}× → {a[0]:.2f}× | {b[1]:.2f}× → {a[1]:.2f}× "
            f"| {b[2]:.1f} → {a[2]:.1f} | {b[3]:.1f} → {a[3]:.1f} |"
        )


_BASELINE_ROWS: list[tuple[Problem, Instance, SolveResult, float]] = []


def baselines_table() -> None:
    """Other exact methods (one run each: they are the slow side) on the same arcs."""
    for problem, inst, ours, cp_limit in _BASELINE_ROWS:
        baseline_row(problem, inst, ours, cp_limit)


def baseline_row(problem: Problem, inst: Instance, ours: SolveResult, cp_limit: float) -> None:
    opt = ours.objective
    flow: FlowOutcome = solve_flow(inst)

    def cp(hint: bool, workers: int, work: float | None) -> Callable[[], int]:
        def run() -> int:
            out = solve_cp_sat(
                inst,
                (),
                time_limit_s=cp_limit,
                workers=workers,
                seed=problem.seed,
                hint=flow.chosen if hint else None,
                work_limit=work,
            )
            if out.objective is None:
                raise NotApplicable(f"CP-SAT {out.status}, no solution")
            return out.objective

        return run

    limit = f"{cp_limit:.0f} s"
    print(
        f"| {inst.n_participants}×{inst.n_targets} | {opt} "
        f"| {cell(cp(True, 2, None), opt)} | {cell(cp(False, 2, None), opt)} "
        f"| {cell(cp(False, 1, WORK_BUDGET), opt)} | {limit} "
        f"| {cell(lambda: highs_lp(inst, 120.0), opt)} | {cell(lambda: scipy_lsa(inst), opt)} "
        f"| {cell(lambda: scipy_sparse_matching(inst), opt)} |"
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


def compare_dense(n_people: int, n_targets: int, graded: bool, repeat: int) -> None:
    problem = dense_problem(n_people, n_targets, graded)
    ours_s, ours = median_time(lambda: solve(problem), repeat)
    full_s, full = median_time(lambda: solve(problem, pruning=None), repeat)
    inst = compile_instance(problem)
    arrays = graph(inst)
    bare_s, bare = median_time(lambda: bare_flow(inst, arrays), repeat)
    assert isinstance(ours, SolveResult) and isinstance(full, SolveResult)
    note = next((n for n in ours.notes if "certificate" in n), "not pruned")
    kept = note.split(": ", 1)[-1]
    same = "yes" if ours.objective == full.objective == bare else "NO"
    print(
        f"| {n_people}×{n_targets} {'graded' if graded else 'ties'} | {n_people * n_targets} "
        f"| {ours_s * 1e3:.0f} ms (solve {ours.timings.solve_ms:.0f}) | {kept} "
        f"| {ours.objective} | {full_s * 1e3:.0f} ms | {bare_s * 1e3:.0f} ms | {same} "
        f"| {full_s / ours_s:.1f}× | {bare_s / ours_s:.1f}× |"
    )


def short_problem(n_people: int, n_targets: int, holders: int) -> Problem:
    """Every pair eligible but for 5 targets needing a skill only `holders` people have
    (8 places each): infeasible, and not by counting (places < people)."""
    people = tuple(
        Participant(f"p{i}", skills=frozenset({"rare"} if i < holders else {"common"}))
        for i in range(n_people)
    )
    targets = tuple(
        Target(f"t{j}", required_count=8, required_skills=frozenset({"rare"} if j < 5 else ()))
        for j in range(n_targets)
    )
    return Problem(people, targets, strategy="optimal", parameters={"skill_threshold": 1.0})


def previous_method(problem: Problem) -> list[tuple[list[int], int]]:
    """Before: min-cost max-flow (OR-Tools) on every pair, then the residual search and
    Hall groups in Python over every arc (targets and supply of each shortage)."""
    inst = compile_instance(problem)
    flow = solve_flow(inst, exact=False)
    free_by_target: dict[int, list[int]] = {}
    used_by_person: dict[int, list[int]] = {}
    for p, t, used in zip(
        inst.arc_p.tolist(), inst.arc_t.tolist(), flow.chosen.tolist(), strict=True
    ):
        if used:
            used_by_person.setdefault(p, []).append(t)
        else:
            free_by_target.setdefault(t, []).append(p)
    short = np.nonzero(flow.filled < inst.required)[0].tolist()
    targets, people, queue = set(short), set(), [("t", t) for t in short]
    while queue:
        kind, node = queue.pop()
        onward = free_by_target if kind == "t" else used_by_person
        seen = people if kind == "t" else targets
        for nxt in onward.get(node, ()):
            if nxt not in seen:
                seen.add(nxt)
                queue.append(("p" if kind == "t" else "t", nxt))
    group = sorted(targets)
    inside = np.isin(inst.arc_t, group)
    counts = np.bincount(inst.arc_p[inside], minlength=inst.n_participants)
    return [(group, int(np.minimum(counts, inst.capacity).sum()))]


def compare_infeasible(n_people: int, n_targets: int, holders: int, repeat: int) -> None:
    problem = short_problem(n_people, n_targets, holders)

    def ours() -> tuple[int, ...]:
        try:
            solve(problem)
        except Infeasible as exc:
            return tuple(s.eligible_count for s in exc.shortages)
        raise AssertionError("feasible")

    ours_s, found = median_time(ours, repeat)
    before_s, before = median_time(lambda: previous_method(problem), repeat)
    same = "yes" if list(found) == [supply for _, supply in before] else "NO"
    print(
        f"| {n_people}×{n_targets}, {holders} qualified for 40 places | {n_people * n_targets} "
        f"| {ours_s * 1e3:.0f} ms | {before_s * 1e3:.0f} ms | {same} | {before_s / ours_s:.1f}× |"
    )


def scale_one(pairs: int) -> None:
    """Child process: solve a dense instance of `pairs` pairs; print seconds and the
    peak memory above the problem's own (VmHWM reset after building it). A small
    instance (6 000 pairs, pruned like every size from 1e4) is solved first, so that
    lazily loaded modules and the allocator's first arenas — a fixed 1–2 MB, not per
    pair — are not charged to the instance measured."""
    solve(dense_problem(300, 20, graded=False))
    n_people = max(10, round((10 * pairs) ** 0.5))
    n_targets = max(1, round(pairs / n_people))
    problem = dense_problem(n_people, n_targets, graded=False)
    base = _status_kb("VmRSS")
    Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM to the current RSS
    started = time.perf_counter()
    solve(problem)
    seconds = time.perf_counter() - started
    peak = _status_kb("VmHWM")
    print(f"{n_people} {n_targets} {seconds} {(peak - base) * 1024}")


def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


def scaling_table(largest: int) -> None:
    sizes = [10**k for k in range(3, 8) if 10**k <= largest]
    rows = []
    for pairs in sizes:
        times, peaks = [], []
        for _ in range(3 if pairs < 10**7 else 1):
            out = subprocess.run(
                [sys.executable, __file__, "--scale-one", str(pairs)],
                capture_output=True,
                text=True,
                check=True,
            ).stdout.split()
            n_p, n_t, seconds, peak = int(out[0]), int(out[1]), float(out[2]), int(out[3])
            times.append(seconds)
            peaks.append(peak)
        real = n_p * n_t
        t, m = statistics.median(times), statistics.median(peaks)
        rows.append((real, t))
        print(
            f"| {n_p}×{n_t} | {real:,} | {t * 1e3:.0f} ms | {m / 2**20:.1f} MiB | {m / real:.1f} |"
        )
    if len(rows) >= 2:
        x, y = np.log([r[0] for r in rows]), np.log([r[1] for r in rows])
        slope = np.polyfit(x, y, 1)[0]
        print(f"\nFitted growth: time ∝ pairs^{slope:.2f} (least squares on log-log).")


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
    parser.add_argument("--quick", action="store_true", help="smaller sizes (a few minutes)")
    parser.add_argument("--repeat", type=int, default=REPEAT, help="runs per median")
    parser.add_argument("--baseline-src", help="a copy of the project, measured in the same run")
    parser.add_argument("--rounds", type=int, default=2, help="child runs per tree and size")
    parser.add_argument("--scale-one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--sparse-one", type=int, nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.scale_one:
        scale_one(args.scale_one)
        return
    if args.sparse_one:
        sparse_one(*args.sparse_one)
        return
    repeat = args.repeat
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, load average {load}")
    print(f"medians of {repeat} runs; compare ratios within this run")
    if args.baseline_src:
        sizes = SIZES[:3] if args.quick else SIZES
        print(f"\nSparse instances, ours / bare flow: {args.baseline_src} → this tree\n")
        before_after(args.baseline_src, sizes, args)
        return
    print(f"{highs_banner()}\n")
    print("Sparse instances (hard skills): ours (everything from the Problem) vs the bare")
    print("OR-Tools min-cost flow on the same graph (its arrays prebuilt; run alternately")
    print("with ours). Ours' split: prepare (eligibility, scores, costs) / solve (graph")
    print("arrays and flow) / placements and validation, in ms:\n")
    print(
        "| size (P×T) | places | arcs | ours (prepare / solve / rest) | bare OR-Tools flow "
        "| ours / bare (wall) | ours / bare (CPU) | objective | same objective |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for n_people, n_targets, n_skills, limit in SIZES[:3] if args.quick else SIZES:
        compare(n_people, n_targets, n_skills, limit, repeat)
    print("\nOther exact methods on the same arcs (one run each; gap to the optimum):\n")
    print(
        "| size | optimum | CP-SAT with the flow's hint | CP-SAT without hint "
        f"| CP-SAT, work budget {WORK_BUDGET:.0f} (1 worker) | CP-SAT time limit "
        "| HiGHS LP | scipy linear_sum_assignment | scipy min_weight_full_bipartite_matching |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    baselines_table()
    print("\nDense instances (every pair eligible): pruned flow with an optimality")
    print("certificate (ours) vs the flow on every pair and the bare OR-Tools flow:\n")
    print(
        "| size (P×T) | pairs | ours | subset, certificate rounds | objective "
        "| unpruned | bare flow (all pairs) | same objective | unpruned / ours | bare / ours |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for n_people, n_targets in DENSE_SIZES[:1] if args.quick else DENSE_SIZES:
        for graded in (False, True):
            compare_dense(n_people, n_targets, graded, repeat)
    print("\nInfeasible instances (not provable by counting): ours vs the previous method")
    print("(min-cost max-flow on every pair, the cut searched in Python):\n")
    print("| instance | pairs | ours | previous | same shortage | previous / ours |")
    print("|---|---|---|---|---|---|")
    for n_people, n_targets in [(2_000, 200)] if args.quick else [(2_000, 200), (10_000, 1_000)]:
        for holders in (3, 10):
            compare_infeasible(n_people, n_targets, holders, repeat)
    print("\nScaling (dense instances, each run in a fresh process; memory: peak above")
    print("the problem's own):\n")
    print("| size (P×T) | pairs | time | peak memory | bytes per pair |")
    print("|---|---|---|---|---|")
    scaling_table(10**6 if args.quick else 10**7)
    print("\nGreedy (predecessor: most constrained first, random pick, 500 restarts) on")
    print("tight lodge-like rotations; every draw runs both, times are per draw:\n")
    print(
        "| house | feasible | proven infeasible | greedy failures on feasible | greedy time "
        "| our failures | our time |"
    )
    print("|---|---|---|---|---|---|---|")
    draws = ((1, 2, 300), (3, 1, 150), (3, 2, 150), (6, 1, 80), (6, 2, 80))
    for scale, unable, n in draws[:2] if args.quick else draws:
        greedy_failure_rate(scale, unable, n)


if __name__ == "__main__":
    main()
