"""Word transcripts (``.docx``) via python-docx.

The body is flattened to text in document order: each non-empty paragraph
becomes a paragraph of the stored text, separated by a blank line, so the
speaker labels typed in Word are found exactly as in a ``.txt`` file. Tables
are read in place, one paragraph per row. A two-cell row whose first cell is a
short name ("Interviewer" | "Wat doet u ...") is written as ``Name: words`` —
the common two-column transcript layout — other rows as their cells joined by
`` | ``. Headers, footers, footnotes and comments are not interview text and
are left out.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

from coder.errors import InputFormatError
from coder.formats.transcripts.labels import match_label
from coder.formats.transcripts.text import parse_text
from coder.model import ParsedTranscript

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument
    from docx.table import Table, _Row
    from docx.text.paragraph import Paragraph


def read_docx(path: Path) -> ParsedTranscript:
    """Read a ``.docx`` transcript."""
    document = _open(path)
    paragraphs = [p for p in (_block_text(b) for b in document.iter_inner_content()) if p.strip()]
    if not paragraphs:
        raise InputFormatError(f"{path} is empty", hint="the document has no text paragraphs")
    return parse_text("\n\n".join(paragraphs), str(path), source_format="docx")


def _open(path: Path) -> DocxDocument:
    """The python-docx Document, or a clear error for a damaged file."""
    from docx import Document  # imported here: only .docx imports pay for it
    from docx.opc.exceptions import PackageNotFoundError

    try:
        return Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise InputFormatError(
            f"{path} is not a readable .docx file ({exc.__class__.__name__})",
            hint="open it in Word and save it again as .docx, or export it as .txt",
        ) from exc


def _block_text(block: Paragraph | Table) -> str:
    """Text of a body paragraph or table."""
    from docx.table import Table

    if isinstance(block, Table):
        return "\n\n".join(r for r in (_row_text(row) for row in block.rows) if r)
    return block.text


def _row_text(row: _Row) -> str:
    """One table row as a paragraph (``Name: words`` for a two-column transcript)."""
    cells: list[str] = []
    seen: list[object] = []
    for cell in row.cells:
        if any(cell._tc is tc for tc in seen):  # a merged cell is listed once per grid column
            continue
        seen.append(cell._tc)
        text = "\n".join(line.strip() for line in cell.text.split("\n") if line.strip())
        if text:
            cells.append(text)
    if len(cells) == 2 and ":" not in cells[0] and match_label(f"{cells[0]}: x") is not None:
        return f"{cells[0]}: {cells[1]}"
    return " | ".join(cells)
