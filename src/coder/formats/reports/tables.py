"""Rows for spreadsheets and R: CSV, XLSX and JSON writers.

Column names are stable English identifiers (``transcript``, ``theme``,
``key_quote`` ...) whatever the report language, because scripts refer to
them; attribute columns keep the attribute's own name (prefixed ``attr_``
only when it would clash). Text cells hold the stored text unchanged, with
one exception against spreadsheet formula injection (OWASP "CSV Injection"):
a CSV cell starting with ``= + - @``, a tab or a carriage return gets a
leading ``'`` unless the user turns that off (``--no-csv-protect``), and an
XLSX cell holding text is always written as a string, never as a formula. XLSX is
written in openpyxl's write-only mode, which streams rows instead of building
a workbook in memory, so 50,000 quotes take seconds, not minutes.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from coder.formats.outfile import atomic_output, write_text
from coder.formats.reports.data import JointDisplay, QuoteReport, joint_document, quotes_document

Progress = Callable[[int], None] | None
LEVELS = ("theme", "subtheme")
FIXED = ("code", "code_name", "coder", "key_quote", "start", "end", "speaker", "turn", "text", "memo")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet treat a cell as a formula (OWASP)."""
FORMULA_FIRST = frozenset(FORMULA_STARTS)
WIDE = {"text": 80, "exemplar_1": 60, "exemplar_2": 60, "exemplar_3": 60, "label": 40, "description": 60}


def level_names(depth: int) -> list[str]:
    """``theme``, ``subtheme``, ``level_3`` ... for a tree ``depth`` levels deep."""
    return [LEVELS[i] if i < len(LEVELS) else f"level_{i + 1}" for i in range(depth)]


def quote_table(report: QuoteReport) -> tuple[list[str], Iterable[list[Any]]]:
    """One row per quote: respondent, attributes, code path over columns, flags, text."""
    depth = max((s.depth + 1 for s in report.sections), default=1)
    levels = level_names(depth)
    taken = {"transcript", *levels, *FIXED, "context"}
    attrs = [(k, f"attr_{k}" if k in taken else k) for k in report.attribute_keys]
    with_context = any(q.context for s in report.sections for q in s.quotes)
    columns = ["transcript", *(a for _, a in attrs), *levels, *FIXED] + (["context"] if with_context else [])

    def rows() -> Iterable[list[Any]]:
        for s in report.sections:
            path = list(s.path_names) + [""] * (depth - len(s.path_names))
            for q in s.quotes:
                row: list[Any] = [q.transcript, *(q.attributes.get(k, "") for k, _ in attrs), *path]
                row += [s.code, s.name, report.coder, int(q.key_quote), q.start, q.end]
                row += [q.speaker or "", q.turn or "", q.text, q.memo]
                if with_context:
                    row.append(q.context.text if q.context else "")
                yield row

    return columns, rows()


def joint_table(display: JointDisplay) -> tuple[list[str], list[list[Any]]]:
    """One row per theme and linked item, figures side by side in shared columns."""
    n_ex = max((len(t.exemplars) for t in display.themes), default=0)
    keys = display.figure_keys()
    columns = ["code", "name", "depth", "n_quotes", "n_transcripts", "n_quotes_direct"]
    columns += [c for i in range(1, n_ex + 1) for c in (f"exemplar_{i}", f"exemplar_{i}_transcript")]
    columns += ["survey", "item", "label", "linked_code", "kind", "group_by", *keys]
    columns += ["change", "direction", "p", "mark"]
    rows = []
    for t in display.themes:
        head: list[Any] = [t.code, t.name, t.depth, t.n_quotes, t.n_transcripts, t.n_quotes_direct]
        for i in range(n_ex):
            q = t.exemplars[i] if i < len(t.exemplars) else None
            head += [q.text, q.transcript] if q else ["", ""]
        for item in t.items or [None]:
            if item is None:
                rows.append(head + [""] * (len(columns) - len(head)))
                continue
            fl = item.first_last
            rows.append(
                head
                + [item.survey, item.item, item.label, item.code, item.kind, item.group_by or ""]
                + [item.figures.get(k, "") for k in keys]
                + [item.change if item.change is not None else "", item.direction or ""]
                + [fl.p if fl and fl.p is not None else "", fl.mark if fl else ""]
            )
    return columns, rows


