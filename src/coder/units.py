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


def nonspace_prefix(text: str) -> NDArray[np.int64]:
    """``p[k]`` = number of non-whitespace characters in ``text[:k]``."""
    import numpy as np

    flags = np.fromiter((not ch.isspace() for ch in text), dtype=np.int64, count=len(text))
    prefix = np.zeros(len(text) + 1, dtype=np.int64)
    np.cumsum(flags, out=prefix[1:])
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
    s = np.fromiter((a for a, _ in spans), dtype=np.int64, count=len(spans))
    e = np.fromiter((b for _, b in spans), dtype=np.int64, count=len(spans))
    first = np.searchsorted(ends, s, side="right")  # first unit ending after s
    last = np.searchsorted(starts, e, side="left")  # units starting before e
    out: list[NDArray[np.int64]] = []
    for i in range(len(spans)):
        idx = np.arange(first[i], last[i], dtype=np.int64)
        if idx.size == 0:
            out.append(idx)
            continue
        lo = np.maximum(starts[idx], s[i])
        hi = np.minimum(ends[idx], e[i])
        keep = (hi > lo) & (prefix[hi] - prefix[lo] > 0)
        out.append(idx[keep])
    return out


def merge_spans(spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Union of half-open spans, sorted and non-overlapping."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged
