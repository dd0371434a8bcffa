"""A transcript as the coding screen reads it: sentences, turns, selection, coverage.

Everything here is pure arithmetic over one loaded transcript, so the screen's
movement keys can be tested without a terminal and cost the same in a short
interview and a long one:

- ``TranscriptDoc`` holds the sentences and speaker turns (``load_doc`` is the
  one read from the store), with bisection to find the sentence or turn at an
  offset and whether a sentence was said by the respondent.
- A ``Selection`` is a character span plus the sentences it was built from;
  the functions below move it by sentences, grow it to a turn, or trim and
  widen it word by word.
- ``Coverage`` counts this coder's codings per sentence in place, for the
  progress in the title and the jump to the next uncoded respondent sentence.
"""

from __future__ import annotations

import dataclasses
import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass

from coder.model import Coding, Segment, Transcript
from coder.storage import Store

INTERVIEWER = re.compile(r"^(i|q|int|interviewer|interviewster|onderzoeker|vraag)\b|interview", re.IGNORECASE)


@dataclass(frozen=True)
class TranscriptDoc:
    """A transcript as the coding screen moves through it: sentences and turns."""

    transcript: Transcript
    sentences: tuple[Segment, ...]
    turns: tuple[Segment, ...]
    starts: tuple[int, ...]
    turn_starts: tuple[int, ...]

    @property
    def text(self) -> str:
        """The stored text."""
        return self.transcript.text

    def sentence_at(self, offset: int) -> int:
        """Index of the sentence holding ``offset`` (or the last one before it)."""
        return max(0, bisect_right(self.starts, offset) - 1)

    def turn_at(self, offset: int) -> Segment | None:
        """The speaker turn holding ``offset``, if any."""
        i = bisect_right(self.turn_starts, offset) - 1
        if i < 0 or offset >= self.turns[i].end:
            return None
        return self.turns[i]

    def is_respondent(self, index: int) -> bool:
        """Whether sentence ``index`` was said by someone other than the interviewer."""
        sentence = self.sentences[index]
        speaker = sentence.speaker or (t.speaker if (t := self.turn_at(sentence.start)) else None)
        return not (speaker and INTERVIEWER.search(speaker.strip()))


def load_doc(store: Store, transcript_id: str) -> TranscriptDoc:
    """A transcript with its turns and sentences (turns stand in if there are no sentences)."""
    transcript = store.get_transcript(transcript_id)
    segments = store.segment_outline(transcript_id)
    turns = tuple(s for s in segments if s.kind == "turn")
    sentences = tuple(s for s in segments if s.kind == "sentence") or turns
    if not sentences:
        sentences = (Segment("sentence", 0, 0, max(1, len(transcript.text))),)
    return TranscriptDoc(
        transcript, sentences, turns, tuple(s.start for s in sentences), tuple(t.start for t in turns)
    )


# -- selection arithmetic --------------------------------------------------------

WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class Selection:
    """The coder's selection: a character span and the sentences it was built from.

    ``anchor`` is where an extension started, ``head`` where the cursor is; the
    span may be trimmed word by word inside (or grown beyond) those sentences.
    """

    anchor: int
    head: int
    start: int
    end: int

    @property
    def first(self) -> int:
        """The first sentence of the selection."""
        return min(self.anchor, self.head)

    @property
    def last(self) -> int:
        """The last sentence of the selection."""
        return max(self.anchor, self.head)


def select_sentence(doc: TranscriptDoc, index: int) -> Selection:
    """Exactly one sentence (clamped to the transcript)."""
    i = min(max(index, 0), len(doc.sentences) - 1)
    return Selection(i, i, doc.sentences[i].start, doc.sentences[i].end)


def move(doc: TranscriptDoc, sel: Selection, delta: int) -> Selection:
    """The sentence ``delta`` sentences from the cursor."""
    return select_sentence(doc, sel.head + delta)