def risky(value: Any) -> bool:
    """Whether a spreadsheet could read this cell as a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def protect_row(row: Iterable[Any]) -> list[Any]:
    """OWASP's advice for CSV: a leading ``'`` keeps a formula-like cell text.

    Inlined (no call per cell) because a quote table has a million cells.
    """
    starts = FORMULA_FIRST
    return ["'" + v if isinstance(v, str) and v[:1] in starts else v for v in row]


def write_csv(
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    out: Path,
    progress: Progress = None,
    protect: bool = True,
) -> None:
    """UTF-8 CSV with a header row; cells with line breaks are quoted.

    ``protect``: prefix formula-like cells with ``'`` (see the module docstring).
    """
    with atomic_output(out) as tmp, tmp.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(protect_row(columns) if protect else columns)
        for row in rows:
            writer.writerow(protect_row(row) if protect else row)
            if progress:
                progress(1)


def _text_cell(sheet: WriteOnlyWorksheet, value: Any) -> Any:
    """``value``, or a cell that holds it as a string when it would become a formula."""
    if not risky(value):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"  # openpyxl would store '=...' as a live <f> formula
    return cell


def _sheet(book: Workbook, title: str, columns: Sequence[str], freeze: str = "A2") -> WriteOnlyWorksheet:
    sheet = book.create_sheet(title)
    for i, name in enumerate(columns):
        letter = _letter(i)
        sheet.column_dimensions[letter].width = WIDE.get(name, max(10, min(len(name) + 2, 30)))
    sheet.freeze_panes = freeze
    bold = Font(bold=True)
    header = []
    for name in columns:
        cell = WriteOnlyCell(sheet, value=name)
        cell.data_type = "s"
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    return sheet


def _letter(index: int) -> str:
    return str(get_column_letter(index + 1))


def write_xlsx(
    sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[Any]]]],
    out: Path,
    progress: Progress = None,
    wrap: Sequence[str] = ("text",),
    freeze: str = "A2",
) -> None:
    """Sheets of (title, columns, rows); long text columns wrap; text is never a formula."""
    book = Workbook(write_only=True)
    for title, columns, rows in sheets:
        sheet = _sheet(book, title, columns, freeze)
        wrapped = {i for i, c in enumerate(columns) if c in wrap}
        alignment = Alignment(wrap_text=True, vertical="top")
        for row in rows:
            cells = [_text_cell(sheet, value) for value in row]
            for i in wrapped:
                cell = WriteOnlyCell(sheet, value=row[i])
                if isinstance(row[i], str):
                    cell.data_type = "s"
                cell.alignment = alignment
                cells[i] = cell
            sheet.append(cells)
            if progress:
                progress(1)
    with atomic_output(out) as tmp:
        book.save(tmp)


def code_overview(report: QuoteReport) -> tuple[list[str], list[list[Any]]]:
    """The codes sheet: path, name, definition and counts per code."""
    columns = ["code", "name", "description", "n_quotes", "n_transcripts"]
    columns += ["n_quotes_with_subcodes", "n_transcripts_with_subcodes"]
    rows = [
        [
            s.code,
            s.name,
            s.description,
            s.n_quotes,
            s.n_transcripts,
            s.n_quotes_subtree,
            s.n_transcripts_subtree,
        ]
        for s in report.sections
    ]
    return columns, rows


def write_quotes_csv(report: QuoteReport, out: Path, progress: Progress = None, protect: bool = True) -> None:
    """The quote table as CSV."""
    write_csv(*quote_table(report), out, progress, protect)


def write_quotes_xlsx(report: QuoteReport, out: Path, progress: Progress = None) -> None:
    """Two sheets: Quotes (the quote table) and Codes (the overview)."""
    write_xlsx([("Quotes", *quote_table(report)), ("Codes", *code_overview(report))], out, progress)


def write_json(document: Any, out: Path) -> None:
    """One JSON document, UTF-8, indented."""
    write_text(out, json.dumps(document, ensure_ascii=False, indent=2) + "\n")


def write_quotes_json(report: QuoteReport, out: Path, progress: Progress = None) -> None:
    """CONTRACT.md's quotes document."""
    write_json(quotes_document(report), out)
    if progress:
        progress(report.n_shown)


def write_joint_json(display: JointDisplay, out: Path, progress: Progress = None) -> None:
    """CONTRACT.md's joint display document."""
    write_json(joint_document(display), out)


def write_joint_csv(
    display: JointDisplay, out: Path, progress: Progress = None, protect: bool = True
) -> None:
    """The joint display as one row per theme and linked item."""
    write_csv(*joint_table(display), out, progress, protect)


def write_joint_xlsx(display: JointDisplay, out: Path, progress: Progress = None) -> None:
    """The joint display as a spreadsheet with wrapped exemplar quotes."""
    columns, rows = joint_table(display)
    wrap = ["label", *(c for c in columns if c.startswith("exemplar_") and not c.endswith("_transcript"))]
    write_xlsx([("Joint display", columns, rows)], out, progress, wrap=wrap)


def write_frame(
    frame: pd.DataFrame, fmt: str, out: Path, sheet: str = "Matrix", protect: bool = True
) -> None:
    """A matrix (pandas) as CSV or XLSX, its index written as the first column."""
    columns = [str(frame.index.name or ""), *(str(c) for c in frame.columns)]
    rows = (
        [index, *(None if pd.isna(v) else v for v in values)]
        for index, values in zip(frame.index, frame.itertuples(index=False, name=None), strict=True)
    )
    if fmt == "csv":
        write_csv(columns, rows, out, protect=protect)
    else:
        write_xlsx([(sheet, columns, rows)], out, wrap=(), freeze="B2")
