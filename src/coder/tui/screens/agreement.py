"""The agreement screen: per code, how alike two coders are, worst first, down to the quotes.

The lead's question is "which codes are not yet reliable, and why?", so the
screen is one drill-down in three views of a ``ContentSwitcher`` rather than
three stacked screens: the code table (worst alpha first), the disagreeing
segments of one code, and one disagreement in context with A's and B's codes
side by side. Escape walks back one view; from the code table it closes the
screen. The toggles (units, level, coder pair) recompute the whole report.

The report and the disagreement list come from ``coder.services.agreement``
and run in thread workers that open their own ``Store`` on the project folder
(a sqlite connection is never shared with a thread). A worker returns its
result tagged with the request it answers; one handler routes results and
reports failures, and drops answers to requests that are no longer current.
The context view (``unit_context``) reads one transcript and two coders'
codings on the screen's own store: small reads, done on the main thread. The
drill-down views' actions and drawing are the ``AgreementDrillDown`` mixin
(``agreement_views``); the tables' cells and lines are made in
``coder.tui.widgets.agreement_table``.

| Key | Action |
| --- | --- |
| ↑ ↓ | choose a code / a disagreement |
| ⏎ | list the disagreements of the code / show the disagreement in context |
| n / p | next / previous disagreement (in context) |
| u | sentence or turn units |
| l | code or theme level |
| c | next pair of coders (when more than two coders have coded) |
| i | 95% bootstrap intervals (whole transcripts resampled; progress shown) |
| r | compute again |
| P | codes by name, or by their place in the tree |
| esc | back one view (closes the screen from the code table) |
| q | close the screen |
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.reactive import reactive
from textual.widgets import ContentSwitcher, DataTable, Static
from textual.worker import Worker, WorkerState

from coder.errors import CoderError
from coder.services.agreement import agreement_report, disagreements
from coder.services.project import open_project
from coder.storage import Store
from coder.tui.screens.agreement_views import AgreementDrillDown
from coder.tui.widgets.agreement_table import (
    INTERVAL_RESAMPLES,
    Row,
    code_cells,
    code_columns,
    code_detail,
    coder_pairs,
    fill_table,
    interval_progress,
    overall_line,
    worst_first,
)
from coder.tui.widgets.code_labels import CodeLabels
from coder.tui.widgets.footer import FittedFooter
from coder.tui.widgets.status import TitleBar

if TYPE_CHECKING:
    from coder.tui.context import TuiContext


# -- what the workers answer ----------------------------------------------------------------

Request = tuple[tuple[str, str], str, str]  # coders, unit, and the level (report) or code id (list)


@dataclass(frozen=True)
class Answer:
    """A worker's result with the request it answers (stale answers are dropped)."""

    kind: str  # "report" or "disagreements"
    request: Request
    value: Any


# -- the screen ------------------------------------------------------------------------------


