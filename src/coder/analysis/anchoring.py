"""Re-anchoring codings when a transcript's text is replaced (pure).

A corrected transcript (typos fixed, a missing passage added) should not cost
the coders their work. Each coding's quoted text is looked up in the new text,
nearest to where the unchanged surroundings put it; a quote whose words are
gone is kept at its mapped position and flagged for review, never dropped.
"""

from __future__ import annotations

import difflib
from bisect import bisect_right
from dataclasses import dataclass


@dataclass(frozen=True)
class Anchor:
    """Where a coding lands in the new text, and why it may need a look."""

    start: int
    end: int
    flag: str | None


class OffsetMap:
    """Maps offsets of an old text onto a new one through their common blocks."""

    def __init__(self, old: str, new: str) -> None:
        # Lines first (fast on long texts), then characters inside changed
        # lines, since a transcript paragraph is often one long line.
        old_lines, new_lines = old.splitlines(keepends=True), new.splitlines(keepends=True)
        old_starts, new_starts = _line_starts(old), _line_starts(new)
        matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
        self._blocks: list[tuple[int, int, int]] = []
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            a0, b0 = old_starts[i1], new_starts[j1]
            if tag == "equal":
                self._blocks.append((a0, b0, old_starts[i2] - a0))
            elif tag == "replace":
                inner = difflib.SequenceMatcher(
                    None, old[a0 : old_starts[i2]], new[b0 : new_starts[j2]], autojunk=False
                )
                self._blocks.extend(
                    (a0 + a, b0 + b, size) for a, b, size in inner.get_matching_blocks() if size
                )
        self._keys = [blk[0] for blk in self._blocks]
        self._new_len = len(new)

    def map(self, offset: int) -> int:
        """The new offset of an old one (clamped into the new text)."""
        i = bisect_right(self._keys, offset) - 1
        if i < 0:
            return 0
        a0, b0, length = self._blocks[i]
        return min(b0 + min(offset - a0, length), self._new_len)


def _line_starts(text: str) -> list[int]:
    starts = [0]
    for line in text.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    return starts


def reanchor(old: str, new: str, spans: list[tuple[int, int]]) -> list[Anchor]:
    """New positions for ``spans`` of ``old`` in ``new``, flagged where the words are gone."""
    mapping = OffsetMap(old, new)
    anchors = []
    for start, end in spans:
        quote = old[start:end]
        guess = mapping.map(start)
        found = _nearest(new, quote, guess)
        if found is not None:
            anchors.append(Anchor(found, found + len(quote), None))
            continue
        new_start, new_end = guess, max(mapping.map(end), guess)
        if new_end <= new_start:
            new_start, new_end = max(0, min(new_start, len(new) - 1)), min(len(new), max(new_start, 0) + 1)
        anchors.append(
            Anchor(new_start, new_end, "text changed: the coded words are no longer in the transcript")
        )
    return anchors


def _nearest(text: str, quote: str, around: int) -> int | None:
    if not quote:
        return None
    best: int | None = None
    pos = text.find(quote)
    while pos != -1:
        if best is None or abs(pos - around) < abs(best - around):
            best = pos
        pos = text.find(quote, pos + 1)
    return best
