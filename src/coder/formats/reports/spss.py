"""SPSS .sav for matrices, with variable labels (code names) and value labels.

SPSS variable names are stricter than code ids: letters, digits and ``_``,
starting with a letter, at most 64 bytes, unique without regard to case, and
not a reserved word. Names are made valid here and the original id is kept
in front of the label ("eigen-kracht: Eigen kracht"), so nothing is lost.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import pyreadstat

from coder.formats.outfile import atomic_output
from coder.formats.reports.data import Matrix

RESERVED = {"ALL", "AND", "BY", "EQ", "GE", "GT", "LE", "LT", "NE", "NOT", "OR", "TO", "WITH"}
MAX_BYTES = 64


def spss_names(columns: Iterable[str]) -> dict[str, str]:
    """A valid, unique SPSS variable name for every column."""
    names: dict[str, str] = {}
    seen: set[str] = set()
    for column in columns:
        base = re.sub(r"[^A-Za-z0-9_]", "_", column.encode("ascii", "ignore").decode()) or "v"
        if not base[0].isalpha() or base.upper() in RESERVED:
            base = f"v_{base}"
        base = base[:MAX_BYTES]
        name, n = base, 1
        while name.upper() in seen:
            n += 1
            suffix = f"_{n}"
            name = base[: MAX_BYTES - len(suffix)] + suffix
        seen.add(name.upper())
        names[column] = name
    return names


def write_sav(matrix: Matrix, out: Path) -> None:
    """The matrix as an SPSS file; code columns get the code name as label."""
    frame = matrix.frame.reset_index() if matrix.index else matrix.frame.copy()
    names = spss_names(str(c) for c in frame.columns)
    labels: dict[str, str | None] = {}
    for column, name in names.items():
        label = matrix.labels.get(column)
        labels[name] = f"{column}: {label}" if label and name != column else label or column
    frame.columns = [names[str(c)] for c in frame.columns]
    value_labels = {
        names[c]: {k: v for k, v in vl.items()} for c, vl in matrix.value_labels.items() if c in names
    }
    measures = {names[c]: "nominal" for c in matrix.value_labels if c in names}
    with atomic_output(out) as tmp:
        pyreadstat.write_sav(
            frame,
            str(tmp),
            column_labels=labels,
            variable_value_labels=value_labels,  # type: ignore[arg-type]
            variable_measure=measures,
        )
