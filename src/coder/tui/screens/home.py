"""The home screen: the transcripts with this coder's progress, and the codebook.

Progress counts only this coder's codings (blind coding holds here too). The
table is rebuilt when the screen comes back into view, because the coding
screen may have changed one transcript's progress; that is one pass over the
coder's spans, not a reload of codings.

| Key | Action |
| --- | --- |
| ↑ ↓ | choose a transcript |
| ⏎ | open it on the coding screen |
| / | filter: words match id or attributes, ``key=value`` matches one attribute |
| esc | clear the filter |
| tab | switch between the transcripts and the codebook tab |
| A R B T L | agreement, review, codebook merge, themes, log (leads only, once a project has a lead) |
| q | quit |
"""

from __future__ import annotations

from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Static, TabbedContent, TabPane

from coder.services import finding
from coder.services.finding import TranscriptRow
from coder.tui.context import TuiContext
from coder.tui.messages import OpenTranscript
from coder.tui.registry import EXTRA_SCREENS, lead_only_message, screen_entry
from coder.tui.widgets.agreement_table import trimmed
from coder.tui.widgets.code_tree import code_colors
from coder.tui.widgets.status import TitleBar

BAR_WIDTH = 10
# transcript, words, my progress, codings and done, with cell padding and the scrollbar.
FIXED_COLUMNS = 10 + 6 + (BAR_WIDTH + 8) + 7 + 4 + 2 * 6 + 2


def progress_bar(done: int, total: int) -> Text:
    """A ten-cell bar and 'done/total'."""
    filled = round(BAR_WIDTH * done / total) if total else 0
    bar = Text("█" * filled, style="bold")
    bar.append("░" * (BAR_WIDTH - filled), style="dim")
    bar.append(f" {done}/{total}")
    return bar


def role_notice(coder: str, leads: tuple[str, ...]) -> str:
    """One line under the title: who sees what in this project."""
    if not leads:
        return "No lead set: every coder may open A R B T L (`coder config lead NAME`)"
    if coder in leads:
        return f"You lead: A R B T L show every coder's work (leads: {', '.join(leads)})"
    return f"You code blind: you see only your own codings (leads: {', '.join(leads)})"


class HomeScreen(Screen[None]):
    """Transcripts table (filterable) and the codebook with definitions."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "filter", "filter", key_display="/"),
        Binding("escape", "clear_filter", "clear filter", show=False),
        Binding("q", "app.quit", "quit"),
        *(
            Binding(e.key, f"app.open_screen('{e.name}')", e.title, show=False)
            for e in EXTRA_SCREENS
            if e.key
        ),
        # Reached only when the app refuses the key above (a coder, not a lead): say why.
        *(Binding(e.key, f"lead_only('{e.name}')", show=False) for e in EXTRA_SCREENS if e.key and e.lead),
    ]

    def __init__(self, ctx: TuiContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.rows: list[TranscriptRow] = []

    def compose(self) -> ComposeResult:
        yield TitleBar(f"coder · {self.ctx.study} · coder {self.ctx.coder}")
        yield Static(role_notice(self.ctx.coder, self.ctx.leads), id="home-roles", markup=False)
        with TabbedContent(id="home-tabs"):
            with TabPane("Transcripts", id="tab-transcripts"):
                yield Input(
                    placeholder="filter: words, or key=value (e.g. gemeente=Zwolle)", id="home-filter"
                )
                yield DataTable(id="transcripts", cursor_type="row", zebra_stripes=True)
            with TabPane("Codebook", id="tab-codebook"):
                yield DataTable(id="codes", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#transcripts", DataTable)
        table.add_columns("transcript", "attributes", "words", "my progress", "codings", "done")
        self.query_one("#codes", DataTable).add_columns("code", "my codings", "definition")
        table.focus()

    def on_screen_resume(self) -> None:
        """Also runs when the screen is first shown: read progress then, and after each coding session."""
        self.reload()

    # -- handlers ----------------------------------------------------------------------

    @on(DataTable.RowSelected, "#transcripts")
    def _open(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value:
            self.post_message(OpenTranscript(event.row_key.value))

    @on(Input.Changed, "#home-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    @on(Input.Submitted, "#home-filter")
    def _filter_done(self) -> None:
        self.query_one("#transcripts", DataTable).focus()

    # -- actions -------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The lead-only explanation applies only where the lead screens are refused."""
        if action == "lead_only":
            return not self.ctx.sees_others
        return True

    def action_lead_only(self, name: str) -> None:
        """Say in one line why a coder cannot open a lead screen."""
        entry = screen_entry(name)
        if entry is not None:
            self.notify(lead_only_message(entry.title, self.ctx.leads), severity="warning", timeout=6)

    def action_filter(self) -> None:
        """Type a filter."""
        self.query_one(TabbedContent).active = "tab-transcripts"
        self.query_one("#home-filter", Input).focus()

    def action_clear_filter(self) -> None:
        """Show all transcripts again."""
        self.query_one("#home-filter", Input).value = ""
        self.query_one("#transcripts", DataTable).focus()

    # -- public methods ----------------------------------------------------------------

    def reload(self) -> None:
        """Read this coder's progress and the codebook again."""
        self.rows = finding.transcript_rows(self.ctx.store, self.ctx.coder)
        self._fill(self.query_one("#home-filter", Input).value)
        self._fill_codes()
        done = sum(r.done for r in self.rows)
        self.query_one(TitleBar).set_right(f"{len(self.rows)} transcripts · {done} done by you")

    def _fill(self, query: str) -> None:
        table = self.query_one("#transcripts", DataTable)
        current = table.cursor_row
        table.clear()
        for row in self.rows:
            if finding.row_matches(row, query):
                table.add_row(
                    Text(row.id, style="bold"),
                    Text(trimmed(" · ".join(row.attributes.values()), self._attributes_width())),
                    Text(f"{row.words:,}", justify="right"),
                    progress_bar(row.coded_sentences, row.sentences),
                    Text(str(row.codings), justify="right"),
                    "✓" if row.done else "",
                    key=row.id,
                )
        if table.row_count:
            table.move_cursor(row=min(current, table.row_count - 1))

    def _attributes_width(self) -> int:
        """What the attributes column may take so that every other column stays whole."""
        return max(12, self.size.width - FIXED_COLUMNS) if self.size.width else 60

    def on_resize(self) -> None:
        if self.rows:
            self._fill(self.query_one("#home-filter", Input).value)

    def _fill_codes(self) -> None:
        table = self.query_one("#codes", DataTable)
        table.clear()
        codebook = finding.coder_codebook(self.ctx.store, self.ctx.coder)
        colors = code_colors(codebook)
        counts = self.ctx.store.code_counts(self.ctx.coder)
        for code in codebook.tree_order():
            depth = codebook.path(code.id).count("/")
            name = Text("  " * depth + "● ", style=Style(color=colors[code.id]))
            name.append(code.name + (" (mine)" if code.created_by == self.ctx.coder else ""))
            definition = code.description.split("\n")[0]
            table.add_row(
                name, Text(str(counts.get(code.id, 0)), justify="right"), Text(definition[:90]), key=code.id
            )
