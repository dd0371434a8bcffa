"""The agreement screen's drill-down: one code's disagreeing units, then one of them in context.

A mixin of :class:`coder.tui.screens.agreement.AgreementScreen`, kept apart
so the screen module holds the code table, the toggles and the workers. The
disagreement list comes from the screen's disagreements worker; the context
view reads one transcript and two coders' codings on the screen's own store
(small reads, on the main thread).
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Static

from coder.services.agreement import unit_context
from coder.storage import Store
from coder.tui.widgets.agreement_table import Row, fill_table, side_lines, trimmed
from coder.tui.widgets.code_labels import CodeLabels

LIST_COLUMNS = ("transcript", "unit", "applied by", "text")


class AgreementDrillDown(Screen[None]):
    """From a code to its disagreeing units (⏎), to one of them in context (⏎), n / p between them."""

    store: Store
    coders: tuple[str, str] | None
    unit: str
    view: str
    rows: list[Row]
    code: Row | None
    disagreeing: list[Row]
    labels: CodeLabels

    # Provided by the agreement screen.
    _disagreements_worker: Callable[..., object]

    def action_open_code(self) -> None:
        """List the segments where only one coder applied the highlighted code."""
        table = self.query_one("#ag-codes", DataTable)
        if self.coders is None or not self.rows or table.cursor_row >= len(self.rows):
            return
        self.code = self.rows[table.cursor_row]
        self.disagreeing = []
        fill_table(self.query_one("#ag-disagreements", DataTable), LIST_COLUMNS, [])
        self.query_one("#ag-code-heading", Static).update(Text(f"{self._label()} — finding disagreements…"))
        self.view = "disagreements"
        self._disagreements_worker((self.coders, self.unit, self.code["code_id"]))

    def action_open_disagreement(self) -> None:
        """Show the highlighted disagreement in its context."""
        table = self.query_one("#ag-disagreements", DataTable)
        if 0 <= table.cursor_row < len(self.disagreeing):
            self._show_context(self.disagreeing[table.cursor_row])
            self.view = "context"

    def action_step(self, step: int) -> None:
        """Show the next (1) or previous (-1) disagreement of the code."""
        table = self.query_one("#ag-disagreements", DataTable)
        row = table.cursor_row + step
        if 0 <= row < len(self.disagreeing):
            table.move_cursor(row=row)
            self._show_context(self.disagreeing[row])

    def _named(self, row: Row) -> Row:
        """A code row as shown: its code by name (or name path), never by id."""
        return {**row, "code": self.labels(row["code_id"])}

    def _label(self) -> str:
        return self.labels(self.code["code_id"]) if self.code else ""

    def _show_disagreements(self, rows: list[Row]) -> None:
        assert self.code is not None and self.coders is not None
        self.disagreeing = rows
        cells = []
        for row in rows:
            who, name = ("A", self.coders[0]) if row["applied_by"] == "a" else ("B", self.coders[1])
            where = [Text(row["transcript"], style="bold"), Text(f"{self.unit} {row['unit'] + 1}")]
            cells.append([*where, Text(f"{who} only ({name})"), Text(trimmed(row["text"]))])
        fill_table(self.query_one("#ag-disagreements", DataTable), LIST_COLUMNS, cells)
        count = f"{len(rows)} disagreeing {self.unit}{'s' if len(rows) != 1 else ''}"
        a, b = self.coders
        self.query_one("#ag-code-heading", Static).update(
            Text(
                f"{self._label()} — {count} (A {a} {self.code['n_a']}, B {b} {self.code['n_b']}, "
                f"both {self.code['n_both']})" + ("" if rows else " · the two coders agree on every unit")
            )
        )

    def _show_context(self, row: Row) -> None:
        assert self.code is not None and self.coders is not None
        ctx = unit_context(self.store, self.coders, row, self.unit)
        heading = f"{row['transcript']} · {self.unit} {row['unit'] + 1} of {ctx.total} · {self._label()}"
        self.query_one("#ag-context-heading", Static).update(Text(heading))
        parts: list[str | tuple[str, str]] = []
        for speaker, text, here in ctx.lines:
            parts.append((f"{speaker or '—'}  ", "bold $secondary" if here else "dim"))
            parts.append((text + "\n", "bold on $accent 35%" if here else "dim"))
        self.query_one("#ag-context-body", Static).update(Content.assemble(*parts).rstrip())
        for side, name, codes, codings in zip(
            "ab", self.coders, (row["codes_a"], row["codes_b"]), ctx.codings, strict=True
        ):
            box = self.query_one(f"#ag-side-{side}")
            applied = row["applied_by"] == side
            box.set_class(applied, "-applied")
            box.set_class(not applied, "-missing")
            box.border_title = Text(
                f"{side.upper()} · {name}" + (" — applied it" if applied else " — did not")
            )
            self.query_one(f"#ag-{side}-body", Static).update(
                side_lines(self.unit, self.code["code"], codes, codings, self.labels)
            )
