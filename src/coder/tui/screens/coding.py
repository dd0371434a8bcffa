"""The coding screen: one transcript, the codebook, and one coder's codings.

Blind by construction: it reads only ``Store.codings(coder=...)`` and the blind
view of the codebook (shared codes plus this coder's own), so another coder's
work cannot reach it. Every action is one ``Session`` call — a committed
transaction — and its ``Change`` is applied in place (a dict of codings, a
coverage counter, tree counts), so nothing is reloaded after an action and the
status line says "✓ saved" only once the service has returned.

| Key | Action |
| --- | --- |
| ⏎ / c | open the code picker (⏎ in the code tree applies the focused code) |
| 1 … 9 | apply one of the nine most recently used codes |
| x | remove a code from the selection (asks which if several) |
| e | change a coding's span: select it, adjust, ⏎ saves, esc cancels |
| m / M | memo on a coding / on the transcript |
| * | mark a coding as a key quote (again to unmark) |
| n | new code (stored as added by this coder) |
| / , ctrl+f | search this transcript / all transcripts (lemma-aware); ctrl+o codes the hits |
| s | similar passages for a code here ("more like this"): ⏎ jump, a apply, x dismiss |
| g / G | next / previous uncoded respondent sentence |
| d | mark the transcript done (again to undo) |
| F | next flagged coding (words gone after a re-import; ⚠ in the margin): e mends it |
| u, ctrl+z / ctrl+y | undo / redo |
| b | show or hide the code tree (folded away below 110 columns) |
| q | back to the transcripts |
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any, ClassVar, TypeVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Footer

from coder.errors import CoderError
from coder.model import Code, Coding
from coder.services import finding, reading
from coder.services.finding import SearchHit
from coder.services.reading import Coverage, Selection
from coder.services.session import Change
from coder.storage import open_store
from coder.tui.context import TuiContext
from coder.tui.screens.coding_assist import AssistActions
from coder.tui.screens.dialogs import CREATE, ChoiceDialog, CodeDraft, CodeForm, CodePicker, MemoDialog
from coder.tui.screens.search import CodeHits, SearchDialog
from coder.tui.widgets.code_tree import CodebookPane, CodeTree, code_colors
from coder.tui.widgets.status import DefinitionStrip, RecentBar, StatusLine, TitleBar
from coder.tui.widgets.transcript_view import TranscriptView

A = TypeVar("A")
NEEDS_CODING = {"remove", "memo", "key_quote", "edit_span"}
RECENT = "apply one of the 9 most recent codes"
LOW_COVERAGE = 0.5  # below this share of respondent sentences coded, 'd' asks first
FLAGGED = "⚠ flagged: words gone — e changes its span, or `coder codings resolve`"


def describe_selection(sel: Selection, here: list[Coding], names: dict[str, Code], editing: bool) -> str:
    """The status line's 'sentence 14, chars 796–851 · 2 codes here: A, B'."""
    sentence = (
        f"sentence {sel.head + 1}" if sel.first == sel.last else f"sentences {sel.first + 1}–{sel.last + 1}"
    )
    codes = ", ".join(dict.fromkeys(names[c.code_id].name if c.code_id in names else c.code_id for c in here))
    count = f"{len(here)} code{'s' * (len(here) != 1)} here" + (f": {codes}" if codes else "")
    # The flag goes first: it is what needs doing, and the line is cut at the right on narrow terminals.
    flag = f"{FLAGGED} · " if any(c.flagged for c in here) else ""
    return f"{'editing span · ' if editing else ''}{flag}{sentence}, chars {sel.start}–{sel.end} · {count}"


