"""The vectorised preparation (history read once as arrays, scores and the no-repeat
weights filled by array writes, costs computed on the eligible pairs alone when few
are) gives exactly what the plain per-cell definitions below give, and the counting
proof of infeasibility answers before any score is computed."""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from random import Random
from unittest import mock

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vividshift.engine import (
    History,
    Infeasible,
    NoRepeat,
    Participant,
    Problem,
    Target,
    scoring,
    solve,
)
from vividshift.engine.held_skills import held_skills
from vividshift.engine.lazy_scores import values_at
from vividshift.engine.result import PairScore, Placement, placements_of
from vividshift.engine.scoring import NEUTRAL_PREFERENCE, Scores, SkillShare, compute_scores
from vividshift.engine.strategies import eligibility_for
from vividshift.engine.strategies.base import SCALE, SPARSE_SHARE, Weights, weighted_cost

SKILLS = ("a", "b", "c", "d")
LEVELS = st.sampled_from([0.0, 0.25, 0.5, 1.0, 1.5, -0.5])
# What a stored row may hold where the engine expects an id, a list or a number: rows
# written before the API checked these keys, or by another program.
JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.just(10**400),
    st.sampled_from([float("nan"), float("inf"), "0.5", "high", "t0"]),
    st.lists(st.sampled_from(["t0", 1]), max_size=2),
    st.dictionaries(st.sampled_from(["t0", "t1"]), st.integers(0, 1), max_size=2),
)


@st.composite
def problems(draw: st.DrawFn) -> Problem:
    """Skills with levels (some out of 0–1), explicit preferences, a history of any
    depth naming targets the problem no longer has, per-target no-repeat windows."""
    n_t = draw(st.integers(1, 6))
    tids = [f"t{j}" for j in range(n_t)]
    known = [*tids, "gone"]  # a target of past runs that is not in this problem
    targets = tuple(
        Target(
            t,
            required_count=draw(st.integers(0, 2)),
            required_skills=frozenset(draw(st.lists(st.sampled_from(SKILLS), max_size=3))),
            no_repeat_window=draw(st.one_of(st.none(), st.integers(0, 3))),
        )
        for t in tids
    )
    people, recent = [], {}
    for i in range(draw(st.integers(1, 8))):
        skills = draw(st.lists(st.sampled_from(SKILLS), max_size=4, unique=True))
        levels = {s: draw(LEVELS) for s in skills if draw(st.booleans())}
        prefs: dict = {}
        if draw(st.booleans()):
            value = st.one_of(st.sampled_from([0.0, 0.3, 2.0, 1]), JUNK)
            prefs["targets"] = {
                t: draw(value) for t in draw(st.lists(st.sampled_from(known), max_size=2))
            }
            ids = st.one_of(st.sampled_from(known), JUNK)
            prefs["preferred_targets"] = draw(st.lists(ids, max_size=2))
            prefs["avoided_targets"] = draw(st.lists(ids, max_size=2))
            for key in draw(st.lists(st.sampled_from(list(prefs)), max_size=2)):
                prefs[key] = draw(JUNK)  # the whole entry of the wrong kind
        people.append(
            Participant(f"p{i}", skills=frozenset(skills), skill_levels=levels, preferences=prefs)
        )
        runs = draw(st.lists(st.lists(st.sampled_from(known), max_size=2), max_size=4))
        if runs or draw(st.booleans()):
            recent[f"p{i}"] = runs
    window = draw(st.integers(0, 3))
    return Problem(
        tuple(people),
        targets,
        strategy="optimal",
        parameters={"skill_threshold": 0.0},
        constraints=(NoRepeat(window=window),),
        history=History.from_recent(recent),
    )


