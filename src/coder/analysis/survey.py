"""Survey data for the joint display: read it, check it, summarise one item.

Why it is shaped like this:

* Reading a file ends in one ``survey_read.Table`` (cells as objects, header,
  the row number each data row had in the file) whatever the format; shape
  detection, the checks and the number parsing below exist once, and every
  error names the file row a researcher sees in their spreadsheet program.
  ``survey_read`` also finds delimiters, encodings and sidecar labels.
* Decimal commas are decided per column: a column of a ``;`` or tab file in
  which some value has a decimal comma is read in Dutch style (``1.234,5``).
  A ``,`` file cannot hold unquoted decimal commas, so it is read in English
  style. A column is numeric when most of its filled cells are numbers; the
  rest are then errors, not silently missing values.
* A first column named ``id`` that holds whole numbers is a respondent number,
  so such a file is respondent-level data, not an aggregate table with items
  "1", "2", ... (pass ``kind`` to override).
* ``Survey`` is immutable and carries no database handle; ``to_records`` and
  ``from_records`` give the storage layer plain JSON, column by column, so that
  numbers, text and missing cells come back exactly as they went in.
* Statistics of one item live in ``survey_stats`` (re-exported here, so
  ``from coder.analysis.survey import item_statistics`` keeps working); they return
  small frozen dataclasses, and an undefined figure is ``None``.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from coder.analysis.survey_stats import (
    OVERALL,
    Category,
    Comparison,
    Direction,
    GroupStats,
    ItemStats,
    LabelValue,
    compare_groups,
    item_figures,
    item_statistics,
    significance_mark,
)
from coder.analysis.survey_stats import format_number as _format_number
from coder.analysis.survey_stats import is_number_column as _is_number
from coder.analysis.survey_stats import unknown_item as _unknown_item
from coder.errors import CoderError
from coder.formats.survey_columns import detect_figures, detect_key, detect_label
from coder.formats.survey_files import Table, clean_cell, format_cell, parse_number, read_sidecar, read_table

SurveyKind = Literal["aggregate", "respondents"]
Columns = tuple[str | None, str | None, Sequence[str] | None]
"""The key, label and figure columns a user chose for an aggregate table (None: detect)."""

KEY_COLUMNS = ("item", "key", "id", "variable")
"""Names (any case) of the column holding item keys in an aggregate table."""
LABEL_COLUMN = "label"
TIME_GROUPS = ("year", "jaar", "wave", "golf", "meting", "peiling", "ronde", "round")
OTHER_GROUPS = ("group", "groep", "gemeente", "municipality", "region", "regio", "team")
RECORDS_VERSION = 1

_DECIMAL_COMMA = re.compile(r"[+-]?[\d.]*\d,\d+")


@dataclass(frozen=True, eq=False)
class Survey:
    """One imported survey: an aggregate table or respondent-level data.

    ``data`` has a numeric (float64) column per figure or item and text
    (object) columns otherwise. ``key_column`` holds the item keys of an
    aggregate table, or the respondent number of respondent-level data.
    ``value_labels`` maps an item to {answer code: label}.
    """

    name: str
    kind: SurveyKind
    data: pd.DataFrame
    item_labels: Mapping[str, str]
    value_labels: Mapping[str, Mapping[LabelValue, str]]
    source: str
    key_column: str | None = None
    group_columns: tuple[str, ...] = ()
    figures: tuple[str, ...] | None = None
    warnings: tuple[str, ...] = ()
    """What reading noticed but did not refuse (not stored; shown at import)."""

    def items(self) -> list[str]:
        """Item keys: the key column's values, or the respondent item columns."""
        if self.kind == "aggregate":
            return [str(key) for key in self.data[self.key_column]]
        skip = {self.key_column, *self.group_columns}
        return [c for c in self.data.columns if c not in skip and _is_number(self.data[c])]

    def figure_columns(self) -> list[str]:
        """The numeric columns of an aggregate table (empty for respondents)."""
        if self.kind != "aggregate":
            return []
        if self.figures is not None:
            return list(self.figures)
        return [c for c in self.data.columns if c != self.key_column and _is_number(self.data[c])]

    def item_label(self, key: str) -> str:
        """The item's label, or the key itself when the survey has none."""
        if key not in self.items() and key not in self.data.columns:
            raise _unknown_item(self, key)
        return self.item_labels.get(key, key)

    def to_records(self) -> dict[str, Any]:
        """Plain JSON (dicts, lists, str, float, None) that ``from_records`` restores."""
        return {
            "version": RECORDS_VERSION,
            "name": self.name,
            "kind": self.kind,
            "source": self.source,
            "key_column": self.key_column,
            "group_columns": list(self.group_columns),
            **({"figures": list(self.figures)} if self.figures is not None else {}),
            "columns": [_column_record(str(c), self.data[c]) for c in self.data.columns],
            "item_labels": dict(self.item_labels),
            "value_labels": {
                item: [[value, label] for value, label in labels.items()]
                for item, labels in self.value_labels.items()
            },
        }

    @classmethod
    def from_records(cls, records: Mapping[str, Any]) -> Survey:
        """Rebuild a survey from ``to_records`` output."""
        if records.get("version") != RECORDS_VERSION:
            raise CoderError(
                f"stored survey {records.get('name')!r} has unknown record version "
                f"{records.get('version')!r}",
                hint="Import the survey file again.",
            )
        try:
            columns = {c["name"]: _column_from_record(c) for c in records["columns"]}
            return cls(
                name=records["name"],
                kind=records["kind"],
                data=pd.DataFrame(columns),
                item_labels=dict(records["item_labels"]),
                value_labels={
                    item: {v if isinstance(v, str) else float(v): str(label) for v, label in pairs}
                    for item, pairs in records["value_labels"].items()
                },
                source=records["source"],
                key_column=records["key_column"],
                group_columns=tuple(records["group_columns"]),
                figures=tuple(records["figures"]) if records.get("figures") is not None else None,
            )
        except (KeyError, TypeError, ValueError) as err:
            raise CoderError(
                f"stored survey {records.get('name')!r} is malformed ({err!r})",
                hint="Import the survey file again.",
            ) from err


