"""The themes screen: browse quotes per theme beside the linked survey figures.

This is the joint display as a place to read, before it is a document: the
code tree on the left (with each code's quotes and respondents, subthemes
included), and for the chosen code its definition, its quotes (key quotes
first, each with respondent, attributes and optionally the preceding question)
and the survey items linked to it, with their figures, direction of change and
significance marks.

The data come from ``coder.services.joint.themes_overview`` in a thread worker
that opens its own ``Store`` (a sqlite connection never crosses threads); one
handler takes the result or reports the failure. A broken survey link becomes a
warning line, not an empty screen.

The screen is built with the app's ``TuiContext`` (the registry passes one
argument) or standalone with ``(store, coder_layer)``. Hosted in the coding UI
it offers only the consensus layer ``final`` and the coder's own layer, so the
blind phase stays blind; standalone it offers every layer that has codings.

| Key | Action |
| --- | --- |
| ↑ ↓ | choose a code / a quote |
| tab | move between the tree, the quotes and the figures |
| ⏎ | open the quote in its transcript (in the coding UI) |
| k | key quotes only / all quotes |
| x | show or hide the preceding question |
| c | next coder layer |
| r | read the project again |
| a | write the codebook appendix (Word) to the project's ``exports/`` folder |
| esc, q | close the screen |
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import DataTable, Footer, OptionList, Static, Tree
from textual.widgets.option_list import Option
from textual.widgets.tree import TreeNode
from textual.worker import Worker, WorkerState

from coder.errors import CoderError
from coder.formats.reports.data import LinkedItem, Quote
from coder.formats.reports.labels import ARROWS
from coder.formats.reports.svg import scale_top
from coder.services.joint import ThemesOverview, themes_overview
from coder.services.project import open_project
from coder.storage import Store
from coder.tui.messages import OpenTranscript
from coder.tui.plain import plain_row
from coder.tui.widgets.status import TitleBar

if TYPE_CHECKING:
    from coder.tui.context import TuiContext

CONSENSUS = "final"
LABEL_WIDTH = 44
BLOCKS = " ▁▂▃▄▅▆▇█"


# -- pure helpers ------------------------------------------------------------------------------


def spark(values: list[float], top: float | None) -> str:
    """One block character per value, on the same axis as the exported bar charts."""
    ceiling = scale_top(values, top) or 1.0
    return "".join(BLOCKS[max(0, min(8, round(v / ceiling * 8)))] for v in values)


def figures_cell(item: LinkedItem) -> str:
    """``2016 3.6 · 2017 3.6 · 2018 3.0  ▆▆▅``."""
    values = list(item.figures.values())
    text = " · ".join(f"{k} {v:.1f}" for k, v in item.figures.items())
    return f"{text}  {spark(values, item.scale_max)}" if values else "—"


def change_cell(item: LinkedItem) -> str:
    """``−0.6 ↓ **`` (arrow and mark only for tested respondent data)."""
    if item.change is None:
        return "—"
    text = f"{item.change:+.1f}".replace("-", "−")
    if item.direction is not None:
        text += f" {ARROWS[item.direction]}"
    if item.first_last is not None and item.first_last.mark:
        text += f" {item.first_last.mark}"
    return text


def quote_prompt(quote: Quote, subcode: str | None, show_context: bool) -> Text:
    """A quote as an option: who and where, the preceding question, the text."""
    head = Text()
    head.append(quote.transcript, style="bold")
    if quote.attributes:
        head.append("  " + ", ".join(f"{k}: {v}" for k, v in sorted(quote.attributes.items())), style="dim")
    if quote.turn is not None:
        head.append(f"  turn {quote.turn}" + (f" ({quote.speaker})" if quote.speaker else ""), style="dim")
    if subcode:
        head.append(f"  [{subcode}]", style="italic")
    if quote.key_quote:
        head.append("  ★ key quote", style="bold yellow")
    parts = [head]
    if show_context and quote.context is not None:
        who = f"{quote.context.speaker}: " if quote.context.speaker else ""
        parts.append(Text(f"↳ {who}{quote.context.text}", style="dim italic"))
    parts.append(Text(quote.text))
    return Text("\n").join(parts).append("\n")  # a blank line between quotes


# -- the screen ----------------------------------------------------------------------------------


class ThemesScreen(Screen[None]):
    """Quotes per theme in code-tree order, with the survey items linked to each code."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # First, so that a narrow footer never hides how to leave.
        Binding("escape", "close", "close"),
        Binding("q", "close", "close", show=False),
        Binding("enter", "open_quote", "open in transcript", key_display="⏎"),
        Binding("k", "toggle_key", "key quotes only"),
        Binding("x", "toggle_context", "question"),
        Binding("c", "next_layer", "other layer"),
        Binding("r", "reload", "read again", show=False),
        Binding("a", "appendix", "codebook appendix"),
    ]

    DEFAULT_CSS = """
    ThemesScreen {
        layout: vertical;
        & #th-main { height: 1fr; }
        & #th-tree { width: 38; min-width: 24; border-right: vkey $primary 40%; }
        & #th-right { width: 1fr; }
        & #th-heading { height: auto; max-height: 8; padding: 0 1; background: $boost; }
        & #th-quotes { height: 1fr; border: none; }
        & .th-title { height: 1; padding: 0 1; background: $panel; text-style: bold; }
        & #th-items { height: auto; max-height: 9; }
        & #th-status { height: auto; padding: 0 1; color: $text-muted; }
        & #th-status.-error { color: $error; }
    }
    """

    code_id: reactive[str | None] = reactive(None, init=False)
    """The code whose quotes and figures are shown."""

    key_only: reactive[bool] = reactive(False, init=False)
    """Show only key quotes."""

    show_context: reactive[bool] = reactive(True, init=False)
    """Show the preceding question above each quote."""

    layer: reactive[str] = reactive(CONSENSUS, init=False)
    """The coder layer whose quotes are shown."""

    def __init__(self, source: Store | TuiContext, coder_layer: str | None = None) -> None:
        """``source`` is the project's store (or the app's context); ``coder_layer`` defaults to final."""
        super().__init__()
        self.store: Store = source if isinstance(source, Store) else source.store
        self.hosted = not isinstance(source, Store)
        self.allowed: tuple[str, ...] | None = (
            None if isinstance(source, Store) else (CONSENSUS, source.coder)
        )
        layer = coder_layer or CONSENSUS
        if coder_layer is None and not isinstance(source, Store) and not self._has_layer(CONSENSUS):
            layer = source.coder  # no consensus yet: the coder's own quotes
        self.set_reactive(ThemesScreen.layer, layer)
        self.overview: ThemesOverview | None = None
        self.shown: list[Quote] = []

    def _has_layer(self, name: str) -> bool:
        return any(c["name"] == name for c in self.store.coders())

    def compose(self) -> ComposeResult:
        study = self.store.get_setting("name", "") or self.store.root.name
        yield TitleBar(f"coder · {study} · themes", f"layer {self.layer}")
        with Horizontal(id="th-main"):
            yield Tree[str]("codes", id="th-tree")
            with Vertical(id="th-right"):
                yield Static("", id="th-heading")
                yield OptionList(id="th-quotes")
                yield Static("Linked survey items", id="th-items-title", classes="th-title")
                yield DataTable(id="th-items", cursor_type="row", zebra_stripes=True)
        yield Static("reading quotes…", id="th-status")
        yield Footer()

    def on_mount(self) -> None:
        tree = self.query_one("#th-tree", Tree)
        tree.show_root = False
        self.query_one("#th-items", DataTable).add_columns("item", "label", "figures", "change")
        self._load(self.layer)
        tree.focus()

    # -- watchers ------------------------------------------------------------------------------

    def watch_code_id(self) -> None:
        self._show_code()

    def watch_key_only(self) -> None:
        self._show_code()

    def watch_show_context(self) -> None:
        self._show_code()

    def watch_layer(self, layer: str) -> None:
        self.query_one(TitleBar).set_right(f"layer {layer}")
        self._say(f"reading the quotes of {layer}…")
        self._load(layer)

    # -- worker ----------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="themes", exit_on_error=False)
    def _load(self, layer: str) -> ThemesOverview:
        store = open_project(self.store.root)  # this thread's own connection
        try:
            return themes_overview(store, layer, self.allowed)
        finally:
            store.close()

    @work(thread=True, exclusive=True, group="appendix", exit_on_error=False)
    def _write_appendix(self) -> Path:
        from coder.services.codebook_doc import export_codebook

        store = open_project(self.store.root)  # this thread's own connection
        try:
            folder = store.root / "exports"
            folder.mkdir(mode=0o700, exist_ok=True)
            out = folder / "codebook-appendix.docx"
            export_codebook(store, "docx", out)
            return out
        finally:
            store.close()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Show a loaded overview (if it is for the current layer) or report the failure."""
        if event.worker.group == "appendix" and event.state == WorkerState.SUCCESS:
            self._say(f"wrote the codebook appendix to {event.worker.result}")
            return
        if event.state == WorkerState.ERROR:
            error = event.worker.error
            text = (
                error.message + (f" — {error.hint}" if error.hint else "")
                if isinstance(error, CoderError)
                else f"reading the themes failed: {type(error).__name__}: {error}"
            )
            self._say(text, error=True)
        elif (
            event.state == WorkerState.SUCCESS
            and isinstance(found := event.worker.result, ThemesOverview)
            and found.quotes.coder == self.layer
        ):
            self._show_overview(found)

    # -- handlers ----------------------------------------------------------------------------------

    @on(Tree.NodeHighlighted, "#th-tree")
    def _code_highlighted(self, event: Tree.NodeHighlighted[str]) -> None:
        self.code_id = event.node.data

    @on(OptionList.OptionSelected, "#th-quotes")
    def _quote_chosen(self) -> None:
        self.action_open_quote()

    # -- actions ------------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Opening a quote needs the coding UI around the screen; other layers need other layers."""
        if action == "open_quote":
            return self.hosted and self.query_one("#th-quotes", OptionList).highlighted is not None
        if action == "next_layer":
            return self.overview is not None and len(self.overview.layers) > 1
        return True

    def action_open_quote(self) -> None:
        """Open the highlighted quote's transcript with the quote selected."""
        index = self.query_one("#th-quotes", OptionList).highlighted
        if self.hosted and index is not None and index < len(self.shown):
            quote = self.shown[index]
            self.post_message(OpenTranscript(quote.transcript, (quote.start, quote.end)))

    def action_toggle_key(self) -> None:
        """Key quotes only, or all quotes."""
        self.key_only = not self.key_only

    def action_toggle_context(self) -> None:
        """Show or hide the preceding question."""
        self.show_context = not self.show_context

    def action_next_layer(self) -> None:
        """Browse the next coder layer that has codings."""
        layers = list(self.overview.layers) if self.overview else []
        if layers:
            at = layers.index(self.layer) if self.layer in layers else -1
            self.layer = layers[(at + 1) % len(layers)]

    def action_appendix(self) -> None:
        """The codebook appendix (tree, definitions, examples, counts, merges) as a Word file."""
        self._say("writing the codebook appendix…")
        self._write_appendix()

    def action_reload(self) -> None:
        """Read the quotes and survey figures again."""
        self._load(self.layer)

    def action_close(self) -> None:
        """Back to where the screen was opened from."""
        self.dismiss()

    # -- drawing ---------------------------------------------------------------------------------

    def _say(self, text: str, error: bool = False) -> None:
        status = self.query_one("#th-status", Static)
        status.update(Text(text))
        status.set_class(error, "-error")

    def _show_overview(self, found: ThemesOverview) -> None:
        self.overview = found
        tree = self.query_one("#th-tree", Tree)
        tree.clear()
        book = found.quotes.codebook
        nodes: dict[str | None, TreeNode[str]] = {None: tree.root}
        first = None
        for code in book.tree_order():
            quotes = found.quotes.subtree(code.id)
            label = Text(code.name)
            label.append(f"  {len(quotes)}", style="dim" if quotes else "dim italic")
            if code.id in found.items:
                label.append(" ▮", style="bold")
            has_children = bool(book.children(code.id))
            node = nodes[code.parent_id].add(label, data=code.id, expand=True, allow_expand=has_children)
            nodes[code.id] = node
            first = first or (code.id if quotes else None)
        warnings = "  ".join(f"⚠ {w}" for w in found.warnings)
        n = sum(len(q) for q in found.quotes.by_code.values())
        self._say(
            f"{n} quotes of {found.quotes.coder} in {len(found.quotes.transcripts)} transcripts  {warnings}"
        )
        self.refresh_bindings()
        if self.code_id == first:
            self._show_code()
        self.code_id = first
        if first is not None:
            tree.move_cursor(nodes[first])

    def _show_code(self) -> None:
        found = self.overview
        if found is None or self.code_id is None:
            return
        book = found.quotes.codebook
        code = book.by_id().get(self.code_id)
        if code is None:
            return
        quotes = found.quotes.subtree(code.id)
        heading = Text()
        heading.append(code.name, style="bold")
        heading.append(f"  {book.path(code.id)}", style="dim")
        heading.append(f"\n{len(quotes)} quotes from {len({q.transcript for q in quotes})} respondents")
        if code.description:
            heading.append(f"\n{code.description}", style="italic")
        self.query_one("#th-heading", Static).update(heading)
        self.shown = [
            q for q in sorted(quotes, key=lambda q: not q.key_quote) if q.key_quote or not self.key_only
        ]
        own_path, names = book.path(code.id), book.by_id()

        def subcode(quote: Quote) -> str | None:
            return None if quote.code == own_path else names[quote.code.rsplit("/", 1)[-1]].name

        options = [Option(quote_prompt(q, subcode(q), self.show_context)) for q in self.shown]
        quote_list = self.query_one("#th-quotes", OptionList)
        quote_list.clear_options()
        quote_list.add_options(options)
        items = self.query_one("#th-items", DataTable)
        items.clear()
        linked = found.items.get(code.id, [])
        items.display = bool(linked)
        self.query_one("#th-items-title", Static).update(
            "Linked survey items" if linked else "No linked survey items"
        )
        for item in linked:
            label = item.label if len(item.label) <= LABEL_WIDTH else item.label[: LABEL_WIDTH - 1] + "…"
            items.add_row(
                *plain_row(f"{item.survey}:{item.item}", label, figures_cell(item), change_cell(item))
            )
        self.refresh_bindings()
