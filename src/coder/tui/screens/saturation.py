"""The saturation screen: new codes per transcript, cumulative, and respondents per code.

Shows this coder's own codings only (blind like the coding screen): a table of
the transcripts in coding order with the codes each brought first, a chart
(textual-plotext) of new codes per transcript as bars with the cumulative
count as a line (a flattening line is the saturation a methods section
argues), and how many respondents mention each code. The
report is a small query on the main thread, read again with ``r``.

| Key | Action |
| --- | --- |
| o | coding order / interview order |
| r | read again |
| q / esc | close the screen |
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Label
from textual_plotext import PlotextPlot

from coder.errors import CoderError
from coder.services.saturation import saturation
from coder.tui.widgets.status import TitleBar

if TYPE_CHECKING:
    from coder.tui.context import TuiContext


class SaturationScreen(Screen[None]):
    """New codes per transcript (table and sparkline) and respondents per code."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("o", "order", "coding / interview order"),
        Binding("r", "reload", "read again"),
        Binding("q,escape", "close", "close"),
    ]

    DEFAULT_CSS = """
    SaturationScreen {
        layout: vertical;
        & #saturation-caption { margin: 0 1; }
        & #saturation-chart { height: 12; margin: 0 1; }
        & #saturation-tables { height: 1fr; }
        & DataTable { width: 1fr; }
    }
    """

    def __init__(self, ctx: TuiContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.order = "coding"
        self.report: dict[str, Any] = {}

    def compose(self) -> ComposeResult:
        yield TitleBar(f"coder · {self.ctx.study} · saturation · coder {self.ctx.coder}")
        yield Label("", id="saturation-caption")
        yield PlotextPlot(id="saturation-chart")
        with Horizontal(id="saturation-tables"):
            yield DataTable(id="saturation-table", cursor_type="row", zebra_stripes=True)
            yield DataTable(id="respondents-table", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.action_reload()

    def action_reload(self) -> None:
        """Read the report again and show it."""
        try:
            self.report = saturation(self.ctx.store, self.ctx.coder, self.order)
        except CoderError:  # this coder has coded nothing yet; never fall back to others' codings
            self.report = {"transcripts": [], "codes": [], "n_transcripts": 0}
        rows = self.report["transcripts"]
        self._chart(rows)
        last = rows[-1]["cumulative"] if rows else 0
        self.query_one("#saturation-caption", Label).update(
            f"New codes per transcript in {self.order} order (bars) and all codes so far (line) · {last} in all"
        )
        table = self.query_one("#saturation-table", DataTable)
        table.clear(columns=True)
        table.add_columns("#", "transcript", "new", "sub", "total", "first seen")
        for i, r in enumerate(rows, start=1):
            table.add_row(str(i), Text(r["transcript"]), str(r["new_codes"]), str(r["new_subcodes"]),
                          str(r["cumulative"]), Text(", ".join(r["first_seen"])))  # fmt: skip
        people = self.query_one("#respondents-table", DataTable)
        people.clear(columns=True)
        people.add_columns("code", "respondents")
        for c in self.report["codes"]:
            people.add_row(Text(c["name"]), f"{c['respondents']} of {self.report['n_transcripts']}")

    def _chart(self, rows: list[dict[str, Any]]) -> None:
        plot = self.query_one(PlotextPlot)
        plt = plot.plt
        plt.clear_data()
        if rows:
            x: list[float] = [float(i) for i in range(1, len(rows) + 1)]
            plt.bar(x, [r["new_codes"] + r["new_subcodes"] for r in rows], label="new")
            plt.plot(x, [r["cumulative"] for r in rows], label="cumulative", marker="braille")
            plt.xticks(x, [r["transcript"] for r in rows])
        plot.refresh()

    def action_order(self) -> None:
        """Switch between coding order and interview order."""
        self.order = "interview" if self.order == "coding" else "coding"
        self.action_reload()

    def action_close(self) -> None:
        """Back to where the screen was opened."""
        self.dismiss()
