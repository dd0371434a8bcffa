"""The coding screen's assisted actions: similar passages and code from search.

A mixin of :class:`coder.tui.screens.coding.CodingScreen`, kept apart so the
screen module stays readable. Both actions only propose: similar passages are
applied one by one with a key, and code from search applies a code the coder
picks to the hits the coder chose, as one undoable step.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.screen import Screen

from coder.errors import CoderError
from coder.model import Codebook, Coding
from coder.services import autocode, reading
from coder.services import suggest as suggest_service
from coder.services.session import Change
from coder.storage import open_store
from coder.tui.messages import OpenTranscript
from coder.tui.screens.dialogs import CodePicker
from coder.tui.screens.search import CodeHits
from coder.tui.screens.similar import SimilarAnswer, SimilarDialog, Suggestion
from coder.tui.widgets.code_tree import CodeTree
from coder.tui.widgets.transcript_view import TranscriptView

if TYPE_CHECKING:
    from coder.services.reading import TranscriptDoc
    from coder.tui.context import TuiContext

SIMILAR_LIMIT = 30


class AssistActions(Screen[None]):
    """Similar passages (key s) and code from search, for the coding screen."""

    ctx: TuiContext
    doc: TranscriptDoc
    codebook: Codebook
    codings: dict[int, Coding]

    # Provided by the coding screen.
    _act: Callable[[Callable[[], Change]], None]
    _failed: Callable[[str], None]
    _with_coding: Callable[[str, Callable[[Coding], Any]], None]

    def action_similar(self) -> None:
        """Passages like a code here (asks which if several), or like a code picked for the selection."""
        sel = self.query_one(TranscriptView).selection
        if sel is not None and reading.overlapping(self.codings.values(), sel.start, sel.end):
            self._with_coding("Similar passages for which code?", lambda c: self.open_similar(c.code_id))
        else:
            picker = CodePicker(self.codebook, self.query_one(CodeTree).color_map, self.ctx.session.recent)
            self.app.push_screen(picker, lambda code_id: self.open_similar(code_id) if code_id else None)

    def open_similar(self, code_id: str, passages: list[Suggestion] | None = None, index: int = 0) -> None:
        """Show the similar passages of ``code_id`` (ranked afresh, or the list left over)."""
        name = self.codebook.by_id()[code_id].name if code_id in self.codebook.by_id() else code_id
        finder = (lambda: self._similar(code_id)) if passages is None else None
        dialog = SimilarDialog(name, finder, passages, index)
        self.app.push_screen(dialog, lambda answer: self._similar_chosen(code_id, answer))

    def _similar(self, code_id: str) -> list[Suggestion]:
        """Run in a worker thread: rank on a connection of its own, closed afterwards."""
        store = open_store(self.ctx.store.root)
        try:
            found = suggest_service.suggest(store, code_id, self.ctx.coder, SIMILAR_LIMIT)["suggestions"]
            texts = store.transcript_texts({s["transcript"] for s in found})
            return [{**s, "text": texts[s["transcript"]][s["start"] : s["end"]]} for s in found]
        finally:
            store.close()

    def _similar_chosen(self, code_id: str, answer: SimilarAnswer | None) -> None:
        if answer is None:
            return
        p = answer.passage
        if answer.action == "jump":
            self.go_to(p["transcript"], p["start"], p["end"])
            return
        if answer.action == "apply":
            self._act(lambda: self.ctx.session.apply(p["transcript"], p["start"], p["end"], code_id))
        else:
            try:
                suggest_service.dismiss(
                    self.ctx.store, self.ctx.coder, code_id, p["transcript"], p["start"], p["end"]
                )
            except CoderError as exc:
                self._failed(exc.message)
        left = [q for q in answer.passages if q is not p]
        self.open_similar(code_id, left, answer.index)

    def go_to(self, transcript_id: str, start: int, end: int) -> None:
        """Select a span here, or open its transcript with the span selected."""
        if transcript_id != self.doc.transcript.id:
            self.post_message(OpenTranscript(transcript_id, (start, end)))
            return
        self.query_one(TranscriptView).selection = reading.select_span(self.doc, start, end)

    def code_hits(self, answer: CodeHits) -> None:
        """Code from search: pick a code, then apply it to the chosen hits as one step."""
        self.ctx.last_query, self.ctx.last_hits = answer.query, answer.hits
        picker = CodePicker(self.codebook, self.query_one(CodeTree).color_map, self.ctx.session.recent)
        self.app.push_screen(picker, lambda code_id: self._code_hits(answer, code_id) if code_id else None)

    def _code_hits(self, answer: CodeHits, code_id: str) -> None:
        store, coder = self.ctx.store, self.ctx.coder
        todo = autocode.passages_to_code(store, answer.chosen, answer.unit, code_id, coder)
        if not todo:
            self.notify(f"every chosen {answer.unit} already has this code", timeout=3)
            return
        self._act(lambda: self.ctx.session.apply_many(todo, code_id))
