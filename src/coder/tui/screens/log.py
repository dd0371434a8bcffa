"""The audit log screen: every recorded action, newest first, with its before and after.

A lead coder answers "who merged this, when, and what did it look like
before?" here. The table lists the log newest first; the filter line narrows
it to entries whose action, actor or target contain the typed text
(``review`` shows every decision); the strip below shows the highlighted
entry's before and after in full. Reading the log is a small query on the
main thread, done once and again with ``r``.

| Key | Action |
| --- | --- |
| / | filter by action, actor or target |
| ↑ ↓ | choose an entry (its before/after below) |
| r | read the log again |
| q / esc | close the screen (esc first leaves the filter) |
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Static

from coder.services.audit import log_rows, summary
from coder.storage import Store
from coder.tui.plain import plain_row
from coder.tui.widgets.status import TitleBar

if TYPE_CHECKING:
    from coder.tui.context import TuiContext


def matches(row: dict[str, Any], query: str) -> bool:
    """Whether an entry's action, actor or target contains ``query`` (case-insensitive)."""
    q = query.strip().casefold()
    return not q or any(q in str(row[k]).casefold() for k in ("action", "actor", "target", "what"))


def _pretty(value: Any) -> str:
    """Indented JSON of a before/after value ("—" for none)."""
    return "—" if value is None else json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True)


class LogScreen(Screen[None]):
    """The project's audit log, newest first, filterable."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # First, so that a narrow footer never hides how to leave.
        Binding("escape", "leave", "back", show=False),
        Binding("q", "close", "close"),
        Binding("slash", "filter", "filter", key_display="/"),
        Binding("r", "reload", "read again"),
    ]

    DEFAULT_CSS = """
    LogScreen {
        layout: vertical;
        & #log-filter { margin: 0 1; }
        & #log-table { height: 2fr; }
        & #log-detail { height: 1fr; padding: 0 1; border: round $primary 50%; border-title-color: $text; }
    }
    """

    def __init__(self, source: Store | TuiContext, coder: str | None = None) -> None:
        """``source`` is the project's store (or the app's context)."""
        super().__init__()
        self.store: Store = source if isinstance(source, Store) else source.store
        self.rows: list[dict[str, Any]] = []
        self.shown: list[dict[str, Any]] = []

    def compose(self) -> ComposeResult:
        yield TitleBar(f"coder · {self.store.get_setting('name', '') or self.store.root.name} · audit log")
        yield Input(placeholder="filter: action, actor or target (/)", id="log-filter")
        yield DataTable(id="log-table", cursor_type="row", zebra_stripes=True)
        yield VerticalScroll(Static("", id="log-detail-body", markup=False), id="log-detail")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#log-filter", Input).cursor_blink = bool(getattr(self.app, "cursor_blink", True))
        self.query_one(DataTable).add_columns("when", "who", "action", "what", "after")
        self.action_reload()
        self.query_one(DataTable).focus()

    # -- handlers ------------------------------------------------------------------------

    @on(Input.Changed, "#log-filter")
    def _filtered(self, event: Input.Changed) -> None:
        self._fill(event.value)

    @on(Input.Submitted, "#log-filter")
    def _filter_done(self) -> None:
        self.query_one(DataTable).focus()

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        if 0 <= event.cursor_row < len(self.shown):
            row = self.shown[event.cursor_row]
            detail = self.query_one("#log-detail")
            detail.border_title = Text(
                f"#{row['id']} {row['action']} {row['what'] or row['target']} · {row['actor']} · {row['at']}"
            )
            body = f"before:\n{_pretty(row['before'])}\n\nafter:\n{_pretty(row['after'])}"
            self.query_one("#log-detail-body", Static).update(body)

    # -- actions -----------------------------------------------------------------------------

    def action_filter(self) -> None:
        """Type a filter."""
        self.query_one("#log-filter", Input).focus()

    def action_reload(self) -> None:
        """Read the log again, newest first."""
        self.rows = list(reversed(log_rows(self.store)))
        self._fill(self.query_one("#log-filter", Input).value)

    def action_leave(self) -> None:
        """Leave the filter line, or close the screen."""
        if self.query_one("#log-filter", Input).has_focus:
            self.query_one(DataTable).focus()
        else:
            self.action_close()

    def action_close(self) -> None:
        """Close the log screen."""
        if len(self.app.screen_stack) > 1:
            self.dismiss(None)

    def _fill(self, query: str) -> None:
        self.shown = [r for r in self.rows if matches(r, query)]
        table = self.query_one(DataTable)
        table.clear()
        for r in self.shown:
            table.add_row(
                *plain_row(
                    r["at"].replace("T", " ")[:19],
                    r["actor"],
                    r["action"],
                    r["what"] or r["target"],
                    summary(r["after"], 60),
                )
            )
        self.query_one(TitleBar).set_right(f"{len(self.shown)} of {len(self.rows)} entries")
