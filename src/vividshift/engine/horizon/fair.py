"""Fair share by presence: who is present in which turn, each person's share of the
horizon, their balance from before it, and whole-unit fair loads."""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction

import numpy as np

from vividshift.engine.availability import schedule_of
from vividshift.engine.horizon.model import Horizon, PriorLoad


def presence(horizon: Horizon) -> np.ndarray:
    """K × P: the person is not away (an absence or `available: false`) in the turn."""
    people = horizon.base.participants
    present = np.ones((len(horizon.turns), len(people)), dtype=bool)
    for i, p in enumerate(people):
        schedule = schedule_of(p)
        for k, window in enumerate(horizon.turns):
            if schedule.away or any(a.overlaps(window) for a in schedule.absences):
                present[k, i] = False
    return present


def shares(present: np.ndarray, turn_effort_by_target: Sequence[float]) -> list[float]:
    """Each turn's effort divided among the people present in it."""
    per_turn = float(sum(turn_effort_by_target))
    share = np.zeros(present.shape[1])
    for k in range(present.shape[0]):
        n = int(present[k].sum())
        if n:
            share += present[k] * (per_turn / n)
    return share.tolist()


def balances(horizon: Horizon, people: list[str]) -> list[float]:
    """Effort before the horizon minus each person's presence-prorated share of it."""
    prior = [horizon.prior.get(p, PriorLoad(0.0, 0.0)) for p in people]
    total = sum(p.effort for p in prior)
    days = sum(p.present_days for p in prior)
    if total == 0 or days == 0:
        return [p.effort for p in prior] if days == 0 else [0.0] * len(prior)
    return [p.effort - total * p.present_days / days for p in prior]


def apportion(quotas: Sequence[float], total: int) -> list[int]:
    """Whole numbers summing to `total`, in proportion to the (non-negative part of the)
    quotas: floors first, then one more for the largest remainders (ties: earlier first)."""
    clipped = [max(0.0, q) for q in quotas]
    mass = sum(clipped)
    if mass <= 0:
        clipped, mass = [1.0] * len(quotas), float(len(quotas) or 1)
    exact = [q * total / mass for q in clipped]
    whole = [math.floor(e + 1e-9) for e in exact]
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - whole[i]), i))
    for i in order[: max(0, total - sum(whole))]:
        whole[i] += 1
    return whole


def effort_scale(efforts: Sequence[float]) -> int:
    """The smallest integer that makes every effort (to 2 decimals) whole."""
    scale = 1
    for e in efforts:
        scale = math.lcm(scale, Fraction(e).limit_denominator(100).denominator)
    return scale


def fair_loads(
    need: Sequence[int],
    effort: Sequence[int],
    turns: int,
    share: Sequence[float],
    balance: Sequence[float],
    scale: int,
) -> list[int]:
    """Each person's fair load over the horizon in whole effort units: largest remainders
    of share − balance, summing to the horizon's effort (so 0 deviation is reachable)."""
    total = turns * sum(n * e for n, e in zip(need, effort, strict=True))
    return apportion([(s - b) * scale for s, b in zip(share, balance, strict=True)], total)


def variety_caps(present: np.ndarray, allowed: np.ndarray, need: Sequence[int]) -> np.ndarray:
    """P × T: a person's fair part of a target's places over the horizon, rounded up —
    each turn's places of the target divided among the people present who may do it."""
    able = allowed & present[:, :, None]  # K × P × T
    counts = able.sum(axis=1)  # K × T
    per_turn = np.divide(
        np.asarray(need, dtype=float)[None, :], counts, out=np.zeros(counts.shape), where=counts > 0
    )
    return np.ceil((able * per_turn[:, None, :]).sum(axis=0) - 1e-9).astype(int)