class CodingScreen(AssistActions):
    """Code one transcript: select, apply, adjust, memo — all saved as you go."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,c", "pick", "code", key_display="⏎", tooltip="apply a code to the selection (picker)"),
        Binding(
            "enter", "save_span", "save span", key_display="⏎", tooltip="save the new span of the coding"
        ),
        Binding("escape", "cancel_span", "cancel", show=False, tooltip="stop changing the span"),
        Binding("1", "recent(0)", "recent", key_display="1-9", tooltip=RECENT),
        *(Binding(str(i + 1), f"recent({i})", "recent", show=False, tooltip=RECENT) for i in range(1, 9)),
        Binding("x", "remove", "remove", tooltip="remove a code from the selection"),
        Binding("e", "edit_span", "span", show=False, tooltip="change a coding's span (⏎ saves)"),
        Binding("m", "memo", "memo", tooltip="memo on a coding here"),
        Binding("M", "transcript_memo", "transcript memo", show=False, tooltip="memo on the transcript"),
        Binding("asterisk", "key_quote", "key", key_display="*", tooltip="mark a coding as key quote"),
        Binding("n", "new_code", "new", tooltip="new code of your own"),
        Binding(
            "s", "similar", "similar", show=False, tooltip="similar passages for a code here (more like this)"
        ),
        Binding(
            "slash", "search(False)", "search", key_display="/", show=False, tooltip="search this transcript"
        ),
        Binding("ctrl+f", "search(True)", "search all", show=False, tooltip="search all transcripts"),
        Binding("g", "uncoded(1)", "uncoded", show=False, tooltip="next uncoded respondent sentence"),
        Binding(
            "G", "uncoded(-1)", "previous uncoded", show=False, tooltip="previous uncoded respondent sentence"
        ),
        Binding("d", "done", "done", show=False, tooltip="mark the transcript done / not done"),
        Binding(
            "F", "next_flagged", "flagged", show=False, tooltip="next flagged coding (its words are gone)"
        ),
        Binding("u,ctrl+z", "undo", "undo", tooltip="undo the last action"),
        Binding("ctrl+y", "redo", "redo", show=False, tooltip="redo"),
        Binding("q", "back", "back", show=False, tooltip="back to the transcripts"),
        Binding("b", "toggle_tree", "codebook", show=False, tooltip="show or hide the code tree"),
    ]

    def __init__(self, ctx: TuiContext, transcript_id: str, span: tuple[int, int] | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.doc = reading.load_doc(ctx.store, transcript_id)
        self.codings: dict[int, Coding] = {
            c.id: c for c in ctx.store.codings(coder=ctx.coder, transcript_id=transcript_id)
        }
        self.coverage = Coverage(self.doc, ((c.start, c.end) for c in self.codings.values()))
        self.codebook = finding.coder_codebook(ctx.store, ctx.coder)
        self.done = ctx.store.is_done(transcript_id, ctx.coder)
        self.editing: Coding | None = None
        self._span = span
        self._coded_here = False
        self._key_state: tuple[object, ...] = ()

    @property
    def transcript_id(self) -> str:
        """The transcript on this screen."""
        return self.doc.transcript.id

    def compose(self) -> ComposeResult:
        yield TitleBar(f"coder · {self.ctx.study} · coder {self.ctx.coder}")
        with Horizontal(id="panes"):
            yield TranscriptView(id="transcript")
            yield CodebookPane(self.ctx.coder, id="codebook")
        yield DefinitionStrip(id="definition")
        yield RecentBar(id="recent")
        yield StatusLine(id="status")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        view = self.query_one(TranscriptView)
        view.border_title = Text(self.transcript_id)
        pane = self.query_one(CodebookPane)
        pane.border_title, pane.border_subtitle = "Codebook", "/ filter"
        if self._span:
            start = reading.select_span(self.doc, *self._span)
        else:
            start = reading.select_sentence(self.doc, self.coverage.next_uncoded(-1, 1) or 0)
        view.load(self.doc, start)
        self._show_codebook()
        view.set_codings(self.codings.values())
        self.query_one(CodeTree).show_codes(self.codebook, self.ctx.store.code_counts(self.ctx.coder))
        self.query_one(StatusLine).saved = "✓ everything saved"
        flagged = sum(1 for c in self.codings.values() if c.flagged)
        if flagged:
            self.notify(f"⚠ {flagged} flagged coding(s) here lost their words: F goes to them", timeout=8)
        self._retitle()
        self._show_recent()
        view.focus()

    # -- handlers ----------------------------------------------------------------------

    def on_transcript_view_selection_changed(self, event: TranscriptView.SelectionChanged) -> None:
        here = reading.overlapping(self.codings.values(), event.selection.start, event.selection.end)
        tree = self.query_one(CodeTree)
        names = self.codebook.by_id()
        shown = tree.focused_code if tree.has_focus else (names.get(here[0].code_id) if here else None)
        self.query_one(DefinitionStrip).show_code(shown, self.codebook)
        self.query_one(StatusLine).where = describe_selection(
            event.selection, here, names, self.editing is not None
        )
        self._coded_here = bool(here)
        self._refresh_keys()

    def on_code_tree_code_focused(self, event: CodeTree.CodeFocused) -> None:
        if self.query_one(CodeTree).has_focus:
            self.query_one(DefinitionStrip).show_code(event.code, self.codebook)

    def on_descendant_focus(self) -> None:
        tree = self.query_one(CodeTree)
        if tree.has_focus:
            self.query_one(DefinitionStrip).show_code(tree.focused_code, self.codebook)

    def on_code_tree_code_chosen(self, event: CodeTree.CodeChosen) -> None:
        self._apply(event.code.id)

    def on_code_tree_memo_requested(self, event: CodeTree.MemoRequested) -> None:
        code = event.code
        dialog = MemoDialog(f"Memo on code {code.name}", self.ctx.session.memo_text("code", code.id))
        self.app.push_screen(dialog, self._answered(partial(self.ctx.session.set_memo, "code", code.id)))

    def on_code_tree_edit_requested(self, event: CodeTree.EditRequested) -> None:
        code = event.code

        def save(draft: CodeDraft) -> Change:
            return self.ctx.session.edit_code(code.id, name=draft.name, description=draft.description)

        self.app.push_screen(CodeForm(self.codebook, code=code), self._answered(save))

    # -- actions -------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Offer only what can apply now, so the footer tells the truth."""
        sel = self.query_one(TranscriptView).selection if self.is_mounted else None
        if action == "pick":
            return self.editing is None
        if action in ("save_span", "cancel_span"):
            return self.editing is not None
        if action == "recent":
            return len(self._recent()) > int(str(parameters[0])) if parameters else None
        if action in NEEDS_CODING:
            return sel is not None and bool(reading.overlapping(self.codings.values(), sel.start, sel.end))
        if action == "undo":
            return self.ctx.session.can_undo
        if action == "redo":
            return self.ctx.session.can_redo
        return True

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
        question = f"Only {coded} of {total} respondent sentences ({coded / total:.0%}) are coded. Done?"
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

    # -- doing things ----------------------------------------------------------------------

    def _apply(self, code_id: str) -> None:
        sel = self.query_one(TranscriptView).selection
        if sel is not None:
            self._act(lambda: self.ctx.session.apply(self.transcript_id, sel.start, sel.end, code_id))

    def _answered(self, then: Callable[[A], Change]) -> Callable[[A | None], None]:
        """A dialog callback: run ``then`` with the answer; a cancelled dialog (None) does nothing."""

        def callback(answer: A | None) -> None:
            if answer is not None:
                self._act(lambda: then(answer))

        return callback

    def _act(self, action: Callable[[], Change]) -> None:
        """Run one session action (see ``_perform``)."""
        self._perform(action)

    def _perform(self, action: Callable[[], Change]) -> Change | None:
        """Run one session action; show it as saved only once it is committed."""
        try:
            change = action()
        except CoderError as exc:
            self._failed(exc.message + (f" — {exc.hint}" if exc.hint else ""))
            return None
        except sqlite3.Error as exc:
            self._failed(f"the project database refused the change ({exc}); nothing was saved")
            return None
        self.apply_change(change)
        return change

    def _failed(self, message: str) -> None:
        self.query_one(StatusLine).mark_error(message)
        self.notify(message, severity="error")

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
        quote = " ".join(self.doc.text[coding.start : coding.end].split())
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

    # -- public methods ----------------------------------------------------------------------

    def palette_commands(self) -> Iterable[tuple[str, str, Callable[[], object]]]:
        """Extra command-palette entries: the recent codes by name."""
        for i, code in enumerate(self._recent()):
            yield f"Apply recent code {i + 1}: {code.name}", f"key {i + 1}", partial(self._apply, code.id)

    def apply_change(self, change: Change) -> None:
        """Show what an action did, in place: codings, counts, coverage, codes, status."""
        tree = self.query_one(CodeTree)
        for coding in change.removed:
            tree.bump(coding.code_id, -1)
            if self.codings.pop(coding.id, None) is not None:
                self.coverage.add(coding.start, coding.end, -1)
        for coding in change.added:
            tree.bump(coding.code_id, 1)
            if coding.transcript_id == self.transcript_id:
                self.codings[coding.id] = coding
                self.coverage.add(coding.start, coding.end)
        if change.codes or change.dropped_codes:
            self.codebook = finding.coder_codebook(self.ctx.store, self.ctx.coder)
            tree.show_codes(self.codebook, tree.counts)
            self._show_codebook()
        if change.done and change.done[0] == self.transcript_id:
            self.done = change.done[1]
        view = self.query_one(TranscriptView)
        view.set_codings(self.codings.values())
        if view.selection is not None:
            view.selection = view.selection
        elsewhere = sorted({c.transcript_id for c in (*change.added, *change.removed)} - {self.transcript_id})
        where = f" (in {', '.join(elsewhere)})" if elsewhere else ""
        self.query_one(StatusLine).mark_saved(change.saved_at, change.label + where)
        self._retitle()
        self._show_recent()
        self._refresh_keys()

    def _refresh_keys(self) -> None:
        """Refresh the footer only when what the keys can do has changed (it is costly)."""
        session = self.ctx.session
        state = (
            self._coded_here,
            self.editing is not None,
            session.can_undo,
            session.can_redo,
            len(session.recent),
        )
        if state != self._key_state:
            self._key_state = state
            self.refresh_bindings()

    def _show_codebook(self) -> None:
        colors = code_colors(self.codebook)
        self.query_one(TranscriptView).set_codes({c.id: c.name for c in self.codebook.codes}, colors)

    def _recent(self) -> list[Code]:
        """The recent codes keys 1–9 apply (a code merged away since is skipped, as on the bar)."""
        names = self.codebook.by_id()
        return [names[c] for c in self.ctx.session.recent if c in names]

    def _show_recent(self) -> None:
        self.query_one(RecentBar).show_codes([c.name for c in self._recent()])

    def _retitle(self) -> None:
        attrs = " · ".join(self.doc.transcript.attributes.values())
        progress = f"{self.coverage.covered}/{len(self.doc.sentences)} coded"
        done = " · ✓ done" if self.done else ""
        self.query_one(TitleBar).set_right(
            " · ".join(x for x in (self.transcript_id, attrs, progress) if x) + done
        )
