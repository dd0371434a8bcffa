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
on mount and refreshed from the store after each decision. Building the layer
(``r``) reconciles whole projects, so it runs in a thread worker on a
connection of its own (a sqlite connection is never shared with a thread);
the queue is read again when it is done.

| Key | Action |
| --- | --- |
| a / b | accept coder A's / coder B's codings |
| 2 | accept both |
| n | accept neither |
| e | adjust: select a passage as on the coding screen, and name the code |
| m | write a note (⏎ keeps it, and updates a decided one) |
| → / ← (or j / k) | next / previous disagreement |
| ] | next open disagreement |
| u | take the decision back (open again) |
| P | codes by name, or by their place in the tree |
| r | build or update the consensus layer from the coders present |
| q / esc | close the screen |
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Input, Static
from textual.worker import Worker, WorkerState

from coder.analysis.reconcile import Piece, ReviewItem, Side
from coder.errors import CoderError
from coder.services.project import open_project
from coder.services.reading import load_doc
from coder.services.reconcile import build_layer, decide, layer_pairs, reopen, review_queue
from coder.storage import Store
from coder.tui.screens.adjust import AdjustDialog
from coder.tui.screens.dialogs import ChoiceDialog
from coder.tui.screens.review_items import context_span, default_layer, empty_hint, first_open, shown_span
from coder.tui.widgets.code_labels import CodeLabels
from coder.tui.widgets.footer import FittedFooter
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


