"""Writers for every export format; they take plain data and never a database.

The services build a ``QuoteReport``, a ``JointDisplay`` or a pandas matrix
from the store (``coder.formats.reports.data``); a writer here turns one of those
into a file. Keeping the database out means a writer can be tested with a
hand-made report, and every format shows exactly the same selection. Each
writer takes an optional ``progress(n)`` callback that the CLI turns into a
progress bar.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coder.errors import CoderError

if TYPE_CHECKING:
    from coder.formats.reports.data import JointDisplay, Matrix, QuoteReport

Progress = Callable[[int], None] | None

# Writers by format, as "module:function": a writer's module (and pandas,
# openpyxl or python-docx with it) is imported only when that format is
# written, so commands that merely list formats start fast.
QUOTE_WRITERS: dict[str, str] = {
    "md": "markdown:write_quotes_md",
    "csv": "tables:write_quotes_csv",
    "json": "tables:write_quotes_json",
    "docx": "word:write_quotes_docx",
    "html": "html_page:write_quotes_html",
    "xlsx": "tables:write_quotes_xlsx",
}
JOINT_WRITERS: dict[str, str] = {
    "md": "markdown:write_joint_md",
    "csv": "tables:write_joint_csv",
    "xlsx": "tables:write_joint_xlsx",
    "html": "html_page:write_joint_html",
    "json": "tables:write_joint_json",
    "docx": "word_joint:write_joint_docx",
}
QUOTE_FORMATS = tuple(QUOTE_WRITERS)
JOINT_FORMATS = tuple(JOINT_WRITERS)
TABLE_FORMATS = ("csv", "xlsx")
MATRIX_FORMATS = ("csv", "xlsx", "sav")


def _writer(target: str) -> Any:
    """The writer function named ``module:function`` in this package."""
    module, _, name = target.partition(":")
    return getattr(import_module(f"{__name__}.{module}"), name)


def _unknown(fmt: str, known: tuple[str, ...]) -> CoderError:
    return CoderError(f"unknown export format {fmt!r}", f"use one of {', '.join(known)}")


def _dispatch(
    writers: dict[str, str], data: object, fmt: str, out: Path, progress: Progress, csv_protect: bool
) -> None:
    """Call the writer for ``fmt``; CSV writers also get ``protect``."""
    if fmt not in writers:
        raise _unknown(fmt, tuple(writers))
    writer = _writer(writers[fmt])
    if fmt == "csv":
        writer(data, out, progress, protect=csv_protect)
    else:
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
        _writer("spss:write_sav")(matrix, out)
        return
    frame = matrix.frame if matrix.index else matrix.frame.set_index(matrix.frame.columns[0])
    _writer("tables:write_frame")(frame, fmt, out, sheet=matrix.kind.capitalize(), protect=csv_protect)


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
