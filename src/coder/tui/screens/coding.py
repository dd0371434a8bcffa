"""The coding screen: one transcript, the codebook, and one coder's codings.

Blind by construction: it reads only ``Store.codings(coder=...)`` and the blind
view of the codebook (shared codes plus this coder's own), so another coder's
work cannot reach it. Every action is one ``Session`` call — a committed
transaction — and its ``Change`` is applied in place (a dict of codings, a
coverage counter, tree counts), so nothing is reloaded after an action and the
status line says "✓ saved" only once the service has returned. The key
actions live in the ``CodingActions`` mixin (``coding_actions``), the assisted
ones in ``AssistActions`` (``coding_assist``); this module keeps the layout,
the handlers and the one place an action is run and shown.

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
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Footer

from coder.errors import CoderError
from coder.model import Code, Coding
from coder.services import finding, reading
from coder.services.reading import Coverage, Selection
from coder.services.session import Change
from coder.tui.context import TuiContext
from coder.tui.screens.coding_actions import CodingActions
from coder.tui.screens.dialogs import CodeDraft, CodeForm, MemoDialog
from coder.tui.widgets.code_tree import CodebookPane, CodeTree, code_colors
from coder.tui.widgets.status import DefinitionStrip, RecentBar, StatusLine, TitleBar
from coder.tui.widgets.transcript_view import TranscriptView

NEEDS_CODING = {"remove", "memo", "key_quote", "edit_span"}
RECENT = "apply one of the 9 most recent codes"
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


class CodingScreen(CodingActions):
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

    # -- doing things ----------------------------------------------------------------------

    def _apply(self, code_id: str) -> None:
        sel = self.query_one(TranscriptView).selection
        if sel is not None:
            self._act(lambda: self.ctx.session.apply(self.transcript_id, sel.start, sel.end, code_id))

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
