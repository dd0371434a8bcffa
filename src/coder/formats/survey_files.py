"""Reading survey files: .csv/.tsv/.txt, .xlsx, .sav and sidecar labels (split from ``survey``).

Why it is shaped like this:

* Reading ends in one ``Table`` (cells as objects, header, the row number each
  data row had in the file) whatever the format, so that the checks and the
  number parsing in ``survey`` exist once and every error can name the file
  row a researcher sees in their spreadsheet program.
* Delimiters are found by trying ``;``, ``,`` and tab with the ``csv`` module
  and keeping the one that gives every row the header's number of fields. This
  is deterministic where ``csv.Sniffer`` guesses. When ``,`` ties with another
  delimiter but every comma below the header sits between digits, the commas
  are decimal commas; any other tie is reported, never picked silently.
* A ``;`` or tab file may hold decimal commas (``Table.decimal_comma``); a
  ``,`` file cannot hold unquoted ones, so it is read in English style.
  ``survey`` then decides per column, with ``parse_number`` from here.
* Text is UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252: what
  Excel and SPSS write on Dutch and English machines.
* The cell helpers (what counts as empty, how a number is parsed and a cell
  written as text) live here, the lower of the two modules, because both the
  readers and the shape checks in ``survey`` need them.
* Labels from ``<stem>-labels.yaml`` arrive as a ``Sidecar`` that checks itself
  against the survey's items and merges into its labels, so this module needs
  no ``Survey`` and ``survey`` can import it without a cycle.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any
from zipfile import BadZipFile

import numpy as np
import pandas as pd
import pyreadstat
import yaml
from openpyxl.utils.exceptions import InvalidFileException

from coder.errors import CoderError
from coder.formats.safe_yaml import describe, load_yaml

LabelValue = float | str
"""An answer code in a value-label mapping (a number, or text)."""


def format_number(value: float) -> str:
    """A number as a group name or label key: ``2016``, not ``2016.0``."""
    return str(int(value)) if value.is_integer() else repr(value)


MISSING_MARKERS = frozenset({"", "na", "n/a", "nan", "-", ".", "n.v.t.", "nvt", "#null!"})
"""Cell texts (any case) that mean "no value" rather than a wrong value."""
DELIMITERS = (";", ",", "\t")
SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".sav")

_COMMA_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?|[+-]?,\d+")
_POINT_NUMBER = re.compile(r"[+-]?(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?")


@dataclass(frozen=True)
class Table:
    """Cells as read from a file, before shape detection and number parsing."""

    source: str
    frame: pd.DataFrame
    rows: list[int]
    decimal_comma: bool
    item_labels: dict[str, str]
    value_labels: dict[str, dict[LabelValue, str]]


def read_table(path: Path, sheet: str | int | None = None) -> Table:
    """The cells of a .csv/.tsv/.txt, .xlsx or .sav file (``sheet`` picks an Excel sheet)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise CoderError(
            f"{path.name}: unsupported survey file type {suffix or '(no extension)'!r}",
            hint="Use .csv (; , or tab delimited), .xlsx or .sav.",
        )
    if not path.is_file():
        raise CoderError(f"{path}: no such file", hint="Check the path.")
    if path.stat().st_size == 0:
        raise _empty(path.name)
    if suffix == ".sav":
        return _read_sav(path)
    if suffix == ".xlsx":
        return _read_xlsx(path, sheet)
    return _read_delimited(path)


# --- delimited text --------------------------------------------------------------


def _read_delimited(path: Path) -> Table:
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
    return Table(path.name, frame, rows[1:], delimiter != ",", {}, {})


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


# --- Excel and SPSS ------------------------------------------------------------------


def _read_xlsx(path: Path, sheet: str | int | None) -> Table:
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
    except (OverflowError, ValueError, TypeError) as err:
        # openpyxl/pandas on a damaged sheet or a cell they cannot convert (e.g. 1.8e308)
        raise CoderError(
            f"{path.name}: a cell cannot be read ({err})", hint="Check the sheet in Excel and save it again."
        ) from err
    filled = [i for i in range(len(raw)) if raw.iloc[i].map(clean_cell).notna().any()]
    if not filled:
        raise _empty(path.name)
    header = [format_cell(v) for v in raw.iloc[filled[0]].tolist()]
    frame = raw.iloc[filled[1:]].reset_index(drop=True)
    frame.columns = pd.Index(header, dtype=object)
    return Table(path.name, frame, [i + 1 for i in filled[1:]], True, {}, {})


def _read_sav(path: Path) -> Table:
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
    return Table(path.name, frame, rows, False, item_labels, value_labels)


