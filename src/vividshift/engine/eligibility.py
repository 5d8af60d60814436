"""May participant P do target T in this run? The one answer every part of the engine uses.

Every strategy, both solvers, the validators (and through `validate_assignment` the
service's edits) read the matrices built here. The hard rules:
- group exclusions (constraints and the target's `excluded_groups`);
- availability (`availability`, in the house's time zone);
- required skills: P qualifies for T when the share of T's required skills P has,
  `len(required & skills) / len(required)`, reaches the strategy's threshold (1.0, all
  skills, unless `skill_based`/`optimal` set `skill_threshold`); a target without
  required skills takes everyone. A `skill_matching` validator with
  `required_match: false` makes this a preference (scores only). With a
  `fallback_strategy` (skill_based), a target too few otherwise eligible people qualify
  for drops the skill rule and is listed in `fallbacks`;
- no-repeat (`repeat_weight`, relaxable: see `constraints.NoRepeat`).
Each rule keeps its own mask so an infeasibility names who was ruled out and why, in
the same words as the validators (`Reasons`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from vividshift.engine.availability import (
    availability_matrices,
    calendar_of,
    schedule_of,
    target_windows,
    unavailability_reason,
)
from vividshift.engine.constraints import GroupExclusion, MaxAssignments, NoRepeat
from vividshift.engine.held_skills import HeldSkills, held_skills
from vividshift.engine.model import Participant, Problem, Target
from vividshift.engine.past import PastEntries, most_recent, past_entries

GROUP_RULE = "group rule"
UNAVAILABLE = "unavailable"
SKILL = "skill"
NO_REPEAT = "no-repeat"
NO_FALLBACK = "none"


@dataclass(frozen=True)
class SkillPolicy:
    """What a strategy makes of required skills."""

    threshold: float = 1.0  # share of required skills a person must have
    fallback: str = NO_FALLBACK  # strategy for targets too few qualify for


@dataclass(frozen=True)
class Eligibility:
    allowed: np.ndarray  # bool P × T: every hard rule except no-repeat
    repeat_weight: np.ndarray  # int32 P × T: 0 = not a recent repeat, else window - i
    excluded_by: dict[str, np.ndarray]  # rule → bool P × T of the pairs it forbids
    no_repeat: NoRepeat | None  # the effective rule (None: no history rule at all)
    policy: SkillPolicy
    unqualified: np.ndarray  # bool P × T: below the skill threshold (hard or not)
    fallbacks: tuple[int, ...]  # targets whose skill rule gave way to policy.fallback
    preferred_slot: np.ndarray  # bool P × T: the target's window meets a preferred slot
    past: PastEntries | None = None  # the history as arrays (scores read it too)
    held: HeldSkills | None = None  # the participants' required skills (scores read them)


def capacity_of(problem: Problem) -> int:
    """Max assignments per participant: the tightest `MaxAssignments`, default 1."""
    limits = [c.max for c in problem.constraints if isinstance(c, MaxAssignments)]
    return min(limits) if limits else 1


def skill_is_hard(problem: Problem) -> bool:
    """False when the run's skill_matching validator says `required_match: false`."""
    return all(
        v.parameters.get("required_match", True) is not False
        for v in problem.validators
        if v.name == "skill_matching"
    )


def unqualified_pairs(
    participants: Sequence[Participant],
    targets: Sequence[Target],
    threshold: float,
    held: HeldSkills | None = None,
) -> np.ndarray:
    """bool P × T: P has less than `threshold` of T's required skills (the skill rule).

    Computed once per distinct set of required skills (targets often share one) and
    row of `held` (people with the same skills share one).
    `held`: the participants' skills as arrays, when the caller has them."""
    held = held if held is not None else held_skills(participants, targets)
    sets: dict[frozenset[str], int] = {}
    column_set = np.array(
        [sets.setdefault(t.required_skills, len(sets)) for t in targets], dtype=np.int64
    )
    has = np.zeros((held.n_rows, len(held.index)), dtype=np.int16)
    has[held.entry_row, held.entry_skill] = 1
    per_set = np.zeros((held.n_rows, len(sets)), dtype=bool)
    for n, ks, skills in sets_by_size(sets, held.index):
        # The fewest skills reaching the share, found with the rule's own division,
        # so this is exactly `len(required & skills) / n >= threshold`.
        least = next((c for c in range(n + 1) if c / n >= threshold), n + 1)
        per_set[:, ks] = has[:, skills].sum(axis=2) < least
    return held.per_person(per_set, column_set)


def sets_by_size(
    sets: dict[frozenset[str], int], index: dict[str, int], chunk: int = 256
) -> list[tuple[int, np.ndarray, np.ndarray]]:
    """(n, set numbers, their skills' indices as sets × n, in sorted skill order) for
    the non-empty skill sets, grouped by size and chunked: one array operation per
    group instead of one per set."""
    by_size: dict[int, list[tuple[int, list[int]]]] = {}
    for required, k in sets.items():
        if required:
            by_size.setdefault(len(required), []).append((k, [index[s] for s in sorted(required)]))
    out = []
    for n, members in sorted(by_size.items()):
        for c0 in range(0, len(members), chunk):
            part = members[c0 : c0 + chunk]
            ks = np.array([k for k, _ in part], dtype=np.int64)
            skills = np.array([idx for _, idx in part], dtype=np.int64).reshape(len(part), n)
            out.append((n, ks, skills))
    return out