def read_survey(
    path: Path,
    name: str,
    *,
    sheet: str | int | None = None,
    kind: SurveyKind | None = None,
    groups: Sequence[str] = (),
    columns: Columns = (None, None, None),
) -> Survey:
    """Read a .csv/.tsv/.txt, .xlsx or .sav survey file into a ``Survey``.

    ``sheet`` picks an Excel sheet (default the first); ``kind`` overrides
    shape detection; ``groups`` names extra group columns of respondent data;
    ``columns`` the key, label and figure columns of an aggregate table
    (``--id``, ``--label``, ``--figures``; None: detected).
    Labels from ``<stem>-labels.yaml`` next to the file are added if present.
    """
    survey = _build(read_table(path, sheet), name, kind, groups, columns)
    return _apply_sidecar(survey, Path(path))


# --- shape detection and checks ---------------------------------------------


def _build(
    table: Table, name: str, kind: SurveyKind | None, groups: Sequence[str], columns: Columns
) -> Survey:
    frame = _named_columns(table)
    if frame.empty:
        raise CoderError(
            f"{table.source} has a header row but no data rows",
            hint="Add the survey figures below the header.",
        )
    table = dataclasses.replace(table, frame=frame)
    key = detect_key(frame, columns[0], table.source)
    if kind is None:
        chosen = columns[0] is not None or columns[2] is not None
        kind = (
            "aggregate"
            if key is not None and (chosen or not _is_respondent_id(frame[key]))
            else "respondents"
        )
    if kind == "aggregate":
        return _build_aggregate(table, name, key, columns)
    return _build_respondents(table, name, key, groups)


def _named_columns(table: Table) -> pd.DataFrame:
    """Drop unnamed empty columns; refuse unnamed filled and duplicate columns."""
    frame = table.frame
    keep: list[int] = []
    for position, column in enumerate(frame.columns):
        label = format_cell(column)
        if label == "" and frame.iloc[:, position].map(clean_cell).isna().all():
            continue
        if label == "":
            raise CoderError(
                f"{table.source}: column {position + 1} has values but no name",
                hint="Give every column a name in the header row.",
            )
        keep.append(position)
    frame = frame.iloc[:, keep].copy()
    frame.columns = pd.Index([format_cell(c) for c in frame.columns], dtype=object)
    doubles = sorted({c for c in frame.columns if list(frame.columns).count(c) > 1})
    if doubles:
        raise CoderError(
            f"{table.source}: column {doubles[0]!r} appears more than once in the header",
            hint="Give every column its own name.",
        )
    return frame.reset_index(drop=True)


