"""Who holds which required skill, at what level: one pass over the participants.

The skill rule (`eligibility.unqualified_pairs`) and the skill score
(`scoring`) both ask it; reading it once as flat arrays lets both work in numpy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from vividshift.engine.model import Participant, Target
from vividshift.engine.ragged import codes_of, expand


@dataclass(frozen=True)
class HeldSkills:
    """Entries (person index, skill column, level) for the skills some target requires."""

    index: dict[str, int]  # skill → column, in sorted skill order
    person: np.ndarray  # int64, E
    skill: np.ndarray  # int64, E
    level: np.ndarray  # float64, E: the stated level (1.0 when none is stated)


def held_skills(participants: Sequence[Participant], targets: Sequence[Target]) -> HeldSkills:
    """The entries of every participant's skills that some target requires."""
    vocabulary = sorted({s for t in targets for s in t.required_skills})
    index = {s: k for k, s in enumerate(vocabulary)}
    known = index.get
    # People share few skill sets: each set is read once, its entries spread in numpy.
    code, sets = codes_of((p.skills for p in participants), len(participants))
    person, skill = expand(code, sets, lambda own: (k for s in own if (k := known(s)) is not None))
    level = np.ones(person.size, dtype=np.float64)
    graded = [i for i, p in enumerate(participants) if p.skill_levels]
    if graded:  # the stated levels, read for the people who state some
        at = np.flatnonzero(np.isin(person, graded))
        levels = (participants[i].skill_levels for i in person[at].tolist())
        names = (vocabulary[k] for k in skill[at].tolist())
        level[at] = np.fromiter(
            (lv.get(name, 1.0) for lv, name in zip(levels, names, strict=True)),
            np.float64,
            count=at.size,
        )
    return HeldSkills(index=index, person=person, skill=skill, level=level)