# --- cells -------------------------------------------------------------------------------


def clean_cell(cell: object) -> float | str | None:
    """A cell as a float, stripped text, or None when empty or a missing marker."""
    if cell is None or (not isinstance(cell, str) and bool(pd.isna(cell))):
        return None
    if isinstance(cell, (int, float, np.number)) and not isinstance(cell, (bool, np.bool_)):
        return float(cell)
    text = str(cell).strip()
    return None if text.lower() in MISSING_MARKERS else text


def parse_number(text: str, decimal_comma: bool) -> float | None:
    """The number a cell's text writes (Dutch ``1.234,5`` when ``decimal_comma``), else None."""
    compact = text.replace("\u00a0", "").replace(" ", "")
    if decimal_comma:
        if not _COMMA_NUMBER.fullmatch(compact):
            return None
        return float(compact.replace(".", "").replace(",", "."))
    if not _POINT_NUMBER.fullmatch(compact):
        return None
    return float(compact.replace(",", ""))


def format_cell(cell: object) -> str:
    """A cell as text: numbers as ``format_number`` writes them, empty cells as ``""``."""
    cleaned = clean_cell(cell)
    if cleaned is None:
        return "" if cell is None or not isinstance(cell, str) else cell.strip()
    return cleaned if isinstance(cleaned, str) else format_number(cleaned)


def _label_key(value: object) -> LabelValue:
    """Answer codes as floats (matching the data), other codes as text."""
    if isinstance(value, (int, float, np.number)) and not isinstance(value, bool):
        return float(value)
    text = str(value).strip()
    number = parse_number(text, decimal_comma=False)
    return text if number is None else number


def _empty(source: str) -> CoderError:
    return CoderError(f"{source} is empty", hint="Export the survey again; the file holds no data.")


# --- sidecar labels -----------------------------------------------------------


@dataclass(frozen=True)
class Sidecar:
    """The labels of ``<stem>-labels.yaml``: ``items`` {item: label}, ``values`` {code: label}."""

    name: str
    items: Mapping[Any, Any]
    values: Mapping[Any, Any]

    def check(self, source: str, items: Sequence[str], columns: Iterable[str]) -> None:
        """Refuse a label for an item or column that ``source`` does not have."""
        known = set(items) | set(columns)
        for key in (*self.items, *(k for k, v in self.values.items() if isinstance(v, dict))):
            if str(key) not in known:
                raise CoderError(
                    f"{self.name}: {str(key)!r} is not an item of {source}",
                    hint=f"Items: {', '.join(items)}.",
                )

    def item_labels(self, labels: Mapping[str, str]) -> dict[str, str]:
        """``labels`` with the sidecar's item labels on top."""
        return {**labels, **{str(k): str(v) for k, v in self.items.items()}}

    def value_labels(
        self, items: Sequence[str], labels: Mapping[str, Mapping[LabelValue, str]]
    ) -> dict[str, dict[LabelValue, str]]:
        """Scalar entries form a scale for every item; mapping entries are per item."""
        scale = {_label_key(k): str(v) for k, v in self.values.items() if not isinstance(v, dict)}
        result = {item: dict(answers) for item, answers in labels.items()}
        if scale:
            for item in items:
                result[item] = {**result.get(item, {}), **scale}
        for item, answers in self.values.items():
            if isinstance(answers, dict):
                result[str(item)] = {_label_key(k): str(v) for k, v in answers.items()}
        return result


def read_sidecar(path: Path) -> Sidecar | None:
    """The labels file next to a survey file, if there is one."""
    sidecar = next(
        (p for p in (path.with_name(f"{path.stem}-labels.{e}") for e in ("yaml", "yml")) if p.is_file()),
        None,
    )
    if sidecar is None:
        return None
    try:
        spec = load_yaml(sidecar.read_text(encoding="utf-8-sig")) or {}
    except yaml.YAMLError as err:
        raise CoderError(f"{sidecar.name} is not valid YAML ({describe(err)})", hint="Fix the YAML.") from err
    except UnicodeDecodeError as err:
        raise CoderError(f"{sidecar.name} is not UTF-8 text", hint="Save it as UTF-8.") from err
    if not isinstance(spec, dict) or not all(isinstance(spec.get(k, {}), dict) for k in ("items", "values")):
        raise CoderError(
            f"{sidecar.name}: expected mappings 'items' and 'values'",
            hint="See: items: {q1: 'label'} and values: {1: 'helemaal oneens'}.",
        )
    return Sidecar(sidecar.name, spec.get("items", {}), spec.get("values", {}))