class ReviewScreen(Screen[None]):
    """The disagreements of a consensus layer, one at a time, decided with one key."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # First, so that a narrow footer never hides how to leave.
        Binding("escape", "leave", "back", show=False),
        Binding("q", "close", "close"),
        # Short words, so that the decisions, adjust and note fit whole at 80 columns.
        Binding("a", "decide('a')", "take A", tooltip="accept A's coding"),
        Binding("b", "decide('b')", "take B", tooltip="accept B's coding"),
        Binding("2", "decide('both')", "both"),
        Binding("n", "decide('neither')", "neither"),
        Binding("e", "edit", "adjust"),
        Binding("m", "note", "note"),
        Binding("right,j", "step(1)", "next", key_display="→"),
        Binding("left,k", "step(-1)", "previous", key_display="←"),
        Binding("right_square_bracket", "next_open", "next open", key_display="]"),
        Binding("u", "reopen", "undo decision"),
        Binding(
            "P", "toggle_paths", "paths", tooltip="show each code's place in the tree (or its name only)"
        ),
        Binding("r", "build", "build layer", tooltip="build or update the consensus layer (coder reconcile)"),
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
        self.labels = CodeLabels(self.store.codebook())
        self.building = False
        """Whether the consensus layer is being built (decisions wait for it)."""

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
        yield FittedFooter()

    def on_mount(self) -> None:
        self.query_one("#rv-note", Input).cursor_blink = bool(getattr(self.app, "cursor_blink", True))
        self._load()

    def _load(self) -> None:
        """Read the queue; show the first open disagreement, or say how to fill the queue."""
        self.items = review_queue(self.store, self.review_layer)
        self.refresh_bindings()
        if not self.items:
            self.query_one("#rv-heading", Static).update(Text(empty_hint(self.store, self.review_layer)))
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
        if action in ("decide", "edit", "note", "step", "next_open", "build"):
            return not self.building and (action == "build" or bool(self.items))
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
        pieces = item.result if item.choice == "edit" and item.result else item.items
        start, end = (pieces[0].start, pieces[0].end) if item.choice == "edit" else (item.start, item.end)
        code = pieces[0].code if pieces else ""
        doc = load_doc(self.store, item.transcript_id)
        self.app.push_screen(AdjustDialog(doc, start, end, self.store.codebook(), code), self._edited)

    def _edited(self, piece: Piece | None) -> None:
        # Stays on the adjusted disagreement, so the lead sees the span that was stored.
        if piece is not None:
            self._decide("edit", advance=False, edit=[piece])

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

    def action_toggle_paths(self) -> None:
        """Show codes by name, or by their place in the tree."""
        self.labels.paths = not self.labels.paths
        self._show()

    def action_build(self) -> None:
        """Build or update the consensus layer, as ``coder reconcile`` does, then review it."""
        pairs = layer_pairs(self.store, self.review_layer)
        if not pairs:
            self.notify("A consensus layer needs two coders who have coded.", severity="warning")
        elif len(pairs) == 1:
            self._build(pairs[0])
        else:
            choices = [(f"{a},{b}", f"{a} and {b}") for a, b in pairs]
            question = f"Build {self.review_layer!r} from which two coders?"
            self.app.push_screen(
                ChoiceDialog(question, choices),
                lambda key: self._build(tuple(key.split(","))) if key else None,
            )

    def _build(self, coders: tuple[str, ...]) -> None:
        self.building = True
        self.refresh_bindings()
        what = f"building {self.review_layer!r} from {coders[0]} and {coders[1]}…"
        self.query_one("#rv-heading", Static).update(Content.styled(what, "bold $warning"))
        self._build_worker((coders[0], coders[1]))

    @work(thread=True, exclusive=True, group="rv-build", exit_on_error=False)
    def _build_worker(self, coders: tuple[str, str]) -> dict[str, Any]:
        store = open_project(self.store.root)  # this thread's own connection
        try:
            return build_layer(store, coders, self.review_layer, self.actor)
        finally:
            store.close()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Show the built layer's queue, or why building it failed."""
        if event.worker.group != "rv-build" or event.state not in (WorkerState.SUCCESS, WorkerState.ERROR):
            return
        self.building = False
        error = event.worker.error
        if event.state == WorkerState.ERROR:
            text = (
                error.message + (f" — {error.hint}" if error.hint else "")
                if isinstance(error, CoderError)
                else f"building {self.review_layer!r} failed: {type(error).__name__}: {error}"
            )
            self.notify(text, severity="error")
        elif isinstance(report := event.worker.result, dict):
            queue = report["disagreements"]
            self.notify(f"{self.review_layer}: {report['agreed']} agreed, "
                        f"{queue['total']} disagreements ({queue['open']} open)")  # fmt: skip
        self._load()

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
        self.labels = CodeLabels(self.store.codebook(), self.labels.paths)
        self.query_one(TitleBar).set_right(self.progress)
        self.query_one("#rv-heading", Static).update(self._heading(item))
        self.query_one("#rv-context-body", Static).update(self._passage(item))
        lo, hi = shown_span(item)
        self.query_one("#rv-context").border_title = Text(f"{item.transcript_id} · chars {lo}–{hi}")
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
        pieces = ", ".join(f"{self.labels(p.code)} {p.start}–{p.end}" for p in item.result) or "nothing"
        return Content.assemble(
            (f"#{item.id} {CHOICE_LABELS.get(item.choice or '', item.choice or '')}", "bold $success"),
            f" by {item.decided_by} → {self.review_layer}: {pieces}",
        )

    def _passage(self, item: ReviewItem) -> Content:
        text = self.store.get_transcript(item.transcript_id).text
        lo, hi = context_span(self.store, item)
        start, end = shown_span(item)
        lo, hi = min(lo, start), max(hi, end)
        return Content.assemble(
            (text[lo:start], "$text-muted"),
            (text[start:end], "bold on $accent 35%"),
            (text[end:hi], "$text-muted"),
        )

    def _side(self, item: ReviewItem, side: Side) -> Content:
        text = self.store.get_transcript(item.transcript_id).text
        parts: list[str | tuple[str, str]] = []
        for coding in item.side(side):
            parts.append((f"● {self.labels(coding.code)}", "bold"))
            parts.append((f"  chars {coding.start}–{coding.end}\n", "$text-muted"))
            parts.append(f"  “{' '.join(text[coding.start : coding.end].split())}”\n")
            if coding.memo:
                parts.append((f"  memo: {coding.memo}\n", "italic"))
        return (
            Content.assemble(*parts)
            if parts
            else Content.styled("(did not code this passage)", "$text-muted")
        )
