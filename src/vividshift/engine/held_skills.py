"""Who holds which required skill, at what level: one pass over the participants.

The skill rule (`eligibility.unqualified_pairs`) and the skill score
(`scoring`) both ask it; reading it once as flat arrays lets both work in numpy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain

import numpy as np

from vividshift.engine.model import Participant, Target


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
    # A generator, not a list: each entry's tuple is gone once numpy has read it (a list
    # of tens of thousands of live tuples sets off the garbage collector's full passes).
    entries = (
        (i, k, p.skill_levels.get(skill, 1.0))
        for i, p in enumerate(participants)
        for skill in p.skills
        if (k := known(skill)) is not None
    )
    flat = np.fromiter(chain.from_iterable(entries), dtype=np.float64)
    return HeldSkills(
        index=index,
        person=flat[0::3].astype(np.int64),
        skill=flat[1::3].astype(np.int64),
        level=flat[2::3],
    )
