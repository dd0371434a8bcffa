"""Agreement on *where* coders put a code: character spans, not units.

Sentence units hide boundary disagreement: two coders who mark different
halves of one sentence "agree". Two span-level measures answer that:

* character-level Jaccard: |A and B| / |A or B| over the characters each
  coder marked with the code (overlapping spans merged first); simple,
  and honest about how much text the coders share;
* Krippendorff's unitizing alpha u-alpha for one category (Krippendorff 1995;
  2004, *Content Analysis* 2nd ed., section 12.4, worked example p. 254),
  which compares boundaries on a continuum and corrects for chance.

Spans are half-open ``(start, end)`` offsets. For u-alpha each coder's
spans are cut from one continuum ``(begin, end)``; what a coder did not mark
is a "gap". Adjacent spans stay separate units (u-alpha counts units), but
overlapping spans of one coder are merged, since a coder cannot mark the same
character twice with one category.

Several transcripts are several continua, not one: laid end to end, the gap
at the end of one transcript would merge with the gap at the start of the
next into a gap no coder ever saw. :func:`unitized_alpha_sections` therefore
partitions each transcript on its own and sums the disagreement terms over
them (the observed pairs per continuum; the expected term over every unit and
gap of every continuum, with the summed length), which is how the 2004
definition extends to more than one continuum.

This is the 2004 u-alpha for **two** coders. With three or more it is known
to misbehave (Krippendorff, Mathet, Bouvry & Widlöcher 2016 replace it with
a family of coefficients), so more than two coders are refused.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence

import numpy as np

from .result import NO_VARIATION, NOT_APPLIED, Stat

Span = tuple[int, int]
Segment = tuple[int, int, bool]
"""``(begin, end, valued)``: a unit of the category (valued) or a gap."""


def merge_spans(spans: Iterable[Span], *, touching: bool = True) -> list[Span]:
    """Sort spans and merge overlapping ones (and touching ones when ``touching``).

    >>> merge_spans([(5, 9), (0, 3), (3, 4), (8, 12)])
    [(0, 4), (5, 12)]
    >>> merge_spans([(0, 3), (3, 4)], touching=False)
    [(0, 3), (3, 4)]
    """
    merged: list[list[int]] = []
    for start, end in sorted((int(s), int(e)) for s, e in spans):
        if end < start:
            raise ValueError(f"span ({start}, {end}) ends before it starts")
        if end == start:
            continue
        if merged and (start < merged[-1][1] or (touching and start == merged[-1][1])):
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(s, e) for s, e in merged]


def span_jaccard(spans_a: Iterable[Span], spans_b: Iterable[Span]) -> Stat:
    """Character-level Jaccard index of two coders' spans for one code.

    ``|A and B| / |A or B|`` where A and B are the sets of character offsets
    each coder covered. Undefined when neither coder marked anything.

    >>> span_jaccard([(0, 10)], [(5, 15)]).value
    0.3333333333333333
    >>> span_jaccard([], []).reason
    'neither coder applied the code'
    """
    a, b = merge_spans(spans_a), merge_spans(spans_b)
    inter, i, j = 0, 0, 0
    while i < len(a) and j < len(b):
        inter += max(0, min(a[i][1], b[j][1]) - max(a[i][0], b[j][0]))
        if a[i][1] <= b[j][1]:
            i += 1
        else:
            j += 1
    union = sum(e - s for s, e in a) + sum(e - s for s, e in b) - inter
    return Stat.undefined(NOT_APPLIED) if union == 0 else Stat(inter / union)


def unitized_distance(a: Segment, b: Segment) -> float:
    """Krippendorff's (2004, p. 252) squared-deviation distance of two coders' segments.

    Two overlapping units: ``(b_a - b_b)^2 + (e_a - e_b)^2``. A unit lying
    inside the other coder's gap: its length squared. Anything else
    (gap against gap, partial overlap with a gap, no overlap): 0. The p. 254
    example pairs:

    >>> unitized_distance((225, 295, True), (220, 300, True))
    50.0
    >>> unitized_distance((400, 450, False), (400, 420, True))
    400.0
    """
    (b1, e1, v1), (b2, e2, v2) = a, b
    if min(e1, e2) <= max(b1, b2):
        return 0.0
    if v1 and v2:
        return float((b1 - b2) ** 2 + (e1 - e2) ** 2)
    if v1 and not v2 and b2 <= b1 and e1 <= e2:
        return float((e1 - b1) ** 2)
    if v2 and not v1 and b1 <= b2 and e2 <= e1:
        return float((e2 - b2) ** 2)
    return 0.0


def partition(spans: Iterable[Span], continuum: Span) -> list[Segment]:
    """One coder's continuum as consecutive units (valued) and gaps."""
    begin, end = continuum
    units = merge_spans(spans, touching=False)
    if units and (units[0][0] < begin or units[-1][1] > end):
        raise ValueError(f"spans reach outside the continuum {continuum}")
    segments: list[Segment] = []
    cursor = begin
    for s, e in units:
        if s > cursor:
            segments.append((cursor, s, False))
        segments.append((s, e, True))
        cursor = e
    if cursor < end:
        segments.append((cursor, end, False))
    return segments


def _observed(parts: Sequence[list[Segment]]) -> float:
    """Sum of distances between overlapping segments, over ordered coder pairs."""
    total = 0.0
    for i, p in enumerate(parts):
        for q in parts[i + 1 :]:
            x = y = 0
            while x < len(p) and y < len(q):
                total += 2 * unitized_distance(p[x], q[y])  # both orders (i, j) and (j, i)
                end_p, end_q = p[x][1], q[y][1]
                x += end_p <= end_q
                y += end_q <= end_p
    return total