def _is_respondent_id(column: pd.Series) -> bool:
    if not re.sub(r"[^a-z]", "", str(column.name).lower()).endswith("id"):
        return False
    cells = [clean_cell(c) for c in column.tolist()]
    numbers = [parse_number(c, False) if isinstance(c, str) else c for c in cells if c is not None]
    return all(n is not None and n.is_integer() for n in numbers)


def _build_aggregate(table: Table, name: str, key: str | None, columns: Columns) -> Survey:
    if key is None:
        raise CoderError(
            f"{table.source}: an aggregate table needs a column named item, key, id or variable",
            hint="Name the column that holds the item keys 'item'.",
        )
    keys = [format_cell(c) for c in table.frame[key].tolist()]
    _check_keys(table, key, keys)
    label = detect_label(table.frame, key, columns[1], table.source)
    data = {
        c: (
            pd.Series(keys, dtype=object, name=c)
            if c == key
            else _text(table.frame[c])
            if c == label
            else _coerce(table, c, keys)
        )
        for c in table.frame.columns
    }
    labels = dict(table.item_labels)
    if label is not None:
        labels |= {k: str(v) for k, v in zip(keys, data[label], strict=True) if v is not None}
    warnings = [
        w
        for c, column in data.items()
        if c not in (key, label) and not _is_number(column)
        for w in [_mixed_column_warning(table, c)]
        if w
    ]
    numeric = [c for c in data if c not in (key, label) and _is_number(data[c])]
    figures = detect_figures(pd.DataFrame(data), numeric, (key, label), columns[2], table.source)
    frame = pd.DataFrame(data)
    return Survey(
        name, "aggregate", frame, labels, table.value_labels, table.source, key, (), figures, tuple(warnings)
    )


def _mixed_column_warning(table: Table, column: str) -> str | None:
    """A text column with some numbers in it: likely figures spoiled by a few notes ("n.v.t.").

    Such a column is not among the figures of the joint display, so a year
    would vanish from it without a word; say which column and rows.
    """
    cells = [clean_cell(c) for c in table.frame[column].tolist()]
    filled = [i for i, c in enumerate(cells) if c is not None]
    numeric = {
        i
        for i in filled
        if not isinstance(cells[i], str) or parse_number(str(cells[i]), table.decimal_comma) is not None
    }
    if not numeric:
        return None
    bad = [i for i in filled if i not in numeric]
    rows = ", ".join(str(table.rows[i]) for i in bad[:5]) + (" ..." if len(bad) > 5 else "")
    return (
        f"{table.source}, column {column!r}: read as text, not as figures: {len(bad)} of {len(filled)} "
        f"filled cells are not numbers (rows {rows}, e.g. {cells[bad[0]]!r}); correct or empty them "
        "to use the column in the joint display"
    )


def _check_keys(table: Table, key: str, keys: list[str]) -> None:
    for index, item in enumerate(keys):
        if item == "":
            raise CoderError(
                f"{table.source}, row {table.rows[index]}: no item key in column {key!r}",
                hint="Give every row an item key, or delete the row.",
            )
    seen: dict[str, list[int]] = {}
    for index, item in enumerate(keys):
        seen.setdefault(item, []).append(table.rows[index])
    for item, rows in seen.items():
        if len(rows) > 1:
            raise CoderError(
                f"{table.source}: item key {item!r} appears more than once "
                f"(rows {', '.join(map(str, rows))})",
                hint=f"Give every item its own key in column {key!r}.",
            )