def reference_scores(problem: Problem) -> tuple[np.ndarray, ...]:
    """Rotation, skill, preference and past load, one cell at a time (the definitions)."""
    people, targets = problem.participants, problem.targets
    depth = problem.history.depth
    shape = (len(people), len(targets))
    rotation = np.ones(shape, dtype=np.float32)
    skill = np.ones(shape, dtype=np.float32)
    pref = np.full(shape, NEUTRAL_PREFERENCE, dtype=np.float32)
    load = np.zeros(len(people), dtype=np.int64)
    for i, p in enumerate(people):
        runs = problem.history.of(p.id)
        load[i] = sum(len(run) for run in runs)
        for j, t in enumerate(targets):
            latest = next((k for k, run in enumerate(runs) if t.id in run), None)
            if latest is not None:
                rotation[i, j] = latest / depth
            if t.required_skills:
                levels = [
                    np.float32(min(max(p.skill_level(s), 0.0), 1.0)) for s in t.required_skills
                ]
                skill[i, j] = min(max(sum(levels) / len(levels), 0.0), 1.0)
            # Only readable entries count: a map of finite numbers, lists of ids.
            values = p.preferences.get("targets")
            value = _number(values.get(t.id)) if isinstance(values, dict) else None
            if value is not None:
                pref[i, j] = min(max(value, 0.0), 1.0)
            if _listed(p.preferences.get("preferred_targets"), t.id):
                pref[i, j] = 1.0
            if _listed(p.preferences.get("avoided_targets"), t.id):
                pref[i, j] = 0.0
    return rotation, skill, pref, load


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        number = float(value)
    except OverflowError:  # an integer beyond a double
        return None
    return number if math.isfinite(number) else None


def _listed(ids: object, target: str) -> bool:
    return isinstance(ids, list) and any(i == target for i in ids if isinstance(i, str))


def reference_repeats(problem: Problem) -> np.ndarray:
    """window − k for a target done k runs ago (the latest time), within its window."""
    (rule,) = problem.constraints
    out = np.zeros((len(problem.participants), len(problem.targets)), dtype=np.int32)
    for i, p in enumerate(problem.participants):
        runs = problem.history.of(p.id)
        for j, t in enumerate(problem.targets):
            window = t.no_repeat_window if t.no_repeat_window is not None else rule.window
            latest = next((k for k, run in enumerate(runs) if t.id in run), None)
            if latest is not None and latest < window:
                out[i, j] = window - latest
    return out


@settings(max_examples=300, deadline=None, database=None)
@given(problems())
def test_vectorised_scores_and_repeats_equal_the_per_cell_definitions(problem: Problem) -> None:
    eligibility = eligibility_for(problem)
    scores = compute_scores(problem, eligibility.preferred_slot, eligibility.past)
    rotation, skill, pref, load = reference_scores(problem)
    np.testing.assert_array_equal(scores.rotation, rotation)
    np.testing.assert_allclose(scores.skill, skill, rtol=0, atol=1e-6)
    np.testing.assert_array_equal(scores.preference, pref)
    np.testing.assert_array_equal(scores.past_load, load)
    np.testing.assert_array_equal(eligibility.repeat_weight, reference_repeats(problem))
    # Without the arrays from eligibility, scores read the history themselves: the same.
    again = compute_scores(problem, eligibility.preferred_slot)
    np.testing.assert_array_equal(again.rotation, scores.rotation)
    np.testing.assert_array_equal(again.skill, scores.skill)


@settings(max_examples=200, deadline=None, database=None)
@given(problems(), st.randoms(use_true_random=False))
def test_scores_read_at_pairs_equal_the_whole_matrices(problem: Problem, rnd: Random) -> None:
    """Large instances read scores at the pairs they need (`lazy_scores`): at any pairs,
    and built whole, the values are those of the matrices small instances build."""
    eligibility = eligibility_for(problem)
    whole = compute_scores(problem, eligibility.preferred_slot, eligibility.past, eligibility.held)
    with mock.patch.object(scoring, "LAZY_FROM", 0):
        lazy = compute_scores(
            problem, eligibility.preferred_slot, eligibility.past, eligibility.held
        )
    size = whole.rotation.size
    shuffled = np.array(rnd.sample(range(size), k=size), dtype=np.int64)
    some = np.sort(shuffled[: rnd.randint(0, size)])  # increasing, as the arcs come
    for name in ("rotation", "skill", "preference"):
        matrix, read = getattr(whole, name), getattr(lazy, name)
        assert isinstance(matrix, np.ndarray)
        for flat in (shuffled, some):
            np.testing.assert_array_equal(values_at(read, flat), matrix.reshape(-1)[flat])
        np.testing.assert_array_equal(np.asarray(read), matrix)