def extend(doc: TranscriptDoc, sel: Selection, delta: int) -> Selection:
    """Grow (or shrink back) the selection by sentences, keeping the anchor side."""
    head = min(max(sel.head + delta, 0), len(doc.sentences) - 1)
    first, last = min(sel.anchor, head), max(sel.anchor, head)
    start = sel.start if first == sel.first else doc.sentences[first].start
    end = sel.end if last == sel.last else doc.sentences[last].end
    return Selection(sel.anchor, head, start, end) if start < end else select_sentence(doc, head)


def select_turn(doc: TranscriptDoc, sel: Selection) -> Selection:
    """The whole speaker turn around the cursor."""
    turn = doc.turn_at(doc.sentences[sel.head].start)
    if turn is None:
        return select_sentence(doc, sel.head)
    first, last = doc.sentence_at(turn.start), doc.sentence_at(turn.end - 1)
    return Selection(first, last, doc.sentences[first].start, doc.sentences[last].end)


def select_span(doc: TranscriptDoc, start: int, end: int) -> Selection:
    """A selection that is exactly ``start``–``end`` (e.g. an existing coding)."""
    return Selection(doc.sentence_at(start), doc.sentence_at(max(start, end - 1)), start, end)


def move_start(text: str, sel: Selection, step: int) -> Selection:
    """Move the start a word right (``step`` 1, narrower) or left (-1, wider)."""
    if step > 0:
        words = [m for m in WORD.finditer(text, sel.start, sel.end) if m.start() > sel.start]
        return dataclasses.replace(sel, start=words[0].start()) if words else sel
    before = _words_before(text, sel.start)
    return dataclasses.replace(sel, start=before[-1].start()) if before else sel


def move_end(text: str, sel: Selection, step: int) -> Selection:
    """Move the end a word right (``step`` 1, wider) or left (-1, narrower)."""
    if step > 0:
        after = WORD.search(text, sel.end)
        return dataclasses.replace(sel, end=after.end()) if after else sel
    words = [m for m in WORD.finditer(text, sel.start, sel.end) if m.end() < sel.end]
    return dataclasses.replace(sel, end=words[-1].end()) if words else sel


def _words_before(text: str, pos: int) -> list[re.Match[str]]:
    window = 64
    while True:
        lo = max(0, pos - window)
        found = [m for m in WORD.finditer(text, lo, pos) if m.start() < pos and m.start() > lo]
        if found or lo == 0:
            return found or [m for m in WORD.finditer(text, 0, pos)]
        window *= 4


# -- coverage and the next uncoded sentence ------------------------------------


class Coverage:
    """How many of this coder's codings touch each sentence, kept up to date in place."""

    def __init__(self, doc: TranscriptDoc, spans: Iterable[tuple[int, int]] = ()) -> None:
        self.doc = doc
        self.counts = [0] * len(doc.sentences)
        self.covered = 0
        for start, end in spans:
            self.add(start, end)

    def add(self, start: int, end: int, delta: int = 1) -> None:
        """Count a coding on ``start``–``end`` (``delta`` -1 when it goes)."""
        for i in range(self.doc.sentence_at(start), self.doc.sentence_at(max(start, end - 1)) + 1):
            sentence = self.doc.sentences[i]
            if start < sentence.end and end > sentence.start:
                before = self.counts[i]
                self.counts[i] = before + delta
                self.covered += (self.counts[i] > 0) - (before > 0)

    def respondent_coverage(self) -> tuple[int, int]:
        """(coded, total) respondent sentences: what 'done' should mean (interviewer lines aside)."""
        mine = [i for i in range(len(self.counts)) if self.doc.is_respondent(i)]
        return sum(self.counts[i] > 0 for i in mine), len(mine)

    def next_uncoded(self, index: int, direction: int) -> int | None:
        """The next respondent sentence after ``index`` (before it, direction -1) with no coding."""
        i = index + direction
        while 0 <= i < len(self.counts):
            if self.counts[i] == 0 and self.doc.is_respondent(i):
                return i
            i += direction
        return None


def overlapping(codings: Iterable[Coding], start: int, end: int) -> list[Coding]:
    """The codings that share at least one character with ``start``–``end``."""
    return sorted((c for c in codings if c.start < end and c.end > start), key=lambda c: (c.start, c.id))
