"""Bar charts as geometry, for inline SVG drawn by the templates (no JavaScript).

Pure: counts in, rectangles and tick marks out. A suppressed count ("<5") is drawn
as an outlined bar up to 4, the most it can be, and labelled "<5", so a chart
never shows more precision than the figures it is made of. Every chart on a page
comes with a table of the same figures; the chart is for the eye.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

Count = int | str
SUPPRESSED_HEIGHT = 4  # "<5" means 1 to 4
LONGEST_LABEL = 34  # characters that fit left of a horizontal chart; the table has the full text


@dataclass(frozen=True)
class Bar:
    label: str
    shown: str
    x: float
    y: float
    width: float
    height: float
    text_x: float
    text_y: float
    series: int = 0
    suppressed: bool = False


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: list[Bar]
    ticks: list[Tick]
    category_labels: list[Tick]  # vertical charts: a label under each group
    plot: tuple[float, float, float, float]  # left, top, right, bottom of the plotting area


def numeric(count: Count) -> tuple[float, bool]:
    """(height to draw, suppressed?) of one count. "x" (a complement, 5 or more) and "."
    (withheld) have no height to draw: a bar would claim a size the figure does not give."""
    if isinstance(count, int):
        return float(count), False
    return (float(SUPPRESSED_HEIGHT) if count == "<5" else 0.0), True


def nice_scale(largest: float, steps: int = 4) -> tuple[float, float]:
    """(top of the axis, tick step): a round step of 1, 2 or 5 times a power of ten."""
    if largest <= 0:
        return 1.0, 1.0
    raw = largest / steps
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    step = max(step, 1.0)  # counts are whole numbers
    return step * math.ceil(largest / step), step


def _tick_label(value: float) -> str:
    return f"{int(value):,}".replace(",", ".")  # Dutch thousands separator


def horizontal(
    rows: list[tuple[str, Count]], *, width: int = 540, label_width: int = 230, row_height: int = 26
) -> Chart:
    """One bar per row, labels on the left: outcomes of one metric."""
    top, bottom = 8, 24
    left, right = float(label_width), float(width - 60)
    height = top + row_height * len(rows) + bottom
    axis_top, _ = nice_scale(max((numeric(count)[0] for _, count in rows), default=0))
    scale = (right - left) / axis_top
    bars = []
    for index, (name, count) in enumerate(rows):
        value, suppressed = numeric(count)
        y = top + index * row_height + 4
        length = value * scale
        shown_name = name if len(name) <= LONGEST_LABEL else name[: LONGEST_LABEL - 1] + "…"
        thickness = row_height - 8
        text_y = y + thickness / 2 + 4
        bars.append(Bar(shown_name, str(count), left, y, length, thickness, left + length + 6, text_y, 0, suppressed))
    _, step = nice_scale(axis_top)
    ticks = [Tick(left + v * scale, _tick_label(v)) for v in _range(axis_top, step)]
    return Chart(width, height, bars, ticks, [], (left, top, right, height - bottom))


def grouped(
    groups: list[tuple[str, list[Count]]], *, width: int = 720, height: int = 300, widest_group: float = 220
) -> Chart:
    """Vertical bars per group (a year), one per series (an outcome), side by side. With few
    groups the chart is narrower than `width`: a lone year does not become six broad slabs."""
    left, top, bottom = 56.0, 12.0, float(height - 28)
    group_width = min((width - 8 - left) / max(len(groups), 1), widest_group)
    right = left + group_width * max(len(groups), 1)
    width = int(right + 8)
    series_count = max((len(values) for _, values in groups), default=1) or 1
    axis_top, step = nice_scale(max((numeric(c)[0] for _, values in groups for c in values), default=0))
    scale = (bottom - top) / axis_top
    bar_width = group_width * 0.84 / series_count
    bars, labels = [], []
    for g, (name, values) in enumerate(groups):
        start = left + g * group_width + group_width * 0.08
        labels.append(Tick(left + (g + 0.5) * group_width, name))
        for s, count in enumerate(values):
            value, suppressed = numeric(count)
            length = value * scale
            x = start + s * bar_width
            top_y = bottom - length
            thickness = max(bar_width - 1, 1)
            bars.append(Bar(name, str(count), x, top_y, thickness, length, x + bar_width / 2, top_y - 3, s, suppressed))
    ticks = [Tick(bottom - v * scale, _tick_label(v)) for v in _range(axis_top, step)]
    return Chart(width, height, bars, ticks, labels, (left, top, right, bottom))


def _range(top: float, step: float) -> list[float]:
    count = int(round(top / step))
    return [i * step for i in range(count + 1)]
