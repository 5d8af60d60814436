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
  rows); 20 × 7 × 26 is ~3 600 booleans, 200 × 20 × 52 ~200 000.
- **Time**: `time_limit_s` bounds the whole call (eligibility, the start plan, building
  the model, every phase). The solver starts from a turn-by-turn plan (the per-run exact flow, each
  turn with the turns before it as history; the published plan when re-planning). The
  first phase may use 80 % of `time_limit_s` (it must find a plan), later phases share
  what is left; a phase that proves its optimum early passes its time on. The status
  is `optimal` when every phase proved its optimum, else `feasible`, with the last
  phase's bound and gap. When the solver finds no plan in time, the turn-by-turn plan is
  the answer if it keeps every hard rule (phase `turn_by_turn`, status `feasible`).
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
