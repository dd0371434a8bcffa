"""A coding session: one coder working through transcripts, with undo.

The terminal UI is a thin shell over this module, so everything a coder can do
on the coding screen can be tested and scripted without a terminal:

- ``Session`` performs each action through a service (one committed
  transaction) and returns a ``Change`` that says exactly what changed, so the
  screen updates in place instead of reloading the project. Applying a code
  therefore costs the same in a tiny project and in a huge one.
- Every action pushes a ``Step`` holding two closures that undo and redo it
  through the same services; coding ids survive undo/redo because a removed
  coding is restored with its original id and GUID.
- What the screen reads is here too: a transcript as sentences and turns
  (``TranscriptDoc``), selection arithmetic (sentences, turns, word-wise
  trimming) as pure functions over it, the next uncoded respondent sentence,
  the blind view of the codebook, fuzzy code filtering, lemma-aware search and
  per-transcript progress.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from rapidfuzz import fuzz

from coder.errors import CoderError
from coder.model import Code, Codebook, Coding, Segment, Transcript
from coder.services import codebook as codebook_service
from coder.services import codings as coding_service
from coder.storage import Store

Clock = Callable[[], datetime]
MAX_RECENT = 9


@dataclass(frozen=True)
class Change:
    """What one action (or its undo) changed, for a screen to apply in place.

    A changed coding appears in ``removed`` (old state) and ``added`` (new
    state); ``codes`` are codes added or edited, ``dropped_codes`` code ids
    that no longer exist.
    """

    label: str
    saved_at: datetime
    added: tuple[Coding, ...] = ()
    removed: tuple[Coding, ...] = ()
    codes: tuple[Code, ...] = ()
    dropped_codes: tuple[str, ...] = ()
    memo: tuple[str, str, str] | None = None
    done: tuple[str, bool] | None = None


@dataclass(frozen=True)
class Step:
    """An undoable action: how to take it back and how to do it again."""

    label: str
    undo: Callable[[], Change]
    redo: Callable[[], Change]


def last_coder(store: Store) -> str | None:
    """The coder name last used in this project, if any."""
    return store.get_setting("last_coder")


def remember_coder(store: Store, name: str) -> str:
    """Register ``name`` as a coder and remember it for this project."""
    name = name.strip()
    if not name:
        raise CoderError("a coder needs a name", "type the name you code under, e.g. anna")
    if any(ch.isspace() for ch in name) or "/" in name:
        raise CoderError(f"coder name {name!r} has spaces or '/'", "use one word, e.g. anna or bram")
    with store.transaction():
        store.ensure_coder(name)
        store.set_setting("last_coder", name)
    return name


@dataclass
class Session:
    """One coder's actions in one sitting, with undo/redo and recent codes."""

    store: Store
    coder: str
    clock: Clock = datetime.now
    recent: list[str] = field(default_factory=list)
    _undo: list[Step] = field(default_factory=list)
    _redo: list[Step] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.recent:
            self.recent = self.store.recent_code_ids(self.coder, MAX_RECENT)

    # -- undo and redo ---------------------------------------------------------

    @property
    def can_undo(self) -> bool:
        """Whether there is an action to undo."""
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        """Whether there is an undone action to redo."""
        return bool(self._redo)

    def undo(self) -> Change:
        """Take back the last action; its Change says what was restored."""
        if not self._undo:
            raise CoderError("nothing to undo")
        step = self._undo[-1]
        change = step.undo()
        self._redo.append(self._undo.pop())
        return dataclasses.replace(change, label=f"undone: {step.label}")

    def redo(self) -> Change:
        """Do the last undone action again."""
        if not self._redo:
            raise CoderError("nothing to redo")
        step = self._redo[-1]
        change = step.redo()
        self._undo.append(self._redo.pop())
        return dataclasses.replace(change, label=f"redone: {step.label}")

    def _push(self, step: Step, change: Change) -> Change:
        self._undo.append(step)
        self._redo.clear()
        return change

    def _change(self, label: str, **parts: Any) -> Change:
        return Change(label, self.clock(), **parts)

    # -- codings ----------------------------------------------------------------

    def apply(self, transcript_id: str, start: int, end: int, code_id: str) -> Change:
        """Apply a code to a span of a transcript."""
        coding = coding_service.apply_code(self.store, self.coder, transcript_id, start, end, code_id)
        self._touch_recent(code_id)
        label = f"applied {self._name(code_id)}"

        def undo() -> Change:
            coding_service.remove_coding(self.store, self.coder, coding.id)
            return self._change(label, removed=(coding,))

        def redo() -> Change:
            coding_service.restore_coding(self.store, coding)
            return self._change(label, added=(coding,))

        return self._push(Step(label, undo, redo), self._change(label, added=(coding,)))

    def remove(self, coding_id: int) -> Change:
        """Remove one of this coder's codings."""
        coding = coding_service.remove_coding(self.store, self.coder, coding_id)
        label = f"removed {self._name(coding.code_id)}"

        def undo() -> Change:
            coding_service.restore_coding(self.store, coding)
            return self._change(label, added=(coding,))

        def redo() -> Change:
            coding_service.remove_coding(self.store, self.coder, coding.id)
            return self._change(label, removed=(coding,))

        return self._push(Step(label, undo, redo), self._change(label, removed=(coding,)))

    def set_span(self, coding_id: int, start: int, end: int) -> Change:
        """Move a coding's start and end (narrow or widen the quote)."""
        if not 0 <= start < end:
            raise CoderError(f"span {start}-{end} is empty or negative")
        return self._edit(coding_id, "changed the span of", start=start, end=end)

    def set_coding_memo(self, coding_id: int, text: str) -> Change:
        """Write the memo of a coding (empty text clears it)."""
        return self._edit(coding_id, "memo on", memo=text.strip())

    def toggle_key_quote(self, coding_id: int) -> Change:
        """Flag a coding as a key quote, or unflag it."""
        flagged = not self.store.get_coding(coding_id).key_quote
        return self._edit(coding_id, "key quote" if flagged else "not a key quote:", key_quote=flagged)

    def _edit(self, coding_id: int, verb: str, **fields: Any) -> Change:
        before = self.store.get_coding(coding_id)
        after = coding_service.update_coding(self.store, self.coder, coding_id, **fields)
        old = {k: getattr(before, k) for k in fields}
        label = f"{verb} {self._name(before.code_id)}"

        def undo() -> Change:
            restored = coding_service.update_coding(self.store, self.coder, coding_id, **old)
            return self._change(label, added=(restored,), removed=(after,))

        def redo() -> Change:
            again = coding_service.update_coding(self.store, self.coder, coding_id, **fields)
            return self._change(label, added=(again,), removed=(before,))

        return self._push(Step(label, undo, redo), self._change(label, added=(after,), removed=(before,)))

    # -- codes ------------------------------------------------------------------

    def add_code(self, name: str, parent_id: str | None = None, description: str = "") -> Change:
        """Add a code of this coder's own to the codebook."""
        code = codebook_service.add_code(self.store, name, self.coder, parent_id, description)
        label = f"new code {code.name}"

        def undo() -> Change:
            if self.store.codings(code_ids=[code.id]):
                raise CoderError(f"code {code.name!r} is in use", "remove its codings first")
            codebook_service.delete_code(self.store, code.id, "delete", actor=self.coder)
            self.recent = [c for c in self.recent if c != code.id]
            return self._change(label, dropped_codes=(code.id,))

        def redo() -> Change:
            with self.store.transaction():
                self.store.save_code(code)
                self.store.log(self.coder, "code.add", code.id, after=dataclasses.asdict(code))
            return self._change(label, codes=(code,))

        return self._push(Step(label, undo, redo), self._change(label, codes=(code,)))

    def edit_code(self, code_id: str, **changes: Any) -> Change:
        """Rename or redefine one of this coder's own codes."""
        old = self.store.get_code(code_id)
        if old.origin != "coder" or old.created_by != self.coder:
            raise CoderError(
                f"{old.name!r} is not a code you added", "only the lead edits the shared codebook"
            )
        new = codebook_service.edit_code(self.store, code_id, self.coder, **changes)
        before = {k: getattr(old, k) for k in changes}
        label = f"edited code {new.name}"

        def undo() -> Change:
            code = codebook_service.edit_code(self.store, code_id, self.coder, **before)
            return self._change(label, codes=(code,))

        def redo() -> Change:
            code = codebook_service.edit_code(self.store, code_id, self.coder, **changes)
            return self._change(label, codes=(code,))

        return self._push(Step(label, undo, redo), self._change(label, codes=(new,)))

    # -- memos and progress -----------------------------------------------------

    def memo_text(self, target_kind: str, target_id: str) -> str:
        """This coder's memo on a transcript or code ('' if none)."""
        memo = self.store.memo(self.coder, target_kind, target_id)
        return memo.text if memo else ""

    def set_memo(self, target_kind: str, target_id: str, text: str) -> Change:
        """Write this coder's memo on a transcript or a code."""
        if target_kind not in ("transcript", "code"):
            raise CoderError(f"cannot write a memo on a {target_kind!r}")
        before = self.memo_text(target_kind, target_id)
        label = f"memo on {target_kind} {target_id}"

        def write(value: str) -> Change:
            with self.store.transaction():
                self.store.set_memo(self.coder, target_kind, target_id, value)
                self.store.log(self.coder, "memo.set", f"{target_kind}:{target_id}", after={"text": value})
            return self._change(label, memo=(target_kind, target_id, value))

        change = write(text.strip())
        return self._push(Step(label, lambda: write(before), lambda: write(text.strip())), change)

    def set_done(self, transcript_id: str, done: bool) -> Change:
        """Mark a transcript done (or not done) for this coder."""
        before = self.store.is_done(transcript_id, self.coder)
        label = f"{transcript_id} {'done' if done else 'not done'}"

        def write(value: bool) -> Change:
            with self.store.transaction():
                self.store.set_done(transcript_id, self.coder, value)
                self.store.log(self.coder, "transcript.done", transcript_id, after={"done": value})
            return self._change(label, done=(transcript_id, value))

        change = write(done)
        return self._push(Step(label, lambda: write(before), lambda: write(done)), change)

    # -- helpers ----------------------------------------------------------------

    def _touch_recent(self, code_id: str) -> None:
        self.recent = [code_id, *(c for c in self.recent if c != code_id)][:MAX_RECENT]

    def _name(self, code_id: str) -> str:
        try:
            return self.store.get_code(code_id).name
        except CoderError:
            return code_id


