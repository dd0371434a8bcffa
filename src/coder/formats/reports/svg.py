"""Small inline SVG bar charts for the joint display's survey figures.

Written by hand rather than with a plotting library: a chart is a dozen
``<rect>`` and ``<text>`` elements, it must sit inside one self-contained
HTML file, and it must look the same in every browser and in print. Bars start
at zero and share the item's scale (5 for a 5-point item), so a change from
4.2 to 4.4 looks as small as it is.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

from coder.formats.reports.labels import number, word

BAR = 26
GAP = 10
PLOT = 54
TOP_PAD = 14
LABEL_PAD = 16
NICE_TOPS = (1.0, 5.0, 7.0, 10.0, 100.0)


def scale_top(values: Sequence[float], scale_max: float | None = None) -> float:
    """The top of the axis: the answer scale, else a familiar scale that holds the values."""
    highest = max((v for v in values if math.isfinite(v)), default=0.0)
    if scale_max is not None and scale_max >= highest:
        return scale_max
    for top in NICE_TOPS:
        if highest <= top:
            return top
    return highest


def bar_chart(
    figures: Sequence[tuple[str, float]],
    language: str,
    title: str,
    scale_max: float | None = None,
    color: str = "#4C72B0",
) -> str:
    """An SVG element with one labelled bar per (name, value)."""
    if not figures:
        return ""
    top = scale_top([v for _, v in figures], scale_max) or 1.0
    width = GAP + len(figures) * (BAR + GAP)
    height = TOP_PAD + PLOT + LABEL_PAD
    described = ", ".join(f"{name}: {number(language, value)}" for name, value in figures)
    parts = [
        f'<svg class="bars" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(described)}">',
        f"<title>{escape(word(language, 'chart_of'))} {escape(title)}: {escape(described)}</title>",
        f'<line x1="0" y1="{TOP_PAD + PLOT}" x2="{width}" y2="{TOP_PAD + PLOT}" class="axis"/>',
    ]
    for i, (name, value) in enumerate(figures):
        x = GAP + i * (BAR + GAP)
        h = max(0.0, min(value, top)) / top * PLOT
        y = TOP_PAD + PLOT - h
        centre = x + BAR / 2
        parts += [
            f'<rect x="{x}" y="{y:.1f}" width="{BAR}" height="{h:.1f}" fill="{escape(color)}" rx="2"/>',
            f'<text x="{centre}" y="{y - 3:.1f}" class="value">{escape(number(language, value))}</text>',
            f'<text x="{centre}" y="{height - 3}" class="group">{escape(name)}</text>',
        ]
    parts.append("</svg>")
    return "".join(parts)
