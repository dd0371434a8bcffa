"""Survey data for the joint display: read it, check it, summarise one item.

Why it is shaped like this:

* Reading ends in one ``_Table`` (cells as objects, header, the row number each
  data row had in the file) whatever the format, so that the checks and the
  number parsing exist once and every error can name the file row a researcher
  sees in their spreadsheet program.
* Delimiters are found by trying ``;``, ``,`` and tab with the ``csv`` module
  and keeping the one that gives every row the header's number of fields. This
  is deterministic where ``csv.Sniffer`` guesses. When ``,`` ties with another
  delimiter but every comma below the header sits between digits, the commas
  are decimal commas; any other tie is reported, never picked silently.
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
  ``from coder.survey import item_statistics`` keeps working); they return
  small frozen dataclasses, and an undefined figure is ``None``.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any, Literal
from zipfile import BadZipFile

import numpy as np
import pandas as pd
import pyreadstat
import yaml
from openpyxl.utils.exceptions import InvalidFileException

from coder.errors import CoderError
from coder.survey_stats import (
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
from coder.survey_stats import format_number as _format_number
from coder.survey_stats import is_number_column as _is_number
from coder.survey_stats import unknown_item as _unknown_item

SurveyKind = Literal["aggregate", "respondents"]

KEY_COLUMNS = ("item", "key", "id", "variable")
"""Names (any case) of the column holding item keys in an aggregate table."""
LABEL_COLUMN = "label"
MISSING_MARKERS = frozenset({"", "na", "n/a", "nan", "-", ".", "n.v.t.", "nvt", "#null!"})
"""Cell texts (any case) that mean "no value" rather than a wrong value."""
TIME_GROUPS = ("year", "jaar", "wave", "golf", "meting", "peiling", "ronde", "round")
OTHER_GROUPS = ("group", "groep", "gemeente", "municipality", "region", "regio", "team")
DELIMITERS = (";", ",", "\t")
RECORDS_VERSION = 1

_DECIMAL_COMMA = re.compile(r"[+-]?[\d.]*\d,\d+")
_COMMA_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?|[+-]?,\d+")
_POINT_NUMBER = re.compile(r"[+-]?(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?")


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
            )
        except (KeyError, TypeError, ValueError) as err:
            raise CoderError(
                f"stored survey {records.get('name')!r} is malformed ({err!r})",
                hint="Import the survey file again.",
            ) from err


@dataclass(frozen=True)
class _Table:
    """Cells as read from a file, before shape detection and number parsing."""

    source: str
    frame: pd.DataFrame
    rows: list[int]
    decimal_comma: bool
    item_labels: dict[str, str]
    value_labels: dict[str, dict[LabelValue, str]]


# --- reading --------------------------------------------------------------


def read_survey(
    path: Path,
    name: str,
    *,
    sheet: str | int | None = None,
    kind: SurveyKind | None = None,
    groups: Sequence[str] = (),
) -> Survey:
    """Read a .csv/.tsv/.txt, .xlsx or .sav survey file into a ``Survey``.

    ``sheet`` picks an Excel sheet (default the first); ``kind`` overrides
    shape detection; ``groups`` names extra group columns of respondent data.
    Labels from ``<stem>-labels.yaml`` next to the file are added if present.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".tsv", ".txt", ".xlsx", ".sav"):
        raise CoderError(
            f"{path.name}: unsupported survey file type {suffix or '(no extension)'!r}",
            hint="Use .csv (; , or tab delimited), .xlsx or .sav.",
        )
    if not path.is_file():
        raise CoderError(f"{path}: no such file", hint="Check the path.")
    if path.stat().st_size == 0:
        raise _empty(path.name)
    if suffix == ".sav":
        table = _read_sav(path)
    elif suffix == ".xlsx":
        table = _read_xlsx(path, sheet)
    else:
        table = _read_delimited(path)
    survey = _build(table, name, kind, groups)
    return _apply_sidecar(survey, path)