# -- reading a transcript ------------------------------------------------------

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


# -- the blind codebook and fuzzy filtering ------------------------------------


def visible_codebook(codebook: Codebook, coder: str) -> Codebook:
    """The shared codebook plus this coder's own added codes — never another coder's."""
    keep: set[str] = set()
    for code in codebook.tree_order():
        mine = code.origin == "concept" or code.created_by == coder
        if mine and (code.parent_id is None or code.parent_id in keep):
            keep.add(code.id)
    return Codebook(codebook.name, tuple(c for c in codebook.codes if c.id in keep))


def fold(text: str) -> str:
    """Lowercase without accents, for matching typed filters."""
    return "".join(ch for ch in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(ch))


def fuzzy_score(query: str, name: str) -> float:
    """How well ``query`` matches ``name`` (0: not at all).

    Best is the query inside the name (3-4), then pieces of it at word starts
    in order, like "gen werk" or "gw" for "Generalistisch werken" (2-3), then
    a near miss for typos of four letters or more (below 0.5).
    """
    q, n = fold(query).strip(), fold(name)
    if not q:
        return 1.0
    at = n.find(q)
    if at >= 0:
        return 3.0 + (at == 0 or not n[at - 1].isalnum())
    runs = _word_start_runs(q.replace(" ", ""), n)
    if runs:
        return 2.0 + 1.0 / runs
    if len(q) >= 4 and (ratio := fuzz.partial_ratio(q, n)) >= 80:
        return ratio / 200
    return 0.0


