"""Which columns of an aggregate survey table are the item key, the label and the figures.

The user may name each (``--id``, ``--label``, ``--figures``); otherwise:

* key: a column of unique short values whose name is or ends in ``id``,
  ``key`` or ``code`` (``item_key``, ``Code``), else the first column named
  ``item`` or ``variable`` (see ``../shared/CONTRACT.md``);
* label: a column named ``label``, else the first text column whose values
  are long (a question), not the key;
* figures: the numeric columns, except integer columns whose values repeat
  (a group number) or count up one by one (a line number), and columns named
  like a line number: those only when chosen.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

import pandas as pd

from coder.errors import CoderError
from coder.formats.survey_files import clean_cell, format_cell

KEY_SUFFIXES = ("id", "key", "code")
KEY_NAMES = ("item", "variable")
SHORT = 40
LONG = 25
LINE_NAMES = re.compile(r"(line|row|regel|rij|nr|no|number|volgnummer|lineno)", re.IGNORECASE)


def _cells(column: pd.Series) -> list[str]:
    return [format_cell(c) for c in column.tolist() if clean_cell(c) is not None]


def _is_key_like(column: pd.Series) -> bool:
    values = [format_cell(c) for c in column.tolist()]
    return all(values) and len(set(values)) == len(values) and max(map(len, values)) <= SHORT


def _named(columns: Sequence[str], chosen: str | None, what: str, source: str) -> str | None:
    if chosen is None or chosen in columns:
        return chosen
    raise CoderError(f"{source}: no column named {chosen!r} for {what}", f"columns: {', '.join(columns)}")


def detect_key(frame: pd.DataFrame, chosen: str | None, source: str) -> str | None:
    """The item-key column: the one chosen, else detected as the module says (None: none)."""
    columns = [str(c) for c in frame.columns]
    if chosen is not None:
        return _named(columns, chosen, "--id", source)
    for c in columns:
        name = re.sub(r"[^a-z]", "", c.lower())
        if name.endswith(KEY_SUFFIXES) and _is_key_like(frame[c]):
            return c
    return next((c for c in columns if c.lower() in KEY_NAMES), None)


def detect_label(frame: pd.DataFrame, key: str | None, chosen: str | None, source: str) -> str | None:
    """The item-text column: chosen, else ``label``, else the first column of long text."""
    columns = [str(c) for c in frame.columns]
    if chosen is not None:
        return _named(columns, chosen, "--label", source)
    named = next((c for c in columns if c.lower() == "label" and c != key), None)
    if named is not None:
        return named
    for c in columns:
        cells = _cells(frame[c])
        if c == key or not cells or pd.to_numeric(pd.Series(cells), errors="coerce").notna().all():
            continue
        if sum(map(len, cells)) / len(cells) >= LONG:
            return c
    return None


def is_counter(column: pd.Series) -> bool:
    """Integers that repeat (a group) or count up one by one (a line number)."""
    values = column.dropna()
    if values.empty or not (values == values.round()).all():
        return False
    ints = [int(v) for v in values]
    repeats = len(set(ints)) * 2 <= len(ints)
    counting = len(ints) > 1 and all(b - a == 1 for a, b in itertools.pairwise(ints))
    return repeats or counting


def detect_figures(
    data: pd.DataFrame,
    numeric: Sequence[str],
    skip: Sequence[str | None],
    chosen: Sequence[str] | None,
    source: str,
) -> tuple[str, ...]:
    """The figure columns: those chosen, else the numeric ones that are not counters."""
    if chosen:
        for c in chosen:
            _named([str(x) for x in data.columns], c, "--figures", source)
        return tuple(chosen)
    return tuple(
        c
        for c in numeric
        if c not in skip and not LINE_NAMES.fullmatch(c.strip()) and not is_counter(data[c])
    )