def _build_respondents(table: Table, name: str, key: str | None, groups: Sequence[str]) -> Survey:
    data = pd.DataFrame({c: _coerce(table, c) for c in table.frame.columns})
    unknown = [g for g in groups if g not in data.columns]
    if unknown:
        raise CoderError(
            f"{table.source}: no column named {unknown[0]!r} to group by",
            hint=f"Columns: {', '.join(data.columns)}.",
        )
    lowered = {c: c.lower() for c in data.columns}
    found = [
        *groups,
        *(c for c in data.columns if lowered[c] in TIME_GROUPS),
        *(c for c in data.columns if lowered[c] in OTHER_GROUPS),
        *(c for c in data.columns if not _is_number(data[c])),
    ]
    group_columns = tuple(dict.fromkeys(c for c in found if c != key))
    return Survey(
        name,
        "respondents",
        data,
        table.item_labels,
        table.value_labels,
        table.source,
        key,
        group_columns,
    )


def _coerce(table: Table, column: str, keys: list[str] | None = None) -> pd.Series:
    """A float64 column when most filled cells are numbers, else a text column."""
    series = table.frame[column]
    if pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series):
        return series.astype("float64").rename(column)
    plain = _plain_numbers(series)
    if plain is not None:
        return plain.rename(column)
    cells = [clean_cell(c) for c in series.tolist()]
    texts = [c for c in cells if isinstance(c, str)]
    comma = table.decimal_comma and any(_DECIMAL_COMMA.fullmatch(t) for t in texts)
    parsed = [c if not isinstance(c, str) else parse_number(c, comma) for c in cells]
    filled = sum(c is not None for c in cells)
    good = sum(p is not None for p in parsed)
    if good * 2 <= filled:
        return _text(series)
    bad = [i for i, (c, p) in enumerate(zip(cells, parsed, strict=True)) if c is not None and p is None]
    if bad:
        first = bad[0]
        where = f"row {table.rows[first]}" + (f" (item {keys[first]!r})" if keys else "")
        more = f" and {len(bad) - 1} more" if len(bad) > 1 else ""
        raise CoderError(
            f"{table.source}, {where}, column {column!r}: {cells[first]!r} is not a number{more}",
            hint=f"Column {column!r} holds numbers in {good} of {filled} filled cells; "
            "correct or empty the others.",
        )
    return pd.Series([np.nan if p is None else p for p in parsed], dtype="float64", name=column)


def _plain_numbers(series: pd.Series) -> pd.Series | None:
    """Fast path: every filled cell is a plain number pandas parses exactly as we would."""
    filled = series.notna() & (series != "")
    numbers = pd.to_numeric(series.where(filled), errors="coerce")
    if not (numbers.notna() == filled).all() or not np.isfinite(numbers[filled]).all():
        return None
    return numbers.astype("float64")


def _text(series: pd.Series) -> pd.Series:
    values = [clean_cell(c) for c in series.tolist()]
    cells = [c if c is None or isinstance(c, str) else _format_number(c) for c in values]
    return pd.Series(cells, dtype=object, name=series.name)


# --- sidecar labels -----------------------------------------------------------


def _apply_sidecar(survey: Survey, path: Path) -> Survey:
    sidecar = read_sidecar(path)
    if sidecar is None:
        return survey
    items = survey.items()
    sidecar.check(survey.source, items, survey.data.columns)
    return dataclasses.replace(
        survey,
        item_labels=sidecar.item_labels(survey.item_labels),
        value_labels=sidecar.value_labels(items, survey.value_labels),
    )


# --- small helpers -------------------------------------------------------------------


def _column_record(name: str, column: pd.Series) -> dict[str, Any]:
    if _is_number(column):
        values = [None if math.isnan(v) else float(v) for v in column.tolist()]
        return {"name": name, "type": "number", "values": values}
    return {"name": name, "type": "text", "values": [None if v is None else str(v) for v in column]}


def _column_from_record(record: Mapping[str, Any]) -> pd.Series:
    values = record["values"]
    if record["type"] == "number":
        return pd.Series([np.nan if v is None else float(v) for v in values], dtype="float64")
    if record["type"] == "text":
        return pd.Series(values, dtype=object)
    raise ValueError(f"unknown column type {record['type']!r}")


__all__ = [
    "OVERALL",
    "Category",
    "Comparison",
    "Direction",
    "GroupStats",
    "ItemStats",
    "LabelValue",
    "Survey",
    "SurveyKind",
    "compare_groups",
    "item_figures",
    "item_statistics",
    "read_survey",
    "significance_mark",
]
