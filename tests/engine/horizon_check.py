"""An independent checker of a planned turn, written from issue 14's text (not from the
engine's validators): exact counts, at most `cap` places a person, required skills, group
exclusions, absences overlapping the turn, nobody on a target twice in a turn."""

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime


def turn_problems(
    pairs: Iterable[tuple[str, str]],
    *,
    need: Mapping[str, int],
    skills: Mapping[str, set[str]],
    required: Mapping[str, set[str]],
    group: Mapping[str, str | None],
    excluded: Mapping[str, set[str]],
    away: Mapping[str, Sequence[tuple[datetime, datetime]]],
    turn: tuple[datetime, datetime],
    cap: int = 1,
) -> list[str]:
    pairs = list(pairs)
    problems = []
    per_target = Counter(t for _, t in pairs)
    for target, n in need.items():
        if per_target[target] != n:
            problems.append(f"{target}: {per_target[target]} places, needs {n}")
    for person, n in Counter(p for p, _ in pairs).items():
        if n > cap:
            problems.append(f"{person}: {n} places")
    for (person, target), n in Counter(pairs).items():
        if n > 1:
            problems.append(f"{person} twice on {target}")
    for person, target in pairs:
        if not required.get(target, set()) <= skills.get(person, set()):
            problems.append(f"{person} lacks skills for {target}")
        if group.get(person) is not None and group[person] in excluded.get(target, set()):
            problems.append(f"{person} of group {group[person]} on {target}")
        for start, end in away.get(person, ()):
            if start < turn[1] and turn[0] < end:
                problems.append(f"{person} is away during the turn on {target}")
    return problems
