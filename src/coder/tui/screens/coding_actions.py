"""The coding screen's actions: the keys that code, search, move and mend.

A mixin of :class:`coder.tui.screens.coding.CodingScreen`, as
``coding_assist`` is for the assisted actions, so that the screen module holds
its layout, handlers and the one place where a session action is run and shown
(``_act`` / ``apply_change``). Every action here either opens a dialog or runs
a ``Session`` call through ``_act``; none writes to the project itself.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

from rich.text import Text

from coder.model import Code, Coding
from coder.services import finding, reading
from coder.services.finding import SearchHit
from coder.services.session import Change
from coder.storage import open_store
from coder.tui.screens.coding_assist import AssistActions
from coder.tui.screens.dialogs import CREATE, ChoiceDialog, CodeDraft, CodeForm, CodePicker, MemoDialog
from coder.tui.screens.search import CodeHits, SearchDialog
from coder.tui.widgets.code_tree import CodebookPane, CodeTree
from coder.tui.widgets.transcript_view import TranscriptView

if TYPE_CHECKING:
    from coder.services.reading import Coverage

A = TypeVar("A")
LOW_COVERAGE = 0.5  # below this share of respondent sentences coded, 'd' asks first


class CodingActions(AssistActions):
    """The coding screen's key actions and the dialogs they open."""

    coverage: Coverage
    done: bool
    editing: Coding | None

    # Provided by the coding screen.
    _apply: Callable[[str], None]
    _perform: Callable[[Callable[[], Change]], Change | None]
    _recent: Callable[[], list[Code]]
    _refresh_keys: Callable[[], None]

    @property
    def transcript_id(self) -> str:
        """The transcript on this screen."""
        return self.doc.transcript.id

    def action_pick(self) -> None:
        """Open the code picker; its answer is applied to the selection."""
        picker = CodePicker(self.codebook, self.query_one(CodeTree).color_map, self.ctx.session.recent)
        self.app.push_screen(picker, self._picked)

    def _picked(self, answer: str | None) -> None:
        if answer and answer.startswith(CREATE):
            self.app.push_screen(CodeForm(self.codebook, name=answer.removeprefix(CREATE)), self._new_code)
        elif answer:
            self._apply(answer)

    def action_recent(self, index: int) -> None:
        """Apply the ``index``-th most recently used code."""
        recent = self._recent()
        if index < len(recent):
            self._apply(recent[index].id)

    def action_remove(self) -> None:
        """Remove one of the codes on the selection."""
        self._with_coding("Remove which code?", lambda c: self._act(lambda: self.ctx.session.remove(c.id)))

    def action_key_quote(self) -> None:
        """Flag (or unflag) a coding on the selection as a key quote."""
        self._with_coding(
            "Key quote: which code?", lambda c: self._act(lambda: self.ctx.session.toggle_key_quote(c.id))
        )

    def action_memo(self) -> None:
        """Write the memo of a coding on the selection."""
        self._with_coding("Memo on which code?", self._memo_dialog)

    def action_transcript_memo(self) -> None:
        """Write this coder's memo on the transcript."""
        text = self.ctx.session.memo_text("transcript", self.transcript_id)
        dialog = MemoDialog(f"Memo on transcript {self.transcript_id}", text)
        self.app.push_screen(
            dialog, self._answered(partial(self.ctx.session.set_memo, "transcript", self.transcript_id))
        )

    def action_edit_span(self) -> None:
        """Select a coding's span to adjust it with the selection keys."""
        self._with_coding("Change the span of which code?", self._start_span_edit)

    def action_save_span(self) -> None:
        """Give the coding being edited the current selection as its span."""
        sel, coding = self.query_one(TranscriptView).selection, self.editing
        self._stop_span_edit()
        if sel is not None and coding is not None:
            self._act(lambda: self.ctx.session.set_span(coding.id, sel.start, sel.end))

    def action_cancel_span(self) -> None:
        """Stop editing a span without changing it."""
        self._stop_span_edit()

    def action_new_code(self) -> None:
        """Add a code of your own (and apply it to the selection)."""
        tree = self.query_one(CodeTree)
        parent = tree.focused_code.id if tree.has_focus and tree.focused_code else None
        self.app.push_screen(CodeForm(self.codebook, parent_id=parent), self._new_code)

    def action_search(self, everywhere: bool) -> None:
        """Search this transcript (or all); the chosen hit is selected."""
        dialog = SearchDialog(
            self._searcher, self.transcript_id, everywhere, self.ctx.last_query, self.ctx.last_hits
        )
        self.app.push_screen(dialog, self._jump)

    def action_uncoded(self, direction: int) -> None:
        """Move to the next (or previous) respondent sentence nobody — you — coded yet."""
        view = self.query_one(TranscriptView)
        if view.selection is None:
            return
        found = self.coverage.next_uncoded(view.selection.head, direction)
        if found is None:
            self.notify("no uncoded respondent sentence that way", timeout=3)
        else:
            view.selection = reading.select_sentence(self.doc, found)

    def action_next_flagged(self) -> None:
        """Select the next coding whose words are gone after a re-import (e then gives it a span)."""
        flagged = sorted((c for c in self.codings.values() if c.flagged), key=lambda c: (c.start, c.id))
        view = self.query_one(TranscriptView)
        if not flagged or view.selection is None:
            self.notify("no flagged coding in this transcript", timeout=3)
            return
        at = view.selection.start
        target = next((c for c in flagged if c.start > at), flagged[0])
        view.selection = reading.select_span(self.doc, target.start, target.end)

    def action_done(self) -> None:
        """Mark the transcript done (or not done again); asks first when little of it is coded."""
        coded, total = self.coverage.respondent_coverage()
        if self.done or not total or coded / total >= LOW_COVERAGE:
            self._act(lambda: self.ctx.session.set_done(self.transcript_id, not self.done))
            return
        # The home screen counts every sentence (interviewer lines too); give both figures, labelled,
        # short enough for the dialog's border at 80 columns.
        everything = f"{self.coverage.covered}/{len(self.coverage.counts)} in all"
        question = f"{coded}/{total} respondent sentences coded ({coded / total:.0%}); {everything}. Done?"
        choices = [("done", f"mark {self.transcript_id} done anyway"), ("back", "keep coding")]
        self.app.push_screen(
            ChoiceDialog(question, choices),
            lambda answer: (
                self._act(lambda: self.ctx.session.set_done(self.transcript_id, True))
                if answer == "done"
                else None
            ),
        )

    def action_undo(self) -> None:
        """Undo the last action of this session."""
        self._act(self.ctx.session.undo)

    def action_redo(self) -> None:
        """Redo the last undone action."""
        self._act(self.ctx.session.redo)

    def action_back(self) -> None:
        """Back to the transcripts."""
        self.dismiss()

    def action_toggle_tree(self) -> None:
        """Show or hide the code tree (hidden by default below 110 columns)."""
        pane = self.query_one(CodebookPane)
        shown = pane.display
        self.set_class(not shown, "-tree-shown")
        self.set_class(shown, "-tree-hidden")
        if shown:
            self.query_one(TranscriptView).focus()
        else:
            self.query_one(CodeTree).focus()

    def _answered(self, then: Callable[[A], Change]) -> Callable[[A | None], None]:
        """A dialog callback: run ``then`` with the answer; a cancelled dialog (None) does nothing."""

        def callback(answer: A | None) -> None:
            if answer is not None:
                self._act(lambda: then(answer))

        return callback

    def _with_coding(self, question: str, then: Callable[[Coding], Any]) -> None:
        sel = self.query_one(TranscriptView).selection
        here = reading.overlapping(self.codings.values(), sel.start, sel.end) if sel else []
        if len(here) == 1:
            then(here[0])
        elif here:
            choices = [(str(c.id), self._describe(c)) for c in here]
            self.app.push_screen(
                ChoiceDialog(question, choices), lambda k: then(self.codings[int(k)]) if k else None
            )

    def _describe(self, coding: Coding) -> Text:
        names = self.codebook.by_id()
        name = names[coding.code_id].name if coding.code_id in names else coding.code_id
        # A flagged coding's span holds none of its words: show the words it lost instead.
        words = coding.flagged_text if coding.flagged and coding.flagged_text else None
        quote = " ".join((words or self.doc.text[coding.start : coding.end]).split())
        marks = ("  ★" if coding.key_quote else "") + ("  ⚠ flagged" if coding.flagged else "")
        return Text.assemble((name, "bold"), marks, f"  “{quote[:60]}”")

    def _memo_dialog(self, coding: Coding) -> None:
        dialog = MemoDialog(f"Memo on {self._describe(coding).plain[:50]}", coding.memo)
        self.app.push_screen(dialog, self._answered(partial(self.ctx.session.set_coding_memo, coding.id)))

    def _start_span_edit(self, coding: Coding) -> None:
        self.editing = coding
        view = self.query_one(TranscriptView)
        view.editing = coding.id
        view.selection = reading.select_span(self.doc, coding.start, coding.end)
        view.focus()

    def _stop_span_edit(self) -> None:
        self.editing = None
        view = self.query_one(TranscriptView)
        view.editing = None
        if view.selection is not None:
            view.selection = view.selection
        self._refresh_keys()

    def _new_code(self, draft: CodeDraft | None) -> None:
        if draft is None:
            return
        if draft.existing is not None:
            self._apply(draft.existing)
            return
        change = self._perform(
            lambda: self.ctx.session.add_code(draft.name, draft.parent_id, draft.description)
        )
        if change is not None and draft.apply and change.codes:
            self._apply(change.codes[0].id)

    def _searcher(self, query: str, transcript_id: str | None) -> list[SearchHit]:
        """Run in a worker thread: a connection of its own, closed afterwards."""
        store = open_store(self.ctx.store.root)
        try:
            return finding.search(store, query, transcript_id)
        finally:
            store.close()

    def _jump(self, answer: tuple[str, list[SearchHit], SearchHit] | CodeHits | None) -> None:
        if isinstance(answer, CodeHits):
            self.code_hits(answer)
            return
        if answer is None:
            return
        self.ctx.last_query, self.ctx.last_hits, hit = answer
        if hit.transcript_id == self.transcript_id:
            view = self.query_one(TranscriptView)
            view.set_hits([(h.start, h.end) for h in answer[1] if h.transcript_id == self.transcript_id])
        self.go_to(hit.transcript_id, hit.start, hit.end)