def _word_start_runs(q: str, n: str) -> int:
    """In how many runs ``q`` matches ``n`` if every run starts a word (0: no match)."""
    starts = [i for i, ch in enumerate(n) if ch.isalnum() and (i == 0 or not n[i - 1].isalnum())]
    pos, runs, i = 0, 0, 0
    while i < len(q):
        run_at = next((s for s in starts if s >= pos and n[s] == q[i]), None)
        if run_at is None:
            return 0
        runs += 1
        pos = run_at
        while i < len(q) and pos < len(n) and n[pos] == q[i]:
            i, pos = i + 1, pos + 1
    return runs


def fuzzy_codes(codes: Iterable[Code], query: str) -> list[Code]:
    """Codes whose names match ``query``, best first (all of them for an empty query)."""
    scored = [(fuzzy_score(query, c.name), i, c) for i, c in enumerate(codes)]
    return [c for score, _, c in sorted(scored, key=lambda t: (-t[0], t[1])) if score > 0]


# -- search ------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchHit:
    """A sentence that matches a search."""

    transcript_id: str
    start: int
    end: int
    snippet: str


def query_terms(query: str, language: str) -> list[str]:
    """The lemmas to look for (the query's own words if no lemmatizer is available)."""
    try:
        from coder.segmentation import lemmatize_query
    except ImportError:
        return [w.lower() for w in WORD.findall(query)]
    return lemmatize_query(query, language)


