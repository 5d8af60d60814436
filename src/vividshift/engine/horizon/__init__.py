"""Planning K turns at once, and re-planning them with the fewest changes (OR-Tools CP-SAT).

    plan = plan_horizon(Horizon(base=problem, turns=(w1, w2, ...)), time_limit_s=10)

One model for the whole horizon, not K greedy runs:
- **Hard, every turn**: each target gets exactly `required_count` people, each person at
  most `MaxAssignments` places a turn (default 1), and only pairs the engine's one
  eligibility mechanism allows *in that turn's window* (`compute_eligibility` on the
  base problem with the turn as its window: skills, groups, weekday slots, absences,
  a target's `time_window` inside the turn). `Separate` pairs never share a target.
  Pinned places are fixed.
- **Soft, lexicographic** (each phase keeps the optimum of the one before it):
  1. re-planning only: the fewest *changes* — places of the published plan whose person
     leaves; this phase alone decides the proven minimum (`changes_proven`);
  2. the fewest repeats: a person on the same target in two turns less than the
     target's no-repeat window apart (default: consecutive turns), and into the turn
     before the horizon (`previous`);
  3. crowding (when a person may take several places a turn): places beyond the turn's
     places over the people present, rounded up — a second place only when needed;
  4. fairness: with `dev_p = load_p - fair_p`, the largest `dev_p` first, then the sum
     of `|dev_p|`; `fair_p` is `share_p - balance_p` rounded to whole effort units by
     largest remainders (summing to the horizon's effort, so 0 is the optimum when
     reachable and is proven as soon as it is found). `share_p` is person p's fair
     share of the horizon **prorated by presence**: each turn's effort divided among
     the people present in it (an absence overlapping the turn makes p absent), so
     someone away for half the horizon is expected to do half as much, and nobody
     owes a backlog. `balance_p` is what p did before the horizon beyond their own
     presence-prorated share of that history (`PriorLoad`).
  5. variety: a person's places spread over the targets (no one does the same chore
     all year while others never do it): the sum over (p, t) of places above p's
     share of t, rounded up.
  A plan first tries repeats and crowding as hard rules (propagated, not searched);
  only when that is infeasible are they minimised (phases 2–3). A re-plan always
  minimises them, after the changes.
- **Size**: one boolean per (person, target, turn) the eligibility allows — O(P·T·K);
  per (person, target, turn) with an allowed successor inside the no-repeat window,
  one clause (hard) or one indicator (soft); two deviation variables per person; one
  excess variable per (person, target) above its fair part. Variables and constraints
  grow linearly with the horizon K (K·(T + P) place and capacity rows plus the repeat
  rows); 20 × 7 × 26 is ~3 600 booleans, 200 × 20 × 52 ~200 000. The start plan is K
  flows of P + T nodes and ≤ P·T arcs each: linear in K too. Building the model in
  Python is linear but not free (~2.5 s at 200 000 booleans on a loaded machine).
- **Time**: `time_limit_s` bounds the whole call (eligibility, the start plan, building
  the model, every phase; 5 % is kept for reading the plan back). The start plan
  (`start.fair_start`, new plans without pins or people kept apart): the turns one by one,
  each an exact min-cost flow leaning toward who is furthest below their unrounded fair
  load per turn still present, never a repeat while avoidable — milliseconds a turn, and
  at 200 × 20 × 52 already at the fairness optimum. Otherwise the per-run exact flow turn
  by turn, or the published plan when re-planning. When the start plan keeps every hard
  rule it is the incumbent: every variable is hinted from it (its places fixed, the rest
  propagated), a phase whose objective it already has at 0 is not solved, and a phase
  the solver cannot improve in time (or only ties) keeps it, with the solver's bound.
  Before the phases, small models (≤ 20 000 place booleans) ask for the **ideal**: every
  phase's objective at 0 as one satisfaction problem, proven lexicographically optimal
  when found (20 × 7 × 26: one solve of ~0.1 s instead of three phases of ~3 s). The
  first phase may use 80 % of what is left, later phases share the rest; a phase that
  proves its optimum early passes its time on. The status is `optimal` when every phase
  proved its optimum, else `feasible`, with the last phase's bound and gap (a bound of 0
  is always valid: every objective is a sum of non-negative terms). When no plan is
  found in time and the start plan breaks a hard rule, the turn-by-turn plan is the
  answer if it keeps every hard rule (phase `turn_by_turn`), else HorizonTimeout.
"""

from vividshift.engine.horizon.model import (
    Horizon,
    HorizonInfeasible,
    HorizonResult,
    HorizonStatus,
    HorizonTimeout,
    PriorLoad,
    turn_problem,
)
from vividshift.engine.horizon.solve import plan_horizon

__all__ = [
    "Horizon",
    "HorizonInfeasible",
    "HorizonResult",
    "HorizonStatus",
    "HorizonTimeout",
    "PriorLoad",
    "plan_horizon",
    "turn_problem",
]