class AgreementScreen(AgreementDrillDown):
    """Agreement per code between two coders, worst first; ⏎ drills down to the disagreeing quotes."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # First, so that a narrow footer never hides how to leave.
        Binding("escape", "back", "back"),
        Binding("q", "close", "close", show=False),
        Binding("enter", "open_code", "disagreements", key_display="⏎", priority=True),
        Binding("enter", "open_disagreement", "in context", key_display="⏎", priority=True),
        Binding("n", "step(1)", "next"),
        Binding("p", "step(-1)", "previous"),
        # Short words, so the footer keeps i (intervals) and P whole at 80 columns.
        Binding("u", "toggle_unit", "unit", tooltip="count agreement per sentence or per turn"),
        Binding("l", "toggle_level", "themes", tooltip="agreement per code or rolled up to themes"),
        Binding("c", "next_pair", "other coders"),
        Binding("i", "intervals", "intervals", tooltip="95% intervals by resampling whole transcripts"),
        Binding("r", "refresh", "compute again", show=False),
        Binding(
            "P", "toggle_paths", "paths", tooltip="show each code's place in the tree (or its name only)"
        ),
    ]

    DEFAULT_CSS = """
    AgreementScreen {
        layout: vertical;
        & #ag-overall { height: auto; padding: 0 1; background: $boost; }
        & #ag-views { height: 1fr; }
        & #ag-views > Vertical { height: 1fr; }
        & DataTable { height: 1fr; }
        & .ag-heading { height: auto; padding: 0 1; background: $panel; text-style: bold; }
        & #ag-detail { height: 2; padding: 0 1; background: $boost; color: $text-muted; }
        & #ag-context-text {
            height: auto; max-height: 60%; padding: 0 1; border: round $primary 50%;
            border-title-color: $text;
        }
        & #ag-sides { height: 1fr; }
        & .ag-side { width: 1fr; height: 1fr; padding: 0 1; border: round $primary 50%; }
        & .ag-side.-applied { border: round $success; }
        & .ag-side.-missing { border: round $warning; }
        & .ag-side:focus { border: round $accent; }
    }
    """

    unit: reactive[str] = reactive("sentence", init=False)
    """The units compared: ``sentence`` or ``turn``."""

    level: reactive[str] = reactive("code", init=False)
    """``code``: every code of the tree; ``theme``: codes rolled up to their themes."""

    view: reactive[str] = reactive("codes", init=False)
    """The view shown: ``codes``, ``disagreements`` or ``context``."""

    def __init__(
        self,
        source: Store | TuiContext,
        coders: tuple[str, str] | None = None,
        unit: str = "sentence",
        level: str = "code",
    ) -> None:
        """``source`` is the project's store (or the app's context); ``coders`` None picks a pair."""
        super().__init__()
        self.store: Store = source if isinstance(source, Store) else source.store
        self.me: str | None = None if isinstance(source, Store) else source.coder
        self.pairs: list[tuple[str, str]] = [coders] if coders else []
        self.coders: tuple[str, str] | None = coders
        self.set_reactive(AgreementScreen.unit, unit)
        self.set_reactive(AgreementScreen.level, level)
        self.report: dict[str, Any] | None = None
        self.rows: list[Row] = []
        self.code: Row | None = None
        self.disagreeing: list[Row] = []
        self.labels = CodeLabels(self.store.codebook())

    def compose(self) -> ComposeResult:
        yield TitleBar(f"coder · {self.store.get_setting('name', '') or self.store.root.name} · agreement")
        yield Static("", id="ag-overall")
        with ContentSwitcher(initial="ag-codes-view", id="ag-views"):
            with Vertical(id="ag-codes-view"):
                yield DataTable(id="ag-codes", cursor_type="row", zebra_stripes=True)
                yield Static("", id="ag-detail")
            with Vertical(id="ag-disagreements-view"):
                yield Static("", id="ag-code-heading", classes="ag-heading")
                yield DataTable(id="ag-disagreements", cursor_type="row", zebra_stripes=True)
            with Vertical(id="ag-context-view"):
                yield Static("", id="ag-context-heading", classes="ag-heading")
                yield VerticalScroll(Static("", id="ag-context-body"), id="ag-context-text")
                with Horizontal(id="ag-sides"):
                    yield VerticalScroll(Static("", id="ag-a-body"), id="ag-side-a", classes="ag-side")
                    yield VerticalScroll(Static("", id="ag-b-body"), id="ag-side-b", classes="ag-side")
        yield FittedFooter()

    def on_mount(self) -> None:
        if not self.pairs:
            self.pairs = coder_pairs(self._coders_with_codings(), self.me)
        if not self.pairs:
            self._say("Agreement needs two coders who have both coded: import or code a second layer first.")
            return
        self.coders = self.coders or self.pairs[0]
        self.app.theme_changed_signal.subscribe(self, self._recolour)
        self._compute()
        self.query_one("#ag-codes", DataTable).focus()

    def _coders_with_codings(self) -> list[str]:
        people = [c["name"] for c in self.store.coders() if c["kind"] == "coder"]
        return [name for name in people if any(self.store.code_counts(name).values())]

    # -- watchers ------------------------------------------------------------------------------

    def watch_unit(self) -> None:
        self._compute()

    def watch_level(self) -> None:
        self._compute()

    def watch_view(self, view: str) -> None:
        self.query_one(ContentSwitcher).current = f"ag-{view}-view"
        focus = {"codes": "#ag-codes", "disagreements": "#ag-disagreements", "context": "#ag-context-text"}
        self.query_one(focus[view]).focus()
        self.refresh_bindings()

    # -- workers -----------------------------------------------------------------------------------

    def _compute(self) -> None:
        """Start computing the report for the current coders, unit and level."""
        if self.coders is None:
            return
        a, b = self.coders
        self._say(f"computing agreement of {a} (A) and {b} (B) on {self.unit} units…")
        self._report_worker((self.coders, self.unit, self.level))

    @work(thread=True, exclusive=True, group="ag-report", exit_on_error=False)
    def _report_worker(self, request: Request) -> Answer:
        store = open_project(self.store.root)  # this thread's own connection
        try:
            coders, unit, level = request
            report = agreement_report(store, coders, unit, level="theme" if level == "theme" else "code")
            return Answer("report", request, report)
        finally:
            store.close()

    @work(thread=True, exclusive=True, group="ag-report", exit_on_error=False)
    def _interval_worker(self, request: Request) -> Answer:
        """The report with bootstrap intervals; reports its progress to the status line."""
        store = open_project(self.store.root)
        try:
            coders, unit, level = request

            def progress(share: float) -> None:
                self.app.call_from_thread(self._say, interval_progress(share, INTERVAL_RESAMPLES))

            report = agreement_report(store, coders, unit, level="theme" if level == "theme" else "code",
                                      ci=INTERVAL_RESAMPLES, progress=progress)  # fmt: skip
            return Answer("report", request, report)
        finally:
            store.close()

    @work(thread=True, exclusive=True, group="ag-disagreements", exit_on_error=False)
    def _disagreements_worker(self, request: Request) -> Answer:
        store = open_project(self.store.root)
        try:
            coders, unit, code_id = request
            return Answer("disagreements", request, disagreements(store, coders, code_id, unit))
        finally:
            store.close()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Route a worker's answer (if still wanted) or report its failure."""
        if event.state == WorkerState.ERROR:
            error = event.worker.error
            if isinstance(error, CoderError):
                text = error.message + (f" — {error.hint}" if error.hint else "")
            else:
                text = f"agreement failed: {type(error).__name__}: {error}"
            self._say(text, error=True)
            self.notify(text, severity="error")
        elif event.state == WorkerState.SUCCESS and isinstance(answer := event.worker.result, Answer):
            code_id = self.code["code_id"] if self.code else None
            if answer.kind == "report" and answer.request == (self.coders, self.unit, self.level):
                self._show_report(answer.value)
            elif answer.kind == "disagreements" and answer.request == (self.coders, self.unit, code_id):
                self._show_disagreements(answer.value)

    # -- handlers -----------------------------------------------------------------------------------

    @on(DataTable.RowHighlighted, "#ag-codes")
    def _code_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if 0 <= event.cursor_row < len(self.rows):
            self.query_one("#ag-detail", Static).update(code_detail(self._named(self.rows[event.cursor_row])))

    @on(DataTable.RowSelected, "#ag-codes")
    def _code_clicked(self) -> None:
        self.action_open_code()

    @on(DataTable.RowSelected, "#ag-disagreements")
    def _disagreement_clicked(self) -> None:
        self.action_open_disagreement()

    # -- actions --------------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Show only the keys that apply to the current view."""
        if action in ("open_code", "toggle_unit", "toggle_level", "refresh", "intervals"):
            return self.view == "codes" and self.coders is not None
        if action == "next_pair":
            return self.view == "codes" and len(self.pairs) > 1
        if action == "open_disagreement":
            return self.view == "disagreements"
        if action == "step":
            return self.view == "context"
        return True

    def action_toggle_unit(self) -> None:
        """Compare sentences or whole speaker turns."""
        self.unit = "turn" if self.unit == "sentence" else "sentence"

    def action_toggle_level(self) -> None:
        """Report every code, or the themes with their codes rolled up."""
        self.level = "theme" if self.level == "code" else "code"

    def action_next_pair(self) -> None:
        """Compare the next pair of coders."""
        if self.coders in self.pairs:
            self.coders = self.pairs[(self.pairs.index(self.coders) + 1) % len(self.pairs)]
            self._compute()

    def action_intervals(self) -> None:
        """Compute 95% bootstrap intervals (resampling whole transcripts) in a worker."""
        if self.coders is not None:
            self._say(interval_progress(0.0, INTERVAL_RESAMPLES))
            self._interval_worker((self.coders, self.unit, self.level))

    def action_refresh(self) -> None:
        """Compute the report again (after codings changed)."""
        self._compute()

    def action_back(self) -> None:
        """Back one view; from the code table, close the screen."""
        if self.view == "context":
            self.view = "disagreements"
        elif self.view == "disagreements":
            self.view = "codes"
        else:
            self.action_close()

    def action_toggle_paths(self) -> None:
        """Show codes by name, or by their place in the tree."""
        self.labels.paths = not self.labels.paths
        if self.report is not None:
            row = self.query_one("#ag-codes", DataTable).cursor_row
            self._show_report(self.report)
            self.query_one("#ag-codes", DataTable).move_cursor(row=row)
        table = self.query_one("#ag-disagreements", DataTable)
        row = table.cursor_row
        if self.code is not None and self.view != "codes":
            self._show_disagreements(self.disagreeing)
            table.move_cursor(row=row)
        if self.view == "context" and 0 <= row < len(self.disagreeing):
            self._show_context(self.disagreeing[row])

    def action_close(self) -> None:
        """Close the agreement screen."""
        if len(self.app.screen_stack) > 1:
            self.dismiss(None)

    # -- showing results -----------------------------------------------------------------------------

    def _recolour(self, _theme: object) -> None:
        if self.report is not None:  # the bars' colours come from the theme
            table = self.query_one("#ag-codes", DataTable)
            row = table.cursor_row
            self._show_report(self.report)
            table.move_cursor(row=row)

    def _say(self, text: str, error: bool = False) -> None:
        self.query_one("#ag-overall", Static).update(Content.styled(text, "$error" if error else ""))

    def _show_report(self, report: dict[str, Any]) -> None:
        self.report, self.rows = report, worst_first(report["codes"])
        a, b = report["coders"]
        self.query_one(TitleBar).set_right(
            f"A {a} · B {b} · {report['unit']} units · {report['level']} level · "
            f"{report['n_units']} units in {len(report['transcripts'])} transcripts"
        )
        self.query_one("#ag-overall", Static).update(overall_line(report))
        table = self.query_one("#ag-codes", DataTable)
        colours = self.app.get_css_variables()
        with_ci = "bootstrap" in report
        cells = [code_cells(self._named(row), colours, with_ci) for row in self.rows]
        # The table's own width once laid out, else the screen's (a vertical scrollbar takes 2).
        available = (table.size.width or self.size.width) - 2
        fill_table(table, code_columns(with_ci), cells, [row["code_id"] for row in self.rows], available)
        detail = (
            code_detail(self._named(self.rows[0]))
            if self.rows
            else Content("No code was applied by either coder.")
        )
        self.query_one("#ag-detail", Static).update(detail)
        if self.rows:
            table.move_cursor(row=0)