@settings(
    max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(
    st.integers(1, 40),
    st.integers(1, 40),
    st.floats(0.0, 0.6),
    st.integers(0, 2**32 - 1),
    st.tuples(*[st.sampled_from([0.0, 0.1, 0.4, 1.0])] * 4),
)
def test_costs_on_the_eligible_pairs_alone_equal_the_full_matrix_there(
    n_p: int, n_t: int, density: float, seed: int, w: tuple[float, float, float, float]
) -> None:
    rng = np.random.default_rng(seed)
    shape = (n_p, n_t)
    # A neutral preference is one value seen as P × T (`scoring`): a third of the draws.
    neutral = np.broadcast_to(np.float32(NEUTRAL_PREFERENCE), shape)
    scores = Scores(
        rng.random(shape, dtype=np.float32),
        rng.random(shape, dtype=np.float32),
        rng.random(shape, dtype=np.float32) if seed % 3 else neutral,
        np.zeros(n_p, dtype=np.int64),
        rng.random(shape, dtype=np.float32) if seed % 2 else None,
    )
    where = rng.random(shape) < density
    weights = Weights(*w)
    full = weighted_cost(scores, weights)
    sparse = weighted_cost(scores, weights, where)
    np.testing.assert_array_equal(sparse[where], full[where])
    # Narrow integers (int32 when the weights allow), the plain float64 values exactly
    # (terms added in weighted_cost's order: rotation, skill, preference, fair share).
    rotation_w, balance_w, skill_w, preference_w = w
    plain = sum(
        wi * (1.0 - s.astype(np.float64))
        for wi, s in (
            (rotation_w, scores.rotation),
            (skill_w, scores.skill),
            (preference_w, scores.preference),
            (balance_w, scores.fair),
        )
        if wi and s is not None
    )
    np.testing.assert_array_equal(full, np.rint(SCALE * np.asarray(plain, dtype=np.float64)))
    assert full.dtype == np.int32
    if np.count_nonzero(where) < SPARSE_SHARE * where.size:
        assert not sparse[~where].any()  # never computed: left 0 (and never read)


class Unreadable(Mapping):
    """Preferences that fail when read: what shows whether scoring read them."""

    def __getitem__(self, key: str) -> object:
        raise RuntimeError("the preferences were read")

    def __iter__(self) -> Iterator[str]:
        return iter(["targets"])

    def __len__(self) -> int:
        return 1


def test_counting_proof_answers_before_any_score_is_read() -> None:
    """More places than people: `Infeasible` by counting, and the scores — here
    preferences that fail when read — are never computed."""
    people = tuple(Participant(f"p{i}", preferences=Unreadable()) for i in range(3))
    problem = Problem(people, (Target("t0", required_count=4),), strategy="optimal")
    with pytest.raises(Infeasible) as caught:
        solve(problem)
    (shortage,) = caught.value.shortages
    assert shortage.reason == "too few participants"
    assert (shortage.required, shortage.eligible_count) == (4, 3)
    # The same preferences with enough people are read, and fail.
    with pytest.raises(RuntimeError, match="preferences were read"):
        solve(Problem(people, (Target("t0", required_count=2),), strategy="optimal"))


def test_placements_built_in_bulk_equal_those_built_one_by_one() -> None:
    """Same fields, equality, hash and dict form as the dataclass constructors give."""
    columns = ([0.5, 1.0], [0.25, 0.0], [1.0, 0.75], [0.5, 0.5], [0.6, 0.55])
    bulk = placements_of(["p1", "p2"], ["t1", "t1"], [1, 2], *columns)
    one_by_one = tuple(
        Placement(pid, "t1", k + 1, PairScore(*(c[k] for c in columns)))
        for k, pid in enumerate(["p1", "p2"])
    )
    assert bulk == one_by_one
    assert [hash(b) for b in bulk] == [hash(o) for o in one_by_one]
    assert [b.score.to_dict() for b in bulk] == [o.score.to_dict() for o in one_by_one]
    assert bulk[1].confidence == 0.55
    with pytest.raises(AttributeError):
        bulk[0].position = 3  # type: ignore[misc]  # still frozen


def test_a_results_placements_are_its_columns_row_by_row_built_once() -> None:
    """`solve` returns columns; `assignments` are their rows as `Placement`s, built on
    first use and then kept (the same tuple on every read)."""
    people = tuple(Participant(f"p{i}", skills=frozenset({"a"})) for i in range(6))
    targets = (Target("t1", required_count=2), Target("t2", required_count=3))
    result = solve(Problem(people, targets, strategy="optimal", seed=3))
    c = result.columns
    rows = c.rows()
    expected = tuple(Placement(pid, tid, k, PairScore(*scores)) for pid, tid, k, *scores in rows)
    assert len(c) == 5 and result.assignments == expected
    assert result.assignments is result.assignments
    assert [a.position for a in result.assignments] == [1, 2, 1, 2, 3]


def test_people_with_the_same_skills_share_a_row_and_stated_levels_get_their_own() -> None:
    """The skill rule and scores are computed per row of `held_skills`, not per person:
    few rows for many people, and nobody's stated level leaks to anyone else."""
    people = [
        Participant(f"p{i}", skills=frozenset({"a", "b"} if i % 2 else {"a"})) for i in range(40)
    ]
    people.append(Participant("lvl", skills=frozenset({"a", "b"}), skill_levels={"b": 0.25}))
    targets = (
        Target("ab", required_skills=frozenset({"a", "b"})),
        Target("b", required_skills=frozenset({"b"})),
    )
    held = held_skills(people, targets)
    assert held.n_rows == 3
    assert len(set(held.row[:40].tolist())) == 2 and held.row[40] not in held.row[:40]
    problem = Problem(
        tuple(people), targets, strategy="optimal", parameters={"skill_threshold": 0.5}
    )
    eligibility = eligibility_for(problem)
    scores = compute_scores(problem, held=eligibility.held)
    assert scores.skill[40].tolist() == [0.625, 0.25] and scores.skill[1].tolist() == [1.0, 1.0]
    assert scores.skill[0].tolist() == [0.5, 0.0]
    assert eligibility.unqualified[0].tolist() == [False, True]  # half of a, b: enough at 0.5


def test_skill_scores_read_at_a_few_pairs_are_those_of_the_whole_matrix() -> None:
    """Read at fewer pairs than rows × sets, each pair's mean is summed on its own; it
    must round and bound exactly like the whole matrix: ten skills of level 1 sum to
    1.0000001 in float32 (bounded to 1), stated levels beyond 0–1 are clipped."""
    ten = frozenset("abcdefghij")
    people = (
        Participant("all", skills=ten),
        Participant("two", skills=frozenset("ab"), skill_levels={"a": 1.5, "b": -0.5}),
        Participant("none"),
    )
    targets = (
        Target("ten", required_skills=ten),
        Target("ab", required_skills=frozenset("ab")),
        Target("free"),
    )
    problem = Problem(people, targets, strategy="optimal")
    required = [t.required_skills for t in targets]
    whole = SkillShare(held_skills(people, targets), required).build()
    assert whole[0, 0] == 1.0 and whole[1, 1] == np.float32(0.5) and whole[2, 2] == 1.0
    for flat in range(whole.size):  # one pair at a time: fewer than rows × sets
        fresh = SkillShare(held_skills(people, targets), required)
        assert fresh.at(np.array([flat]))[0] == whole.reshape(-1)[flat], flat
    np.testing.assert_array_equal(compute_scores(problem).skill, whole)
