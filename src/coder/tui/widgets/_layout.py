"""Wrapping a transcript into screen lines, and placing codes in the margin.

The transcript view renders only the lines on screen (the Line API), but it
must know every line's character span to scroll and to map offsets to lines.
Wrapping is done with ``str.rfind`` per line rather than per word, so a
100,000-word transcript wraps in milliseconds; text with double-width
characters falls back to a per-word wrap. Nothing here imports textual.

The margin shows each of this coder's codings beside the lines it covers: a
colour bar in a lane (codings that overlap get different lanes) and the code's
name on the first free line of its range.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from rich.cells import cell_len

from coder.model import Coding
from coder.services.reading import TranscriptDoc

TEXT, LABEL, BLANK = 0, 1, 2
MAX_LANES = 3
SHORT_LABEL = 3


@dataclass(frozen=True)
class Block:
    """A stretch of text shown as one paragraph group: a turn, or text between turns."""

    start: int
    end: int
    speaker: str | None
    interviewer: bool


def text_blocks(doc: TranscriptDoc) -> list[Block]:
    """Turns as blocks; text between turns is a block too unless it is only a speaker label."""
    text = doc.text
    blocks: list[Block] = []
    pos = 0
    turns = doc.turns or (type(doc.sentences[0])("turn", 0, 0, len(text)),)
    for turn in turns:
        _gap_block(text, pos, turn.start, turn.speaker, blocks)
        interviewer = not doc.is_respondent(doc.sentence_at(turn.start))
        blocks.append(Block(turn.start, turn.end, turn.speaker, interviewer))
        pos = turn.end
    _gap_block(text, pos, len(text), None, blocks)
    return blocks


def _gap_block(text: str, start: int, end: int, speaker: str | None, out: list[Block]) -> None:
    gap = text[start:end]
    if not gap.strip():
        return
    label = re.compile(r"\n?[^\n]*" + re.escape(speaker or "\x00") + r"\s*[:：]?\s*$")
    shown = label.sub("", gap) if speaker else gap
    if shown.strip():
        lead = len(shown) - len(shown.lstrip())
        out.append(Block(start + lead, start + len(shown.rstrip()), None, False))


@dataclass
class Layout:
    """Every screen line of a transcript: its kind, character span and block."""

    text_width: int
    gutter: int
    short_labels: bool
    kinds: bytearray = field(default_factory=bytearray)
    starts: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)
    blocks: list[int] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.starts)

    def line_of(self, offset: int) -> int:
        """The screen line showing character ``offset``."""
        return max(0, bisect_right(self.starts, offset) - 1)

    def add(self, kind: int, start: int, end: int, block: int) -> None:
        """Append one line."""
        self.kinds.append(kind)
        self.starts.append(start)
        self.ends.append(end)
        self.blocks.append(block)


def build_layout(text: str, blocks: Sequence[Block], width: int) -> Layout:
    """Wrap ``blocks`` of ``text`` to ``width`` cells (gutter for speaker labels included)."""
    labels = [b.speaker or "" for b in blocks]
    short = max((len(x) for x in labels), default=0) <= SHORT_LABEL
    gutter = (max((len(x) for x in labels), default=0) + 2) if short else 2
    text_width = max(8, width - gutter)
    layout = Layout(text_width, gutter, short)
    wrap = _wrap_ascii if single_cell(text) else _wrap_cells
    for i, block in enumerate(blocks):
        if i:
            layout.add(BLANK, block.start, block.start, i)
        if block.speaker and not short:
            layout.add(LABEL, block.start, block.start, i)
        for start, end in wrap(text, block.start, block.end, text_width):
            layout.add(TEXT, start, end, i)
    return layout


def single_cell(text: str) -> bool:
    """Whether every printable character of ``text`` takes one cell (no CJK, no emoji)."""
    if text.isascii():
        return True
    return all(cell_len(ch) == 1 for ch in set(text) if ord(ch) > 127)


def _wrap_ascii(text: str, start: int, end: int, width: int) -> Iterator[tuple[int, int]]:
    """Greedy wrap at spaces, one ``rfind`` per line (one cell per character)."""
    pos = start
    while pos < end:
        newline = text.find("\n", pos, end)
        stop = end if newline < 0 else newline
        if stop == pos:
            yield pos, pos
        while pos < stop:
            if stop - pos <= width:
                yield pos, stop
                pos = stop
                break
            cut = text.rfind(" ", pos, pos + width + 1)
            if cut <= pos:
                yield pos, pos + width
                pos += width
            else:
                yield pos, cut
                pos = cut + 1
        pos = stop + 1


def _wrap_cells(text: str, start: int, end: int, width: int) -> Iterator[tuple[int, int]]:
    """Greedy wrap by words measuring cells (for double-width characters)."""
    for para_start, para_end in _paragraphs(text, start, end):
        line_start, used = para_start, 0
        if para_start == para_end:
            yield para_start, para_end
        for m in re.finditer(r"\S+", text[para_start:para_end]):
            w_start, w_end = para_start + m.start(), para_start + m.end()
            need = cell_len(text[line_start:w_end]) if used else cell_len(text[w_start:w_end])
            if used and need > width:
                yield line_start, w_start - 1
                line_start = w_start
            used = cell_len(text[line_start:w_end])
        if line_start < para_end:
            yield line_start, para_end


def _paragraphs(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    pos = start
    while pos <= end:
        newline = text.find("\n", pos, end)
        stop = end if newline < 0 else newline
        yield pos, stop
        if newline < 0:
            return
        pos = stop + 1


@dataclass
class Margin:
    """Lanes and labels of codings per screen line, rebuilt when codings change."""

    lanes: dict[int, int] = field(default_factory=dict)
    labels: dict[int, int] = field(default_factory=dict)
    ranges: dict[int, tuple[int, int]] = field(default_factory=dict)
    by_line: dict[int, list[int]] = field(default_factory=dict)
    lanes_used: int = 1
    hidden: dict[int, int] = field(default_factory=dict)


def place_margin(layout: Layout, codings: Iterable[Coding]) -> Margin:
    """Give each coding a lane and a label line; index codings by the lines they cover.

    A coding whose lines all carry other labels already is counted in ``hidden``
    on its first line (shown as "+1" there).
    """
    margin = Margin()
    lane_ends = [-1] * MAX_LANES
    for coding in sorted(codings, key=lambda c: (c.start, -c.end, c.id)):
        first, last = layout.line_of(coding.start), layout.line_of(max(coding.start, coding.end - 1))
        free = [k for k in range(MAX_LANES) if lane_ends[k] < first]
        lane = free[0] if free else MAX_LANES - 1
        lane_ends[lane] = max(lane_ends[lane], last)
        margin.lanes[coding.id] = lane
        margin.lanes_used = max(margin.lanes_used, lane + 1)
        margin.ranges[coding.id] = (first, last)
        for y in range(first, last + 1):
            margin.by_line.setdefault(y, []).append(coding.id)
    # Short codings choose their label line first, so a long one can move down.
    for cid, (first, last) in sorted(margin.ranges.items(), key=lambda item: (item[1], item[0])):
        y = first
        while y in margin.labels and y < last:
            y += 1
        if y not in margin.labels:
            margin.labels[y] = cid
        else:
            margin.hidden[first] = margin.hidden.get(first, 0) + 1
    return margin
