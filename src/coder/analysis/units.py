"""Which units (sentences or turns) a coding touches (pure, numpy).

CONTRACT.md: a coder applied code C to a unit when one of their codings of C
overlaps the unit by at least one non-whitespace character. A prefix count of
non-whitespace characters per text makes that test O(1) per candidate unit,
and binary search over the sorted unit bounds finds the candidates, so a
million units cost a few array operations, not a loop over units × codings.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    # numpy is imported where it is used: ``merge_spans`` is read by every command.
    import numpy as np
    from numpy.typing import NDArray

SPACE_CODE_POINTS = (
    0x9, 0xA, 0xB, 0xC, 0xD, 0x1C, 0x1D, 0x1E, 0x1F, 0x20, 0x85, 0xA0, 0x1680, *range(0x2000, 0x200B),
    0x2028, 0x2029, 0x202F, 0x205F, 0x3000,
)  # fmt: skip
"""Every code point for which ``str.isspace()`` is true (a test checks the list against Python's)."""


def nonspace_prefix(text: str) -> NDArray[np.int64]:
    """``p[k]`` = number of non-whitespace characters in ``text[:k]``.

    The text's code points are compared with :data:`SPACE_CODE_POINTS` as one
    array, instead of calling ``isspace`` per character (seconds for a
    million-word project).
    """
    import numpy as np

    points = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    prefix = np.zeros(len(text) + 1, dtype=np.int64)
    spaces = np.array(SPACE_CODE_POINTS, dtype=np.uint32)
    np.cumsum(~np.isin(points, spaces), out=prefix[1:])
    return prefix


def touched_units(
    prefix: NDArray[np.int64],
    starts: NDArray[np.int64],
    ends: NDArray[np.int64],
    spans: Sequence[tuple[int, int]],
) -> list[NDArray[np.int64]]:
    """For each span, the indices of units it overlaps by a non-space character.

    ``starts``/``ends`` are the units' bounds in text order (non-overlapping).
    """
    import numpy as np

    if not len(spans):
        return []
    which, units = touched_pairs(prefix, starts, ends, spans)
    return np.split(units, np.searchsorted(which, np.arange(1, len(spans))))


def touched_pairs(
    prefix: NDArray[np.int64],
    starts: NDArray[np.int64],
    ends: NDArray[np.int64],
    spans: Sequence[tuple[int, int]],
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Every (span index, unit index) where the span overlaps the unit by a non-space character.

    Sorted by span, then unit; all spans at once, so the cost is a few array
    operations over the candidate (span, unit) pairs rather than a loop.
    """
    import numpy as np

    pairs = np.asarray(spans, dtype=np.int64).reshape(-1, 2)
    s, e = pairs[:, 0], pairs[:, 1]
    first = np.searchsorted(ends, s, side="right")  # first unit ending after s
    last = np.searchsorted(starts, e, side="left")  # units starting before e
    counts = np.maximum(last - first, 0)
    which = np.repeat(np.arange(len(pairs), dtype=np.int64), counts)
    step = np.arange(int(counts.sum()), dtype=np.int64) - np.repeat(np.cumsum(counts) - counts, counts)
    idx = np.repeat(first, counts) + step
    lo = np.maximum(starts[idx], s[which])
    hi = np.minimum(ends[idx], e[which])
    keep = (hi > lo) & (prefix[hi] - prefix[lo] > 0)
    return which[keep], idx[keep].astype(np.int64)


def merge_spans(spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Union of half-open spans, sorted and non-overlapping."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged
