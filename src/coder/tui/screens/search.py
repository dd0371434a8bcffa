"""The search dialog: lemma-aware search in this transcript or across all of them.

The search itself (spaCy lemmatizes the query, SQLite scans the stored lemma
strings) runs in a thread worker through a function the coding screen passes
in, which opens its own connection; the dialog only shows the hits and returns
the one the coder picks — or, for code from search, the hits to code (all, or
the ones marked with space in the hit list) and the unit to extend them to.

| Key | Action |
| --- | --- |
| ⏎ | search; on a hit: jump there |
| ctrl+f | this transcript / all transcripts |
| tab, space | to the hit list; mark or unmark a hit |
| ctrl+g | code from search extends hits to their sentence / turn |
| ctrl+o | code from search: pick a code for the marked hits (all if none is marked) |
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from coder.errors import CoderError
from coder.services.finding import SearchHit
from coder.tui.screens.dialogs import Dialog

Searcher = Callable[[str, str | None], list[SearchHit]]
Answer = tuple[str, list[SearchHit], SearchHit]
"""The query, all its hits, and the hit chosen."""
UNITS = ("sentence", "turn")


@dataclass(frozen=True)
class CodeHits:
    """Code from search: the query, all its hits, the hits to code and the unit to extend them to."""

    query: str
    hits: list[SearchHit]
    chosen: list[SearchHit]
    unit: str


class SearchDialog(Dialog[Answer | CodeHits]):
    """Type a word, ⏎ searches; ⏎ on a hit jumps there. ctrl+f switches this transcript / all."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+f", "scope", "this / all transcripts", priority=True),
        Binding(
            "ctrl+o",
            "code_hits",
            "code hits",
            priority=True,
            tooltip="apply a code to the marked (or all) hits",
        ),
        Binding(
            "ctrl+g", "unit", "sentence / turn", priority=True, tooltip="code hits as sentences or turns"
        ),
        Binding("space", "mark", "mark hit", show=False, tooltip="mark or unmark the highlighted hit"),
        Binding("down", "cursor(1)", "next hit", show=False),
        Binding("up", "cursor(-1)", "previous hit", show=False),
    ]

    def __init__(
        self,
        searcher: Searcher,
        transcript_id: str,
        everywhere: bool = False,
        query: str = "",
        hits: Sequence[SearchHit] = (),
    ) -> None:
        super().__init__()
        self.searcher, self.transcript_id, self.everywhere = searcher, transcript_id, everywhere
        self.query_text, self.hits = query, list(hits)
        self.marked: set[int] = set()
        self.unit = UNITS[0]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="search-dialog") as box:
            box.border_subtitle = "⏎ search / jump · ctrl+f this or all · ctrl+o code hits · esc close"
            yield Input(
                self.query_text, placeholder="word or phrase (finds other forms too)", id="search-input"
            )
            yield Label("", id="search-summary")
            yield OptionList(id="search-hits")

    def on_mount(self) -> None:
        super().on_mount()
        self._retitle()
        if self.hits:
            self._show(self.query_text, self.hits)

    def _retitle(self) -> None:
        where = "all transcripts" if self.everywhere else f"transcript {self.transcript_id}"
        self.query_one("#search-dialog").border_title = Text(f"Search {where}")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        hits = self.query_one(OptionList)
        if hits.option_count and hits.highlighted is not None and event.value == self.query_text:
            self._jump(hits.highlighted)
            return
        self.query_text = event.value
        self.query_one("#search-summary", Label).update("searching…")
        self._run(event.value, None if self.everywhere else self.transcript_id)

    @work(thread=True, exclusive=True, exit_on_error=False)
    def _run(self, query: str, scope: str | None) -> None:
        hits = self.searcher(query, scope)
        self.app.call_from_thread(self._show, query, hits)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A failed search is reported in the dialog; the coding goes on."""
        if event.state == WorkerState.ERROR:
            error = event.worker.error
            message = error.message if isinstance(error, CoderError) else f"{type(error).__name__}: {error}"
            self.query_one("#search-summary", Label).update(Text(f"search failed: {message}"))

    def _show(self, query: str, hits: Sequence[SearchHit]) -> None:
        self.query_text, self.hits, self.marked = query, list(hits), set()
        listing = self.query_one(OptionList)
        listing.set_options(Option(self._prompt(i), id=str(i)) for i in range(len(self.hits)))
        listing.highlighted = 0 if self.hits else None
        self._summarize()

    def _prompt(self, index: int) -> Text:
        hit = self.hits[index]
        mark = "✓ " if index in self.marked else ""
        return Text.assemble((mark, "bold"), (f"{hit.transcript_id}  ", "bold"), hit.snippet)

    def _summarize(self) -> None:
        count = f"{len(self.hits)} sentence{'s' if len(self.hits) != 1 else ''}"
        marked = f" · {len(self.marked)} marked" if self.marked else ""
        self.query_one("#search-summary", Label).update(
            Text(f"{count} for “{self.query_text}”{marked} · ⏎ jumps · code hits as: {self.unit}s")
        )

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self._jump(event.option_index)

    def _jump(self, index: int) -> None:
        self.dismiss((self.query_text, self.hits, self.hits[index]))

    def action_scope(self) -> None:
        """Switch between this transcript and all transcripts, and search again."""
        self.everywhere = not self.everywhere
        self._retitle()
        value = self.query_one(Input).value
        if value.strip():
            self.query_text = value
            self._run(value, None if self.everywhere else self.transcript_id)

    def action_mark(self) -> None:
        """Mark or unmark the highlighted hit for code from search."""
        listing = self.query_one(OptionList)
        index = listing.highlighted
        if index is None or not self.hits:
            return
        self.marked ^= {index}
        listing.replace_option_prompt_at_index(index, self._prompt(index))
        self._summarize()

    def action_unit(self) -> None:
        """Switch between extending hits to their sentence or their turn."""
        self.unit = UNITS[(UNITS.index(self.unit) + 1) % len(UNITS)]
        self._summarize()

    def action_code_hits(self) -> None:
        """Answer with the marked hits (all hits if none is marked) to apply a code to."""
        if self.hits:
            chosen = [self.hits[i] for i in sorted(self.marked)] or list(self.hits)
            self.dismiss(CodeHits(self.query_text, self.hits, chosen, self.unit))

    def action_cursor(self, step: int) -> None:
        """Move through the hits while the query box has focus."""
        listing = self.query_one(OptionList)
        listing.action_cursor_down() if step > 0 else listing.action_cursor_up()