def compute_eligibility(
    problem: Problem, default_window: int, policy: SkillPolicy = SkillPolicy()
) -> Eligibility:
    """`default_window` is the strategy's no-repeat window when no rule is given."""
    participants, targets = problem.participants, problem.targets
    shape = (len(participants), len(targets))
    group_block = _group_block(problem)
    away, preferred = availability_matrices(problem, list(map(schedule_of, participants)))

    rule = _effective_no_repeat(problem, default_window)
    repeat = np.zeros(shape, dtype=np.int32)
    past = past_entries(problem)
    if rule is not None:
        limit = np.array([_window_of(rule, t.id, t.no_repeat_window) for t in targets])
        limit = limit.astype(np.int64).reshape(-1)
        person, target, run = most_recent(past, len(targets))
        recent = run < limit[target]  # the latest time counts, if inside the window
        repeat[person[recent], target[recent]] = limit[target[recent]] - run[recent]

    held = held_skills(participants, targets)
    unqualified = unqualified_pairs(participants, targets, policy.threshold, held)
    # The mask itself (no copy: one byte per pair less) unless a fallback edits it.
    skill_block = unqualified if skill_is_hard(problem) else np.zeros(shape, dtype=bool)
    fallbacks: tuple[int, ...] = ()
    if policy.fallback != NO_FALLBACK and skill_block.any():
        skill_block = skill_block.copy()
        others = ~(group_block | away) & (repeat == 0)
        required = np.array([t.required_count for t in targets], dtype=np.int64)
        short = ((others & ~skill_block).sum(axis=0) < required) & (others & skill_block).any(0)
        skill_block[:, short] = False
        fallbacks = tuple(np.nonzero(short)[0].tolist())

    blocked = np.logical_or(group_block, away)
    blocked |= skill_block  # in place: no P × T temporaries beyond `allowed` itself
    return Eligibility(
        allowed=np.logical_not(blocked, out=blocked),
        repeat_weight=repeat,
        excluded_by={
            UNAVAILABLE: away,
            SKILL: skill_block,
            GROUP_RULE: group_block,
            NO_REPEAT: repeat > 0,
        },
        no_repeat=rule,
        policy=policy,
        unqualified=unqualified,
        fallbacks=fallbacks,
        preferred_slot=preferred,
        past=past,
        held=held,
    )


def _group_block(problem: Problem) -> np.ndarray:
    """bool P × T: the pairs a group exclusion forbids (groups read only if there is one)."""
    participants, targets = problem.participants, problem.targets
    block = np.zeros((len(participants), len(targets)), dtype=bool)
    rules = [c for c in problem.constraints if isinstance(c, GroupExclusion)]
    if not rules and not any(t.excluded_groups for t in targets):
        return block
    t_index = {t.id: j for j, t in enumerate(targets)}
    groups = np.array([p.group or "" for p in participants], dtype=object)
    for exclusion in rules:
        for tid in exclusion.targets:
            if tid in t_index:
                block[groups == exclusion.group, t_index[tid]] = True
    for j, t in enumerate(targets):
        for g in t.excluded_groups:
            block[groups == g, j] = True
    return block


class Reasons:
    """Why a pair is ruled out, in a person's words, by the rules that built the masks."""

    def __init__(self, problem: Problem, eligibility: Eligibility) -> None:
        self.problem, self.eligibility = problem, eligibility
        self.calendar = calendar_of(problem)

    def unavailable(self, i: int, j: int) -> str:
        problem = self.problem
        windows = target_windows(problem, problem.targets[j])
        why = unavailability_reason(schedule_of(problem.participants[i]), windows, self.calendar)
        return why or "unavailable"

    def skill(self, i: int, j: int) -> str:
        person, target = self.problem.participants[i], self.problem.targets[j]
        missing = sorted(target.required_skills - person.skills)
        text = "lacks " + ", ".join(missing)
        if self.eligibility.policy.threshold < 1:
            have = len(target.required_skills) - len(missing)
            text += (
                f" (has {have} of {len(target.required_skills)} required skills, "
                f"needs {self.eligibility.policy.threshold:.0%})"
            )
        return text

    def group(self, i: int, j: int) -> str:
        return f"in group {self.problem.participants[i].group}"

    def repeat(self, i: int, j: int) -> str:
        target = self.problem.targets[j]
        runs = self.problem.history.of(self.problem.participants[i].id)
        ago = next((k + 1 for k, run in enumerate(runs) if target.id in run), 0)
        return f"did {target.label} last run" if ago == 1 else f"did {target.label} {ago} runs ago"

    def of(self, i: int, j: int, rules: Sequence[str]) -> list[str]:
        """The reasons among `rules` (names in `excluded_by`) that rule out (i, j)."""
        texts = {UNAVAILABLE: self.unavailable, SKILL: self.skill, GROUP_RULE: self.group}
        texts[NO_REPEAT] = self.repeat
        masks = self.eligibility.excluded_by
        return [texts[r](i, j) for r in rules if r in masks and masks[r][i, j]]


def _effective_no_repeat(problem: Problem, default_window: int) -> NoRepeat | None:
    rules = [c for c in problem.constraints if isinstance(c, NoRepeat)]
    if rules:
        return rules[-1]
    if default_window > 0 or any(t.no_repeat_window for t in problem.targets):
        return NoRepeat(window=default_window)
    return None


def _window_of(rule: NoRepeat, target_id: str, target_window: int | None) -> int:
    # Most specific first: the constraint's per-target entry, the target's own rule,
    # then the constraint's general window.
    if target_id in rule.per_target:
        return rule.per_target[target_id]
    if target_window is not None:
        return target_window
    return rule.window