def _read_delimited(path: Path) -> _Table:
    text = _decode(path)
    if not text.strip():
        raise _empty(path.name)
    delimiter = _sniff(text, path.name)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records: list[list[str]] = []
    rows: list[int] = []
    for record in reader:
        if any(cell.strip() for cell in record):
            records.append(record)
            rows.append(reader.line_num)
    header, body = records[0], records[1:]
    for record, row in zip(body, rows[1:], strict=True):
        if len(record) > len(header) and any(c.strip() for c in record[len(header) :]):
            raise CoderError(
                f"{path.name}, row {row}: {len(record)} fields where the header has {len(header)}",
                hint=f"Quote values that contain {delimiter!r}, or add the missing column name.",
            )
    body = [(r + [""] * len(header))[: len(header)] for r in body]
    frame = pd.DataFrame(body, columns=header, dtype=object)
    return _Table(path.name, frame, rows[1:], delimiter != ",", {}, {})


def _decode(path: Path) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252."""
    data = path.read_bytes()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if b"\x00" in data:
        raise CoderError(f"{path.name} is not a text file", hint="Export it as CSV.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            raise CoderError(
                f"{path.name} is neither UTF-8 nor Windows-1252 text (byte {err.start})",
                hint="Save it again as 'CSV UTF-8'.",
            ) from err


def _sniff(text: str, source: str) -> str:
    """The delimiter that gives every row the header's number of fields."""
    fits: dict[str, float] = {}
    for delimiter in DELIMITERS:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        counts = [len(r) for r in islice(reader, 500) if any(c.strip() for c in r)]
        if counts and counts[0] > 1:
            fits[delimiter] = sum(c == counts[0] for c in counts) / len(counts)
    perfect = [d for d, share in fits.items() if share == 1.0]
    if len(perfect) > 1 and "," in perfect and _only_decimal_commas(text):
        perfect.remove(",")  # "item;Score, gemiddeld" over rows like "q1;4,6"
    if len(perfect) > 1:
        raise CoderError(
            f"{source}: the delimiter is ambiguous ({' and '.join(map(repr, perfect))} both fit)",
            hint="Save the file with one delimiter and quote values that contain another.",
        )
    if perfect:
        return perfect[0]
    ranked = sorted(fits.items(), key=lambda kv: kv[1], reverse=True)
    if ranked and ranked[0][1] >= 0.5 and (len(ranked) == 1 or ranked[1][1] < ranked[0][1]):
        return ranked[0][0]  # the reader then names the row that does not fit
    raise CoderError(
        f"{source}: cannot tell which delimiter separates the columns",
        hint="Use ';', ',' or a tab between at least two columns, on every row.",
    )


def _only_decimal_commas(text: str) -> bool:
    """Whether every comma below the header sits between two digits."""
    body = text.partition("\n")[2]
    return "," in body and "," not in re.sub(r"(?<=\d),(?=\d)", "", body)


def _read_xlsx(path: Path, sheet: str | int | None) -> _Table:
    try:
        with pd.ExcelFile(path, engine="openpyxl") as book:
            names = [str(n) for n in book.sheet_names]
            if sheet not in (None, *names, *range(len(names))):
                raise CoderError(f"{path.name}: no sheet {sheet!r}", hint=f"Sheets: {', '.join(names)}.")
            raw = pd.read_excel(book, sheet_name=sheet or 0, header=None, dtype=object)
    except (BadZipFile, InvalidFileException, KeyError, OSError) as err:
        raise CoderError(
            f"{path.name} is not an Excel .xlsx file", hint="Save it from Excel as .xlsx."
        ) from err
    filled = [i for i in range(len(raw)) if raw.iloc[i].map(_clean).notna().any()]
    if not filled:
        raise _empty(path.name)
    header = [_format_cell(v) for v in raw.iloc[filled[0]].tolist()]
    frame = raw.iloc[filled[1:]].reset_index(drop=True)
    frame.columns = pd.Index(header, dtype=object)
    return _Table(path.name, frame, [i + 1 for i in filled[1:]], True, {}, {})


