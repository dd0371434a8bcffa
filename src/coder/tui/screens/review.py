"""The review screen: one disagreement at a time, A | B side by side, a key per decision.

The lead works through the queue ``coder reconcile`` left: the passage in its
context above, each coder's codings on it side by side below, and a note line.
A key decides (a, b, 2 for both, n for neither, e to adjust span and code)
and moves on to the next open disagreement, so the queue is an hour of
keystrokes, not of mouse work. Opening the screen again resumes at the first
open disagreement; the progress line says "37 of 112".

Every decision goes through ``services.reconcile.decide`` on the main thread:
one small transaction that records the decision, logs it and updates the
consensus layer's codings of that transcript. The queue itself is read once
on mount and refreshed from the store after each decision.

| Key | Action |
| --- | --- |
| a / b | accept coder A's / coder B's codings |
| 2 | accept both |
| n | accept neither |
| e | adjust: one coding with a span and code of your own |
| m | write a note (⏎ keeps it, and updates a decided one) |
| → / ← (or j / k) | next / previous disagreement |
| ] | next open disagreement |
| u | take the decision back (open again) |
| q / esc | close the screen |
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Input, Label, Static

from coder.errors import CoderError
from coder.reconcile import Piece, ReviewItem, Side
from coder.services.reconcile import decide, reopen, review_queue
from coder.storage import Store
from coder.tui.widgets.status import TitleBar

if TYPE_CHECKING:
    from coder.tui.context import TuiContext

CHOICE_LABELS = {
    "a": "accept A",
    "b": "accept B",
    "both": "accept both",
    "neither": "neither",
    "edit": "adjusted",
}


def default_layer(store: Store) -> str:
    """The consensus layer to review: the first one with a queue, else ``final``."""
    layers = [c["name"] for c in store.coders() if c["kind"] == "consensus"]
    return next((name for name in layers if store.review_items(name)), "final")


def first_open(items: list[ReviewItem], after: int = -1) -> int | None:
    """Index of the first open disagreement after position ``after`` (wrapping round)."""
    order = list(range(after + 1, len(items))) + list(range(0, after + 1))
    return next((i for i in order if items[i].status == "open"), None)


def context_span(store: Store, item: ReviewItem) -> tuple[int, int]:
    """The sentences around a disagreement: one before it, one after it."""
    sentences = store.segments(item.transcript_id, "sentence")
    touching = [i for i, s in enumerate(sentences) if s.end > item.start and s.start < item.end]
    if not touching:
        return max(0, item.start - 200), item.end + 200
    lo, hi = max(0, touching[0] - 1), min(len(sentences) - 1, touching[-1] + 1)
    return min(sentences[lo].start, item.start), max(sentences[hi].end, item.end)


class EditDialog(ModalScreen[Piece | None]):
    """Adjust a decision: one coding with the span and code the lead chooses."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "cancel")]
    DEFAULT_CSS = """
    EditDialog { align: center middle; }
    EditDialog > Vertical {
        width: 70; height: auto; border: round $accent; background: $surface; padding: 0 1;
    }
    EditDialog .error { color: $error; }
    """

    def __init__(self, start: int, end: int, code: str) -> None:
        super().__init__()
        self.start, self.end, self.code = start, end, code

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "Adjust span and code"
            box.border_subtitle = "⏎ save · esc cancel"
            yield Label("Code id")
            yield Input(self.code, id="edit-code")
            yield Label("Start and end (characters)")
            yield Input(f"{self.start}-{self.end}", id="edit-span")
            yield Label("", classes="error")

    @on(Input.Submitted)
    def _save(self) -> None:
        code = self.query_one("#edit-code", Input).value.strip()
        start, _, end = self.query_one("#edit-span", Input).value.partition("-")
        try:
            piece = Piece(int(start), int(end), code)
        except ValueError:
            self.query_one(".error", Label).update("Give the span as START-END, e.g. 120-180.")
            return
        self.dismiss(piece if code else None)

    def action_cancel(self) -> None:
        """Close without a change."""
        self.dismiss(None)