def search(store: Store, query: str, transcript_id: str | None = None, limit: int = 500) -> list[SearchHit]:
    """Sentences matching ``query`` by lemma (``hulpvraag`` finds ``hulpvragen``) or literally."""
    if not query.strip():
        return []
    languages = store.transcript_languages()
    scope = [transcript_id] if transcript_id else sorted(languages)
    texts = store.transcript_texts(scope)
    found: dict[tuple[str, int], tuple[int, int]] = {}
    for language in sorted({languages[t] for t in scope if t in languages}):
        terms = query_terms(query, language)
        for tid, _idx, start, end in (
            store.search_segments(terms, transcript_id=transcript_id) if terms else ()
        ):
            if languages.get(tid) == language:
                found[(tid, start)] = (start, end)
    literal = re.compile(re.escape(query.strip()), re.IGNORECASE)
    for tid in scope:
        if literal.search(texts.get(tid, "")):
            bounds = [(s.start, s.end) for s in store.segments(tid, "sentence")]
            for m in literal.finditer(texts[tid]):
                i = max(0, bisect_right(bounds, (m.start(), len(texts[tid]))) - 1)
                if bounds:
                    found[(tid, bounds[i][0])] = bounds[i]
    hits = [
        SearchHit(tid, s, e, " ".join(texts[tid][s:e].split())[:160]) for (tid, _), (s, e) in found.items()
    ]
    return sorted(hits, key=lambda h: (h.transcript_id, h.start))[:limit]


# -- progress ----------------------------------------------------------------------


@dataclass(frozen=True)
class TranscriptRow:
    """One line of the home screen: a transcript and this coder's progress on it."""

    id: str
    attributes: dict[str, str]
    words: int
    sentences: int
    coded_sentences: int
    codings: int
    done: bool


def transcript_rows(store: Store, coder: str) -> list[TranscriptRow]:
    """Every transcript with this coder's progress (other coders' work is not counted)."""
    bounds = store.segment_bounds("sentence")
    spans: dict[str, list[tuple[int, int]]] = {}
    for tid, start, end, _code in store.coding_spans(coder):
        spans.setdefault(tid, []).append((start, end))
    return [
        TranscriptRow(
            s["id"],
            s["attributes"],
            s["words"],
            s["sentences"],
            _covered(bounds.get(s["id"], []), spans.get(s["id"], [])),
            s["coded"].get(coder, 0),
            coder in s["done"],
        )
        for s in store.transcript_summaries()
    ]


def _covered(sentences: list[tuple[int, int]], spans: list[tuple[int, int]]) -> int:
    """How many sentences share a character with any span (a sweep over sorted spans)."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    starts = [m[0] for m in merged]
    count = 0
    for s_start, s_end in sentences:
        i = bisect_right(starts, s_end - 1) - 1
        count += i >= 0 and merged[i][1] > s_start
    return count


def row_matches(row: TranscriptRow, query: str) -> bool:
    """Whether a transcript fits a filter: ``key=value`` words match attributes, others any text."""
    for word in query.split():
        key, sep, value = word.partition("=")
        if sep:
            attrs = {fold(k): fold(v) for k, v in row.attributes.items()}
            if not attrs.get(fold(key), "").startswith(fold(value)):
                return False
        elif not any(fold(word) in fold(x) for x in (row.id, *row.attributes.values())):
            return False
    return True
