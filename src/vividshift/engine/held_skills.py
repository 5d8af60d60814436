"""Who holds which required skill, at what level: one pass over the participants.

The skill rule (`eligibility.unqualified_pairs`) and the skill score
(`scoring`) both ask it; reading it once as flat arrays lets both work in numpy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from vividshift.engine.model import Participant, Target
from vividshift.engine.ragged import Members, codes_of, expand, members


@dataclass(frozen=True)
class HeldSkills:
    """The participants' skills that some target requires, on a few rows: people with
    the same skills and no stated levels share one (their skill rule and skill scores
    are the same), each person with stated levels has their own."""

    index: dict[str, int]  # skill → column, in sorted skill order
    row: np.ndarray  # int64, P: each participant's row
    n_rows: int
    entry_row: np.ndarray  # int64, E: entries (row, skill column, level)
    entry_skill: np.ndarray  # int64, E
    entry_level: np.ndarray  # float64, E: the stated level (1.0 when none is stated)

    def per_person(self, per_row: np.ndarray, columns: np.ndarray) -> np.ndarray:
        """P × len(columns): each participant's row of `per_row` (rows × C), at `columns`."""
        return np.take(per_row, columns, axis=1)[self.row]


def held_skills(participants: Sequence[Participant], targets: Sequence[Target]) -> HeldSkills:
    """The entries of every participant's skills that some target requires."""
    vocabulary = sorted({s for t in targets for s in t.required_skills})
    index = {s: k for k, s in enumerate(vocabulary)}
    # People share few skill sets: each set is read once, its entries spread in numpy.
    code, sets = codes_of([p.skills for p in participants])
    of = members(sets, index)
    kind_row, kind_skill = expand(np.arange(len(sets)), of)
    graded = np.array([i for i, p in enumerate(participants) if p.skill_levels], dtype=np.int64)
    row = code.copy()
    row[graded] = len(sets) + np.arange(graded.size)
    owner, skill, level = _graded_entries(participants, graded, code, of, vocabulary)
    return HeldSkills(
        index=index,
        row=row,
        n_rows=len(sets) + graded.size,
        entry_row=np.concatenate([kind_row, len(sets) + owner]),
        entry_skill=np.concatenate([kind_skill, skill]),
        entry_level=np.concatenate([np.ones(kind_row.size), level]),
    )


def _graded_entries(
    participants: Sequence[Participant],
    graded: np.ndarray,
    code: np.ndarray,
    of: Members,
    vocabulary: list[str],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(position in `graded`, skill column, stated level) of the graded people's skills."""
    if not graded.size:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0, dtype=np.float64)
    owner, skill = expand(code[graded], of)
    levels = (participants[i].skill_levels for i in graded[owner].tolist())
    names = (vocabulary[k] for k in skill.tolist())
    level = np.fromiter(
        (lv.get(name, 1.0) for lv, name in zip(levels, names, strict=True)),
        np.float64,
        count=skill.size,
    )
    return owner, skill, level