def _read_sav(path: Path) -> _Table:
    try:
        frame, meta = pyreadstat.read_sav(str(path))
    except (pyreadstat.ReadstatError, pyreadstat.PyreadstatError) as err:
        raise CoderError(
            f"{path.name} is not an SPSS .sav file",
            hint="Export it from SPSS with File > Save As, or give it its real extension.",
        ) from err
    item_labels = {str(k): str(v) for k, v in meta.column_names_to_labels.items() if v}
    value_labels = {
        str(var): {_label_key(code): str(label) for code, label in labels.items()}
        for var, labels in meta.variable_value_labels.items()
    }
    frame.columns = pd.Index([str(c) for c in frame.columns], dtype=object)
    rows = list(range(1, len(frame) + 1))
    return _Table(path.name, frame, rows, False, item_labels, value_labels)


# --- shape detection and checks ---------------------------------------------


def _build(table: _Table, name: str, kind: SurveyKind | None, groups: Sequence[str]) -> Survey:
    frame = _named_columns(table)
    if frame.empty:
        raise CoderError(
            f"{table.source} has a header row but no data rows",
            hint="Add the survey figures below the header.",
        )
    table = dataclasses.replace(table, frame=frame)
    key = next((c for c in frame.columns if c.lower() in KEY_COLUMNS), None)
    if kind is None:
        kind = "aggregate" if key is not None and not _is_respondent_id(frame[key]) else "respondents"
    if kind == "aggregate":
        return _build_aggregate(table, name, key)
    return _build_respondents(table, name, key, groups)


def _named_columns(table: _Table) -> pd.DataFrame:
    """Drop unnamed empty columns; refuse unnamed filled and duplicate columns."""
    frame = table.frame
    keep: list[int] = []
    for position, column in enumerate(frame.columns):
        label = _format_cell(column)
        if label == "" and frame.iloc[:, position].map(_clean).isna().all():
            continue
        if label == "":
            raise CoderError(
                f"{table.source}: column {position + 1} has values but no name",
                hint="Give every column a name in the header row.",
            )
        keep.append(position)
    frame = frame.iloc[:, keep].copy()
    frame.columns = pd.Index([_format_cell(c) for c in frame.columns], dtype=object)
    doubles = sorted({c for c in frame.columns if list(frame.columns).count(c) > 1})
    if doubles:
        raise CoderError(
            f"{table.source}: column {doubles[0]!r} appears more than once in the header",
            hint="Give every column its own name.",
        )
    return frame.reset_index(drop=True)


def _is_respondent_id(column: pd.Series) -> bool:
    if str(column.name).lower() != "id":
        return False
    cells = [_clean(c) for c in column.tolist()]
    numbers = [_parse_number(c, False) if isinstance(c, str) else c for c in cells if c is not None]
    return all(n is not None and n.is_integer() for n in numbers)


def _build_aggregate(table: _Table, name: str, key: str | None) -> Survey:
    if key is None:
        raise CoderError(
            f"{table.source}: an aggregate table needs a column named item, key, id or variable",
            hint="Name the column that holds the item keys 'item'.",
        )
    keys = [_format_cell(c) for c in table.frame[key].tolist()]
    _check_keys(table, key, keys)
    label = next((c for c in table.frame.columns if c.lower() == LABEL_COLUMN), None)
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
    return Survey(name, "aggregate", pd.DataFrame(data), labels, table.value_labels, table.source, key)


def _check_keys(table: _Table, key: str, keys: list[str]) -> None:
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


def _build_respondents(table: _Table, name: str, key: str | None, groups: Sequence[str]) -> Survey:
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


def _coerce(table: _Table, column: str, keys: list[str] | None = None) -> pd.Series:
    """A float64 column when most filled cells are numbers, else a text column."""
    series = table.frame[column]
    if pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series):
        return series.astype("float64").rename(column)
    plain = _plain_numbers(series)
    if plain is not None:
        return plain.rename(column)
    cells = [_clean(c) for c in series.tolist()]
    texts = [c for c in cells if isinstance(c, str)]
    comma = table.decimal_comma and any(_DECIMAL_COMMA.fullmatch(t) for t in texts)
    parsed = [c if not isinstance(c, str) else _parse_number(c, comma) for c in cells]
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
    values = [_clean(c) for c in series.tolist()]
    cells = [c if c is None or isinstance(c, str) else _format_number(c) for c in values]
    return pd.Series(cells, dtype=object, name=series.name)


