"""The review screen's "adjust" dialog: choose a span the way a coder does, and a code.

A lead who adjusts a decision selects the passage with the coding screen's own
transcript view and keys (sentences, turn, word by word), never with character
offsets, and sees the exact text that will be stored: the selection widened
to whole words, as ``services.reconcile.decide`` will store it. The code is
typed by name, path or id; one that is not in the codebook keeps the dialog
open with what was typed. Like every dialog it gets what it shows through its
constructor and never touches the project.

| Key | Action |
| --- | --- |
| ↑ ↓ / k j, ⇧↑ ⇧↓ / K J, t, [ ] { } | select, as on the coding screen |
| ⇥ | between the passage and the code |
| ⏎ | save |
| esc | cancel |
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, Label, Static

from coder.analysis.reconcile import Piece
from coder.model import Codebook
from coder.services import reading
from coder.services.reading import TranscriptDoc
from coder.tui.screens.dialogs import Dialog
from coder.tui.widgets.transcript_view import TranscriptView


def find_code(codebook: Codebook, typed: str) -> str | None:
    """The id of the code ``typed`` names: its id, name or path (case-insensitive)."""
    wanted = typed.strip().casefold()
    for code in codebook.codes:
        if wanted in (code.id.casefold(), code.name.casefold(), codebook.path(code.id).casefold()):
            return code.id
    return None


class AdjustDialog(Dialog[Piece]):
    """Adjust a decision: select the passage as on the coding screen, name the code."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter", "save", "save", key_display="⏎")]
    DEFAULT_CSS = """
    AdjustDialog > Vertical { width: 100; max-width: 98%; height: 90%; }
    AdjustDialog TranscriptView { height: 1fr; border: round $primary 50%; }
    AdjustDialog TranscriptView:focus { border: round $accent; }
    AdjustDialog #adjust-quote { height: auto; max-height: 5; color: $text; }
    """

    def __init__(self, doc: TranscriptDoc, start: int, end: int, codebook: Codebook, code: str) -> None:
        super().__init__()
        self.doc, self.codebook = doc, codebook
        self.initial = reading.select_span(doc, start, end)
        known = codebook.by_id()
        self.code_text = known[code].name if code in known else code

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as box:
            box.border_title = "Adjust span and code"
            box.border_subtitle = "↑↓ ⇧↑↓ t [ ] { } select · ⇥ code · ⏎ save · esc cancel"
            yield TranscriptView(id="adjust-view")
            yield Static("", id="adjust-quote", markup=False)
            yield Label("Code (name, path or id)")
            yield Input(self.code_text, id="adjust-code")
            yield Label("", classes="error")

    def on_mount(self) -> None:
        super().on_mount()
        view = self.query_one(TranscriptView)
        view.load(self.doc, self.initial)
        view.focus()

    # -- handlers ----------------------------------------------------------------------

    def on_transcript_view_selection_changed(self, event: TranscriptView.SelectionChanged) -> None:
        sel = event.selection
        words = reading.whole_words(self.doc.text, sel.start, sel.end)
        quote = " ".join(self.doc.text[words[0] : words[1]].split()) if words else ""
        where = f"chars {words[0]}–{words[1]}" if words else "no words selected"
        self.query_one("#adjust-quote", Static).update(f"stores ({where}): “{quote}”")

    @on(Input.Submitted, "#adjust-code")
    def _code_entered(self) -> None:
        self.action_save()

    # -- actions -------------------------------------------------------------------------

    def action_save(self) -> None:
        """Answer with the selection (whole words) and the code; stay open if either is wrong."""
        typed = self.query_one("#adjust-code", Input).value
        code = find_code(self.codebook, typed)
        sel = self.query_one(TranscriptView).selection
        words = reading.whole_words(self.doc.text, sel.start, sel.end) if sel else None
        error = self.query_one(".error", Label)
        if code is None:
            error.update(f"No code {typed.strip()!r} in the codebook: type its name, path or id.")
            self.query_one("#adjust-code", Input).focus()
        elif words is None:
            error.update("Select a passage with words in it.")
        else:
            self.dismiss(Piece(words[0], words[1], code))
