"""Geometry of the fairness charts, drawn as SVG by the page's template (no script, no
CDN): each person's balance as a bar around zero, and a person × task heat map."""

from __future__ import annotations

from dataclasses import dataclass

from vividshift.fairshare.schemas import FairnessRead

# Sized for a 375-px phone at 1:1 (names, the bars around zero, then the figures).
BAR_HEIGHT = 26
LABEL_WIDTH = 90
PLOT_WIDTH = 190
VALUE_WIDTH = 50
CELL = 36


@dataclass(frozen=True)
class Bar:
    name: str
    balance: float
    x: float
    y: float
    width: float
    ahead: bool


@dataclass(frozen=True)
class Cell:
    x: float
    y: float
    count: int
    shade: float  # 0–1 opacity of the fill


@dataclass(frozen=True)
class Charts:
    bars: list[Bar]
    zero_x: float
    label_x: float
    value_x: float
    bars_width: float
    bars_height: float
    tasks: list[str]
    people: list[str]
    cells: list[Cell]
    heat_width: float
    heat_height: float


def charts(view: FairnessRead) -> Charts:
    """Bars scaled to the largest |balance|; heat map cells shaded by count ÷ the most."""
    biggest = max((abs(p.balance) for p in view.people), default=0.0) or 1.0
    half = PLOT_WIDTH / 2
    zero = LABEL_WIDTH + half
    bars = []
    for k, p in enumerate(view.people):
        width = half * abs(p.balance) / biggest
        x = zero if p.balance >= 0 else zero - width
        bars.append(Bar(p.name, p.balance, x, k * BAR_HEIGHT, width, p.balance > 0))
    counts = {(c.participant_id, t.target_id): c.count for t in view.targets for c in t.done_by}
    most = max(counts.values(), default=0) or 1
    cells = []
    for row, p in enumerate(view.people):
        for col, t in enumerate(view.targets):
            n = counts.get((p.participant_id, t.target_id), 0)
            cells.append(Cell(LABEL_WIDTH + col * CELL, 44 + row * CELL, n, n / most))
    return Charts(
        bars=bars,
        zero_x=zero,
        label_x=LABEL_WIDTH - 6,
        value_x=LABEL_WIDTH + PLOT_WIDTH + 6,
        bars_width=LABEL_WIDTH + PLOT_WIDTH + VALUE_WIDTH,
        bars_height=max(1, len(bars)) * BAR_HEIGHT + 4,
        tasks=[t.name for t in view.targets],
        people=[p.name for p in view.people],
        cells=cells,
        heat_width=LABEL_WIDTH + max(1, len(view.targets)) * CELL + 4,
        heat_height=44 + max(1, len(view.people)) * CELL + 4,
    )