def _expected(parts: Sequence[list[Segment]], length: int, continuous: bool) -> float:
    """Krippendorff's (2004, p. 253) expected disagreement, on the same scale as D_o.

    Positions are discrete (characters), hence the ``l - 1`` and ``+ 1``
    terms; ``continuous`` takes the limit of an ever finer grid (1995 form).
    """
    units = np.array([e - b for p in parts for b, e, v in p if v], dtype=np.float64)
    gaps = np.sort(np.array([e - b for p in parts for b, e, v in p if not v], dtype=np.float64))
    if units.size == 0:
        return 0.0
    step = 0.0 if continuous else 1.0
    # Placements of a unit of length l inside the gaps at least as long: sum of (l_h - l + step).
    suffix = np.concatenate([np.cumsum(gaps[::-1])[::-1], [0.0]])
    first = np.searchsorted(gaps, units, side="left")
    fits = suffix[first] - (len(gaps) - first) * (units - step)
    within = (len(units) - 1) / 3 * (2 * units**3 - 3 * step * units**2 + step * units)
    numerator = 2 / length * float((within + units**2 * fits).sum())
    m_l = len(parts) * length
    return numerator / (m_l * (m_l - step) - float((units * (units - step)).sum()))


Section = tuple[Sequence[Sequence[Span]], Span]
"""One continuum: each coder's spans on it, and its ``(begin, end)``."""


def unitized_disagreement(
    coders: Sequence[Sequence[Span]], continuum: Span, *, continuous: bool = False
) -> tuple[float, float]:
    """Observed and expected disagreement ``(D_o, D_e)`` of u-alpha for one category."""
    return sections_disagreement([(coders, continuum)], continuous=continuous)


def sections_disagreement(sections: Sequence[Section], *, continuous: bool = False) -> tuple[float, float]:
    """``(D_o, D_e)`` over several continua, each partitioned on its own (see the module notes)."""
    if not sections:
        raise ValueError("unitizing alpha needs at least one continuum")
    observed, length = 0.0, 0
    parts_all: list[list[Segment]] = [[], []]
    for coders, continuum in sections:
        if len(coders) != 2:
            raise ValueError(
                f"the 2004 unitizing alpha compares exactly 2 coders, got {len(coders)} "
                "(Krippendorff et al. 2016 show it misbehaves with more)"
            )
        size = continuum[1] - continuum[0]
        if size <= 0:
            raise ValueError(f"the continuum {continuum} is empty")
        if any(_any(spans) for spans in coders):
            parts = [partition(spans, continuum) for spans in coders]
            observed += _observed(parts)
        else:  # nothing marked: one gap per coder, no observed disagreement
            parts = [[(continuum[0], continuum[1], False)] for _ in coders]
        length += size
        for pooled, part in zip(parts_all, parts, strict=True):
            pooled.extend(part)
    return observed / (2 * length**2), _expected(parts_all, length, continuous)


def unitized_alpha(coders: Sequence[Sequence[Span]], continuum: Span, *, continuous: bool = False) -> Stat:
    """Krippendorff's u-alpha for one category: ``1 - D_o / D_e`` (2004, pp. 251-254).

    ``coders`` holds each coder's spans of the category on ``continuum``.
    Offsets are discrete positions (characters), as in the 2004 formula;
    ``continuous=True`` treats them as points on a real line, the reading
    of Krippendorff (1995), whose p. 57 values it reproduces to about .02.
    The p. 254 example (two observers, continuum 150-450, category c):

    >>> round(unitized_alpha([[(225, 295), (370, 400)], [(220, 300), (355, 375), (400, 420)]],
    ...                      (150, 450)).value, 4)
    0.7286
    """
    return unitized_alpha_sections([(coders, continuum)], continuous=continuous)


def unitized_alpha_sections(sections: Sequence[Section], *, continuous: bool = False) -> Stat:
    """u-alpha for one category over several continua (transcripts), each its own continuum.

    Laid end to end, the gaps 5-10 and 10-15 below would merge into one gap
    of 10 that neither transcript has, and alpha would come out higher:

    >>> first, second = ([[(2, 5)], [(3, 6)]], (0, 10)), ([[(5, 8)], [(4, 8)]], (0, 10))
    >>> round(unitized_alpha_sections([first, second]).value, 4)
    0.7976
    >>> round(unitized_alpha([[(2, 5), (15, 18)], [(3, 6), (14, 18)]], (0, 20)).value, 4)
    0.8512
    """
    d_o, d_e = sections_disagreement(sections, continuous=continuous)
    if d_e == 0:
        applied = any(_any(spans) for coders, _ in sections for spans in coders)
        return Stat.undefined(NO_VARIATION if applied else NOT_APPLIED)
    return Stat(1 - d_o / d_e)


def unitized_alpha_pooled(
    categories: Mapping[Hashable, Sequence[Sequence[Span]]], continuum: Span, *, continuous: bool = False
) -> Stat:
    """u-alpha over several categories, pooled as ``1 - sum(D_o) / sum(D_e)``.

    Per-category values are the defined ones; this pooling is the simple
    one (0.8587 on the p. 254 example, where one implementation prints 0.8591).
    """
    pairs = [unitized_disagreement(c, continuum, continuous=continuous) for c in categories.values()]
    d_e = sum(e for _, e in pairs)
    if d_e == 0:
        return Stat.undefined(NO_VARIATION)
    return Stat(1 - sum(o for o, _ in pairs) / d_e)


def _any(spans: Iterable[Span]) -> bool:
    return any(e > s for s, e in spans)