def _clean(cell: object) -> float | str | None:
    """A cell as a float, stripped text, or None when empty or a missing marker."""
    if cell is None or (not isinstance(cell, str) and bool(pd.isna(cell))):
        return None
    if isinstance(cell, (int, float, np.number)) and not isinstance(cell, (bool, np.bool_)):
        return float(cell)
    text = str(cell).strip()
    return None if text.lower() in MISSING_MARKERS else text


def _parse_number(text: str, decimal_comma: bool) -> float | None:
    compact = text.replace("\u00a0", "").replace(" ", "")
    if decimal_comma:
        if not _COMMA_NUMBER.fullmatch(compact):
            return None
        return float(compact.replace(".", "").replace(",", "."))
    if not _POINT_NUMBER.fullmatch(compact):
        return None
    return float(compact.replace(",", ""))


def _format_cell(cell: object) -> str:
    cleaned = _clean(cell)
    if cleaned is None:
        return "" if cell is None or not isinstance(cell, str) else cell.strip()
    return cleaned if isinstance(cleaned, str) else _format_number(cleaned)


def _label_key(value: object) -> LabelValue:
    """Answer codes as floats (matching the data), other codes as text."""
    if isinstance(value, (int, float, np.number)) and not isinstance(value, bool):
        return float(value)
    text = str(value).strip()
    number = _parse_number(text, decimal_comma=False)
    return text if number is None else number


# --- sidecar labels -----------------------------------------------------------


def _apply_sidecar(survey: Survey, path: Path) -> Survey:
    sidecar = next(
        (p for p in (path.with_name(f"{path.stem}-labels.{e}") for e in ("yaml", "yml")) if p.is_file()),
        None,
    )
    if sidecar is None:
        return survey
    try:
        spec = yaml.safe_load(sidecar.read_text(encoding="utf-8-sig")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        raise CoderError(f"{sidecar.name} is not valid YAML: {err}", hint="Fix the YAML.") from err
    if not isinstance(spec, dict) or not all(isinstance(spec.get(k, {}), dict) for k in ("items", "values")):
        raise CoderError(
            f"{sidecar.name}: expected mappings 'items' and 'values'",
            hint="See: items: {q1: 'label'} and values: {1: 'helemaal oneens'}.",
        )
    known = set(survey.items()) | set(survey.data.columns)
    for key in (
        *spec.get("items", {}),
        *(k for k, v in spec.get("values", {}).items() if isinstance(v, dict)),
    ):
        if str(key) not in known:
            raise CoderError(
                f"{sidecar.name}: {str(key)!r} is not an item of {survey.source}",
                hint=f"Items: {', '.join(survey.items())}.",
            )
    return dataclasses.replace(
        survey,
        item_labels={**survey.item_labels, **{str(k): str(v) for k, v in spec.get("items", {}).items()}},
        value_labels=_sidecar_values(survey, spec.get("values", {})),
    )


def _sidecar_values(survey: Survey, values: dict[Any, Any]) -> dict[str, dict[LabelValue, str]]:
    """Scalar entries form a scale for every item; mapping entries are per item."""
    scale = {_label_key(k): str(v) for k, v in values.items() if not isinstance(v, dict)}
    result = {item: dict(labels) for item, labels in survey.value_labels.items()}
    if scale:
        for item in survey.items():
            result[item] = {**result.get(item, {}), **scale}
    for item, labels in values.items():
        if isinstance(labels, dict):
            result[str(item)] = {_label_key(k): str(v) for k, v in labels.items()}
    return result


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


def _empty(source: str) -> CoderError:
    return CoderError(f"{source} is empty", hint="Export the survey again; the file holds no data.")


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
