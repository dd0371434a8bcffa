"""Word (.docx) joint display: per theme a table of its survey items and figures, then its quotes.

Themes are headings (so the navigation pane works), each linked item is a
table row with one column per figure, and the exemplar quotes follow in the
built-in ``Quote`` style with who said them. User text goes in as plain runs
(python-docx escapes it); nothing in a cell is ever a field or a formula.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from coder.formats.outfile import atomic_output
from coder.formats.reports.data import JointDisplay, JointTheme
from coder.formats.reports.labels import number, word
from coder.formats.reports.phrasing import attribution, change_text, numbering, selection_text, theme_counts

Progress = Callable[[int], None] | None


def write_joint_docx(display: JointDisplay, out: Path, progress: Progress = None) -> None:
    """Title and selection, then each theme: counts, items × figures table, exemplar quotes."""
    from docx import Document

    from coder.formats.reports.word import add_meta

    lang = display.language
    document = Document()
    title = f"{word(lang, 'joint_title')} — {display.study}"
    document.core_properties.title = title
    document.add_heading(title, level=0)
    selection = selection_text(lang, display.filters, display.n_transcripts)
    add_meta(
        document, lang, (("coder", display.coder), ("selection", selection), ("created", display.created))
    )
    numbers = numbering([t.depth for t in display.themes])
    for n, theme in zip(numbers, display.themes, strict=True):
        document.add_heading(f"{n} {theme.name}", level=min(theme.depth + 1, 9))
        document.add_paragraph(theme_counts(lang, theme) + ".")
        if theme.items:
            _items_table(document, lang, theme)
        if theme.exemplars:
            document.add_paragraph().add_run(word(lang, "exemplars")).bold = True
        for quote in theme.exemplars:
            document.add_paragraph(quote.text, style="Quote")
            document.add_paragraph("— " + attribution(lang, quote))
        if progress:
            progress(1)
    with atomic_output(out) as tmp:
        document.save(str(tmp))


def _items_table(document: object, lang: str, theme: JointTheme) -> None:
    keys: dict[str, None] = {}
    for item in theme.items:
        keys.update(dict.fromkeys(item.figures))
    head = [
        word(lang, "survey").capitalize(),
        word(lang, "item").capitalize(),
        *keys,
        word(lang, "change").capitalize(),
    ]
    table = document.add_table(rows=1, cols=len(head))  # type: ignore[attr-defined]
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, head, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    for item in theme.items:
        label = f"{item.item} — {item.label}" if item.label != item.item else item.item
        figures = [number(lang, item.figures[k]) if k in item.figures else "" for k in keys]
        row = [item.survey, label, *figures, change_text(lang, item)]
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = text
