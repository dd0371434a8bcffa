"""Writers for every export format; they take plain data and never a database.

The services build a ``QuoteReport``, a ``JointDisplay`` or a pandas matrix
from the store (``coder.exporters.data``); a writer here turns one of those
into a file. Keeping the database out means a writer can be tested with a
hand-made report, and every format shows exactly the same selection. Each
writer takes an optional ``progress(n)`` callback that the CLI turns into a
progress bar.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial
from pathlib import Path

from coder.errors import CoderError
from coder.exporters.data import JointDisplay, Matrix, QuoteReport
from coder.exporters.html_page import write_joint_html, write_quotes_html
from coder.exporters.markdown import write_joint_md, write_quotes_md
from coder.exporters.spss import write_sav
from coder.exporters.tables import (
    write_frame,
    write_joint_csv,
    write_joint_json,
    write_joint_xlsx,
    write_quotes_csv,
    write_quotes_json,
    write_quotes_xlsx,
)
from coder.exporters.word import write_quotes_docx
from coder.exporters.word_joint import write_joint_docx

Progress = Callable[[int], None] | None

QUOTE_WRITERS: dict[str, Callable[[QuoteReport, Path, Progress], None]] = {
    "md": write_quotes_md,
    "csv": write_quotes_csv,
    "json": write_quotes_json,
    "docx": write_quotes_docx,
    "html": write_quotes_html,
    "xlsx": write_quotes_xlsx,
}
JOINT_WRITERS: dict[str, Callable[[JointDisplay, Path, Progress], None]] = {
    "md": write_joint_md,
    "csv": write_joint_csv,
    "xlsx": write_joint_xlsx,
    "html": write_joint_html,
    "json": write_joint_json,
    "docx": write_joint_docx,
}
QUOTE_FORMATS = tuple(QUOTE_WRITERS)
JOINT_FORMATS = tuple(JOINT_WRITERS)
TABLE_FORMATS = ("csv", "xlsx")
MATRIX_FORMATS = ("csv", "xlsx", "sav")


def _unknown(fmt: str, known: tuple[str, ...]) -> CoderError:
    return CoderError(f"unknown export format {fmt!r}", f"use one of {', '.join(known)}")


def _dispatch(
    writers: Mapping[str, Callable[..., None]],
    data: object,
    fmt: str,
    out: Path,
    progress: Progress,
    csv_protect: bool,
) -> None:
    """Call the writer for ``fmt``; CSV writers also get ``protect``."""
    if fmt not in writers:
        raise _unknown(fmt, tuple(writers))
    writer = partial(writers[fmt], protect=csv_protect) if fmt == "csv" else writers[fmt]
    writer(data, out, progress)


def write_quotes(
    report: QuoteReport, fmt: str, out: Path, progress: Progress = None, csv_protect: bool = True
) -> None:
    """Write quotes per theme as md, csv, json, docx, html or xlsx.

    ``csv_protect``: in CSV, prefix cells that start like a formula with ``'``.
    """
    _dispatch(QUOTE_WRITERS, report, fmt, out, progress, csv_protect)


def write_joint(
    display: JointDisplay, fmt: str, out: Path, progress: Progress = None, csv_protect: bool = True
) -> None:
    """Write the joint display as md, csv, xlsx, html, json or docx (``csv_protect`` as for quotes)."""
    _dispatch(JOINT_WRITERS, display, fmt, out, progress, csv_protect)


def write_table(
    report: QuoteReport, fmt: str, out: Path, progress: Progress = None, csv_protect: bool = True
) -> None:
    """The quote table (one row per quote) as csv or xlsx (``csv_protect`` as for quotes)."""
    if fmt not in TABLE_FORMATS:
        raise _unknown(fmt, TABLE_FORMATS)
    write_quotes(report, fmt, out, progress, csv_protect)


def write_matrix(matrix: Matrix, fmt: str, out: Path, csv_protect: bool = True) -> None:
    """A code matrix as csv or xlsx; a presence matrix also as SPSS .sav."""
    if fmt not in MATRIX_FORMATS:
        raise _unknown(fmt, MATRIX_FORMATS)
    if fmt == "sav":
        if matrix.kind != "presence":
            raise CoderError(
                f"a {matrix.kind} matrix cannot be written as .sav (rows are codes, not cases)",
                "use --kind presence for SPSS, or write csv/xlsx",
            )
        write_sav(matrix, out)
        return
    frame = matrix.frame if matrix.index else matrix.frame.set_index(matrix.frame.columns[0])
    write_frame(frame, fmt, out, sheet=matrix.kind.capitalize(), protect=csv_protect)


__all__ = [
    "JOINT_FORMATS",
    "MATRIX_FORMATS",
    "QUOTE_FORMATS",
    "TABLE_FORMATS",
    "write_joint",
    "write_matrix",
    "write_quotes",
    "write_table",
]
