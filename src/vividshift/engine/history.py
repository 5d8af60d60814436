"""Past runs, normalised to: per participant, the targets of each run, most recent first.

Two input shapes exist: the lodge's `{person: [latest, previous]}` (one entry per run)
and the service's list of past runs with dates (detail rows). Both become `History`,
where run 0 is the latest. A participant absent from a run has an empty entry for it,
so "the last 2 runs" means the same two runs for everyone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime


@dataclass(frozen=True)
class PastRun:
    """One earlier run: its date, its (participant id, target id) pairs and, when known,
    when it was created (orders runs of the same date)."""

    date: date | datetime | str
    pairs: tuple[tuple[str, str], ...]
    created_at: datetime | str | None = None


@dataclass(frozen=True)
class History:
    """`runs[participant_id][i]` = targets done in the i-th most recent run."""

    runs: Mapping[str, tuple[frozenset[str], ...]] = field(default_factory=dict)

    @property
    def depth(self) -> int:
        return max(map(len, self.runs.values()), default=0)

    def of(self, participant_id: str) -> tuple[frozenset[str], ...]:
        return self.runs.get(participant_id, ())

    @classmethod
    def from_recent(cls, recent: Mapping[str, Sequence[str | Iterable[str]]]) -> History:
        """From `{participant: [latest, previous, ...]}`; an entry may list several targets."""
        runs: dict[str, tuple[frozenset[str], ...]] = {}
        for pid, entries in recent.items():
            runs[str(pid)] = tuple(
                frozenset([e]) if isinstance(e, str) else frozenset(e) for e in entries
            )
        return cls(runs)

    @classmethod
    def from_runs(cls, past: Iterable[PastRun]) -> History:
        """From dated runs in any order; the latest (date, created_at) becomes run 0, so a
        run created later the same day is the more recent (full ties keep input order)."""
        ordered = sorted(past, key=_recency, reverse=True)
        people = sorted({p for run in ordered for p, _ in run.pairs})
        runs: dict[str, list[set[str]]] = {p: [set() for _ in ordered] for p in people}
        for i, run in enumerate(ordered):
            for pid, tid in run.pairs:
                runs[pid][i].add(tid)
        return cls({p: tuple(frozenset(s) for s in rs) for p, rs in runs.items()})


def _recency(run: PastRun) -> tuple[datetime, datetime]:
    created = datetime.min if run.created_at is None else _naive_utc(run.created_at)
    return _naive_utc(run.date), created


def _naive_utc(value: date | datetime | str) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day)
    return value if value.tzinfo is None else value.astimezone(UTC).replace(tzinfo=None)


def infer_groups(
    runs: Iterable[Mapping[str, Sequence[str]]],
    markers: Mapping[str, str],
    default: str | None = None,
) -> dict[str, str | None]:
    """Infer group membership from who did which group-specific target.

    `markers` maps a target to the group it reveals (the lodge: {"Toilet A": "A",
    "Toilet B": "B"}). Anyone seen on exactly one group's marker gets that group;
    anyone never seen on a marker, or seen on markers of two groups (the data
    contradicts itself), gets `default` — `None` means "no group", so no group rule
    applies to them. That choice is the caller's to make explicit.
    """
    seen: dict[str, set[str]] = {}
    for snapshot in runs:
        for pid, targets in snapshot.items():
            groups = seen.setdefault(pid, set())
            groups.update(markers[t] for t in targets if t in markers)
    return {pid: next(iter(g)) if len(g) == 1 else default for pid, g in seen.items()}