class ReviewScreen(Screen[None]):
    """The disagreements of a consensus layer, one at a time, decided with one key."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "decide('a')", "accept A"),
        Binding("b", "decide('b')", "accept B"),
        Binding("2", "decide('both')", "both"),
        Binding("n", "decide('neither')", "neither"),
        Binding("e", "edit", "adjust"),
        Binding("m", "note", "note"),
        Binding("right,j", "step(1)", "next", key_display="→"),
        Binding("left,k", "step(-1)", "previous", key_display="←"),
        Binding("right_square_bracket", "next_open", "next open", key_display="]"),
        Binding("u", "reopen", "undo decision"),
        Binding("escape", "leave", "back", show=False),
        Binding("q", "close", "close"),
    ]

    DEFAULT_CSS = """
    ReviewScreen {
        layout: vertical;
        & #rv-heading { height: auto; padding: 0 1; background: $boost; }
        & #rv-context { height: 1fr; padding: 0 1; border: round $primary 50%; border-title-color: $text; }
        & #rv-sides { height: 1fr; }
        & .rv-side { width: 1fr; height: 1fr; padding: 0 1; border: round $primary 50%; }
        & .rv-side.-accepted { border: round $success; }
        & .rv-side.-rejected { border: round $error 60%; }
        & #rv-note { margin: 0 1; }
    }
    """

    position: reactive[int] = reactive(0, init=False)
    """Index of the disagreement shown, in text order."""

    class Decided(Message):
        """The lead decided a disagreement (or took a decision back)."""

        def __init__(self, item: ReviewItem) -> None:
            self.item = item
            super().__init__()

    def __init__(
        self, source: Store | TuiContext, coder: str | None = None, layer: str | None = None
    ) -> None:
        """``source`` is the project's store (or the app's context); ``coder`` is who decides."""
        super().__init__()
        self.store: Store = source if isinstance(source, Store) else source.store
        self.actor = coder or (None if isinstance(source, Store) else source.coder) or "lead"
        self.review_layer = layer or default_layer(self.store)
        self.items: list[ReviewItem] = []

    def compose(self) -> ComposeResult:
        yield TitleBar(
            f"coder · {self.store.get_setting('name', '') or self.store.root.name} · review {self.review_layer}"
        )
        yield Static("", id="rv-heading")
        yield VerticalScroll(Static("", id="rv-context-body"), id="rv-context")
        with Horizontal(id="rv-sides"):
            yield VerticalScroll(Static("", id="rv-a-body"), id="rv-side-a", classes="rv-side")
            yield VerticalScroll(Static("", id="rv-b-body"), id="rv-side-b", classes="rv-side")
        yield Input(placeholder="note for this decision (m)", id="rv-note")
        yield Footer()

    def on_mount(self) -> None:
        self.items = review_queue(self.store, self.review_layer)
        self.query_one("#rv-note", Input).cursor_blink = bool(getattr(self.app, "cursor_blink", True))
        if not self.items:
            self.query_one("#rv-heading", Static).update(
                Text(
                    f"No disagreements in {self.review_layer!r}. Build the layer first: coder reconcile --coders A,B --into {self.review_layer}"
                )
            )
            return
        start = first_open(self.items)
        self.set_reactive(ReviewScreen.position, start if start is not None else 0)
        self._show()
        self.query_one("#rv-context").focus()

    # -- watchers ----------------------------------------------------------------------------

    def watch_position(self) -> None:
        self._show()

    # -- handlers ------------------------------------------------------------------------------

    @on(Input.Submitted, "#rv-note")
    def _note_done(self, event: Input.Submitted) -> None:
        item = self.current
        self.query_one("#rv-context").focus()
        if item is not None and item.status == "decided" and event.value.strip() != item.note:
            edit = list(item.result) if item.choice == "edit" else None
            self._decide(item.choice or "neither", advance=False, edit=edit)

    # -- actions ---------------------------------------------------------------------------------

    @property
    def current(self) -> ReviewItem | None:
        """The disagreement shown."""
        return self.items[self.position] if 0 <= self.position < len(self.items) else None

    @property
    def progress(self) -> str:
        """Where the lead is: "37 of 112 · 20 open"."""
        n_open = sum(i.status == "open" for i in self.items)
        return (
            f"{self.position + 1} of {len(self.items)} · {n_open} open" if self.items else "nothing to review"
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Hide keys that cannot apply: nothing to decide, nothing to undo."""
        if action in ("decide", "edit", "note", "step", "next_open"):
            return bool(self.items)
        if action == "reopen":
            return self.current is not None and self.current.status == "decided"
        return True

    def action_decide(self, choice: str) -> None:
        """Decide the shown disagreement and move on to the next open one."""
        self._decide(choice, advance=True)

    def action_edit(self) -> None:
        """Decide with one coding of your own span and code."""
        item = self.current
        if item is None:
            return
        code = (item.result or item.items)[0].code if (item.result or item.items) else ""
        self.app.push_screen(EditDialog(item.start, item.end, code), self._edited)

    def _edited(self, piece: Piece | None) -> None:
        if piece is not None:
            self._decide("edit", advance=True, edit=[piece])

    def action_note(self) -> None:
        """Write the note for this decision."""
        self.query_one("#rv-note", Input).focus()

    def action_step(self, step: int) -> None:
        """Show the next (1) or previous (-1) disagreement."""
        if self.items:
            self.position = max(0, min(len(self.items) - 1, self.position + step))

    def action_next_open(self) -> None:
        """Jump to the next disagreement still open."""
        found = first_open(self.items, self.position)
        if found is None:
            self.notify("Every disagreement is decided.")
        else:
            self.position = found

    def action_reopen(self) -> None:
        """Take the shown decision back."""
        item = self.current
        if item is not None and item.status == "decided":
            self._replace(reopen(self.store, item.id, self.actor))

    def action_leave(self) -> None:
        """Leave the note line, or close the screen."""
        if self.query_one("#rv-note", Input).has_focus:
            self.query_one("#rv-context").focus()
        else:
            self.action_close()

    def action_close(self) -> None:
        """Close the review screen."""
        if len(self.app.screen_stack) > 1:
            self.dismiss(None)

    # -- deciding ------------------------------------------------------------------------------------

    def _decide(self, choice: str, advance: bool, edit: list[Piece] | None = None) -> None:
        item = self.current
        if item is None:
            return
        note = self.query_one("#rv-note", Input).value.strip()
        try:
            decided = decide(self.store, item.id, choice, self.actor, note, edit)
        except CoderError as exc:
            self.notify(exc.message + (f" — {exc.hint}" if exc.hint else ""), severity="error")
            return
        self._replace(decided)
        if advance:
            following = first_open(self.items, self.position)
            if following is None:
                self.notify(f"All {len(self.items)} disagreements are decided.")
            elif following != self.position:
                self.position = following

    def _replace(self, item: ReviewItem) -> None:
        self.items[self.position] = item
        self.post_message(self.Decided(item))
        self._show()
        self.refresh_bindings()

    # -- showing ----------------------------------------------------------------------------------------

    def _show(self) -> None:
        item = self.current
        if item is None:
            return
        self.query_one(TitleBar).set_right(self.progress)
        self.query_one("#rv-heading", Static).update(self._heading(item))
        self.query_one("#rv-context-body", Static).update(self._passage(item))
        self.query_one("#rv-context").border_title = Text(
            f"{item.transcript_id} · chars {item.start}–{item.end}"
        )
        sides: tuple[Side, Side] = ("a", "b")
        for side, name in zip(sides, item.coders, strict=True):
            box = self.query_one(f"#rv-side-{side}")
            accepted = item.status == "decided" and item.choice in (side, "both")
            box.set_class(accepted, "-accepted")
            box.set_class(item.status == "decided" and not accepted, "-rejected")
            box.border_title = Text(f"{side.upper()} · {name}")
            self.query_one(f"#rv-{side}-body", Static).update(self._side(item, side))
        self.query_one("#rv-note", Input).value = item.note

    def _heading(self, item: ReviewItem) -> Content:
        if item.status != "decided":
            return Content.assemble(
                (f"#{item.id} open", "bold $warning"), "  a · b · 2 both · n neither · e adjust"
            )
        pieces = ", ".join(f"{p.code} {p.start}–{p.end}" for p in item.result) or "nothing"
        return Content.assemble(
            (f"#{item.id} {CHOICE_LABELS.get(item.choice or '', item.choice or '')}", "bold $success"),
            f" by {item.decided_by} → {self.review_layer}: {pieces}",
        )

    def _passage(self, item: ReviewItem) -> Content:
        text = self.store.get_transcript(item.transcript_id).text
        lo, hi = context_span(self.store, item)
        return Content.assemble(
            (text[lo : item.start], "$text-muted"),
            (text[item.start : item.end], "bold on $accent 35%"),
            (text[item.end : hi], "$text-muted"),
        )

    def _side(self, item: ReviewItem, side: Side) -> Content:
        text = self.store.get_transcript(item.transcript_id).text
        book = self.store.codebook()
        known = book.by_id()
        parts: list[str | tuple[str, str]] = []
        for coding in item.side(side):
            name = known[coding.code].name if coding.code in known else coding.code
            path = book.path(coding.code) if coding.code in known else coding.code
            parts.append((f"● {name}", "bold"))
            parts.append((f"  {path} · chars {coding.start}–{coding.end}\n", "$text-muted"))
            parts.append(f"  “{' '.join(text[coding.start : coding.end].split())}”\n")
            if coding.memo:
                parts.append((f"  memo: {coding.memo}\n", "italic"))
        return (
            Content.assemble(*parts)
            if parts
            else Content.styled("(did not code this passage)", "$text-muted")
        )
