"""Codings as rows: reading and writing one coder's codings as CSV or JSONL.

Why it is shaped like this:

* A file is read and every row validated before anything is written, then the
  rows go in with one ``executemany`` in one transaction: a bad row 57 leaves
  the project as it was, and the error names row 57.
* Validation uses lookups prepared once per file (transcript lengths, the code
  tree, the coder's existing codings), never a query per row, so 30,000 rows
  load in well under a second.
* Importing is idempotent: a row identical to a stored coding of the coder
  (same transcript, span and code) or to an earlier row of the file is skipped
  and counted. ``replace`` swaps the coder's codings of the file's transcripts
  for the file's rows.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from coder.errors import CoderError, InputFormatError, UnknownIdError
from coder.formats.outfile import atomic_output
from coder.model import Codebook
from coder.naming import check_coder_name, existing_id
from coder.services.codebook import new_coder_code, resolve_code
from coder.storage import Store

# Optional columns after the five of the row format: the key-quote mark, and a
# flagged coding's reason and the words it lost. Each is written only when a
# coding carries it, so the usual file keeps its five columns.
ROW_FIELDS = ("transcript", "start", "end", "code", "memo", "key_quote", "flagged", "flagged_text")
KEY_QUOTE_VALUES = {"": False, "0": False, "false": False, "no": False, "1": True, "true": True, "yes": True}
REQUIRED = {"transcript", "start", "end", "code"}
COLUMNS_HINT = "columns: transcript,start,end,code[,memo]"
Key = tuple[str, int, int, str]
MAX_FIELD = 2**31 - 1
"""csv's field size limit while reading codings: a memo may be as long as it likes."""


def _read_rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(row or line number, row) of a .csv or .jsonl codings file."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".jsonl"):
        raise InputFormatError(
            f"{path}: unsupported codings file {suffix!r}", "use .csv (with header) or .jsonl"
        )
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputFormatError(f"{path}: not UTF-8 text", "save it as UTF-8") from exc
    yield from (_jsonl_rows if suffix == ".jsonl" else _csv_rows)(path, text)


def _jsonl_rows(path: Path, text: str) -> Iterator[tuple[int, dict[str, Any]]]:
    for line_no, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputFormatError(f"{path}: line {line_no}: not JSON ({exc.msg})") from exc
        except RecursionError:
            raise InputFormatError(f"{path}: line {line_no}: nested too deeply") from None
        if not isinstance(row, dict):
            raise InputFormatError(f"{path}: line {line_no}: expected a JSON object")
        yield line_no, row


def _delimiter(header: str) -> str:
    """``,`` or, for files saved by a Dutch Excel, ``;`` (or a tab), judged from the header."""
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _csv_rows(path: Path, text: str) -> Iterator[tuple[int, dict[str, Any]]]:
    # Memos may be longer than csv's default 128 KB field limit.
    csv.field_size_limit(MAX_FIELD)
    reader = csv.DictReader(
        io.StringIO(text, newline=""), delimiter=_delimiter(text.partition("\n")[0]), strict=True
    )
    try:
        fields = [f.strip() for f in reader.fieldnames or []]
    except csv.Error as exc:
        raise InputFormatError(f"{path}: row 1: {exc}") from None
    reader.fieldnames = fields
    missing = REQUIRED - set(fields)
    if missing:
        raise InputFormatError(f"{path}: header lacks {', '.join(sorted(missing))}", COLUMNS_HINT)
    extra = [f for f in fields if f not in ROW_FIELDS]
    if extra:
        raise InputFormatError(f"{path}: row 1: unknown column {', '.join(map(repr, extra))}", COLUMNS_HINT)
    row_no = 1
    while True:
        row_no += 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise InputFormatError(
                f"{path}: row {row_no}: {exc}", 'a quote (") opens a field that no quote closes'
            ) from None
        if None in row:
            raise InputFormatError(
                f"{path}: row {row_no}: more cells than the header has columns", COLUMNS_HINT
            )
        yield row_no, row


def _whole(value: Any) -> int:
    """A span offset: an int, or text of one; ``true``, ``1.5`` or ``"x"`` are refused."""
    if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
        raise ValueError(value)
    return int(value)


@dataclass
class _Validator:
    """Checks rows against lookups prepared once per file."""

    store: Store
    path: Path
    coder: str
    add_missing: bool
    lengths: dict[str, int]
    codebook: Codebook
    added: list[str] = field(default_factory=list)
    _codes: dict[str, str] = field(default_factory=dict)

    def row(self, where: int, row: dict[str, Any]) -> dict[str, Any]:
        """A row ready for ``Store.add_codings``, or InputFormatError naming the row."""
        transcript = str(row.get("transcript") or "").strip()
        if transcript not in self.lengths:
            raise InputFormatError(
                f"{self._label(where)}: unknown transcript {transcript!r}",
                "import it first with `coder import`",
            )
        try:
            start, end = _whole(row["start"]), _whole(row["end"])
        except (KeyError, TypeError, ValueError) as exc:
            raise InputFormatError(f"{self._label(where)}: start and end must be whole numbers") from exc
        if not 0 <= start < end <= self.lengths[transcript]:
            raise InputFormatError(
                f"{self._label(where)}: span {start}-{end} is out of range for {transcript!r} "
                f"(0 <= start < end <= {self.lengths[transcript]})"
            )
        ref = str(row.get("code") or "").strip()
        if ref not in self._codes:
            self._codes[ref] = self._code(self._label(where), ref)
        memo = row.get("memo")
        return {
            "coder": self.coder,
            "transcript_id": transcript,
            "start": start,
            "end": end,
            "code_id": self._codes[ref],
            "key_quote": self._key_quote(where, row.get("key_quote")),
            "memo": "" if memo is None else str(memo),
            **_flag_of_row(row),
        }

    def _key_quote(self, where: int, value: Any) -> bool:
        """The ``key_quote`` cell as a bool (JSON true/false, or 1/0/true/false/yes/no in CSV)."""
        if value is None or isinstance(value, bool):
            return bool(value)
        text = str(value).strip().lower()
        if text not in KEY_QUOTE_VALUES:
            raise InputFormatError(f"{self._label(where)}: key_quote must be true or false, not {value!r}")
        return KEY_QUOTE_VALUES[text]

    def _label(self, where: int) -> str:
        """``FILE: row N`` (CSV) or ``FILE: line N`` (JSONL), built only for a message."""
        return f"{self.path}: {'line' if self.path.suffix.lower() == '.jsonl' else 'row'} {where}"

    def _code(self, label: str, ref: str) -> str:
        if not ref:
            raise InputFormatError(f"{label}: empty code")
        known = [c.id for c in self.codebook.codes]
        # Ids ignore case: `Privacy` is the existing `privacy`, never a second code beside it.
        ref = "/".join(existing_id(part, known) or part for part in ref.strip().strip("/").split("/"))
        try:
            return resolve_code(self.codebook, ref)
        except UnknownIdError:
            if not self.add_missing:
                raise InputFormatError(
                    f"{label}: unknown code {ref!r}",
                    "load a codebook that has it, or pass --add-missing-codes",
                ) from None
        except CoderError as exc:
            raise InputFormatError(f"{label}: {exc.message}") from None
        parent: str | None = None
        for part in ref.split("/"):
            if not self.store.has_code(part):
                try:
                    new_coder_code(self.store, part, self.coder, parent, code_id=part)
                except CoderError as exc:
                    raise InputFormatError(f"{label}: {exc.message}", exc.hint) from None
                self.added.append(part)
            parent = part
        self.codebook = self.store.codebook()
        return parent or ref


def _without_duplicates(
    valid: list[dict[str, Any]], stored: dict[Key, tuple[int, str]]
) -> tuple[list[dict[str, Any]], list[tuple[int, str]]]:
    """New rows, and (id, memo) of stored codings whose memo a skipped duplicate row adds to.

    A row identical to a stored coding or an earlier row (same transcript, span
    and code) is not inserted again; a memo it carries joins the kept coding's
    (the rule merges use: nothing dropped, nothing doubled).
    """
    from coder.services.merge_rules import join_memos  # lxml comes with it: import time only

    fresh: dict[Key, dict[str, Any]] = {}
    memos: dict[int, str] = {}
    for r in valid:
        key = (r["transcript_id"], r["start"], r["end"], r["code_id"])
        if key in stored:
            cid, memo = stored[key]
            merged = join_memos(memos.get(cid, memo), r["memo"])
            if merged != memo:
                memos[cid] = merged
        elif key in fresh:
            fresh[key]["memo"] = join_memos(fresh[key]["memo"], r["memo"])
        else:
            fresh[key] = r
    return list(fresh.values()), list(memos.items())


def _flag_of_row(row: dict[str, Any]) -> dict[str, str | None]:
    """The review flag of an imported row: a reason and the lost words, or none."""
    reason = str(row.get("flagged") or "").strip()
    if not reason:
        return {"flagged": None, "flagged_text": None}
    return {"flagged": reason, "flagged_text": str(row.get("flagged_text") or "")}


def import_codings(
    store: Store, path: Path, coder: str, add_missing_codes: bool = False, replace: bool = False
) -> dict[str, int]:
    """Import one coder's codings from CSV/JSONL; all rows or none.

    Returns how many rows were ``imported`` and ``codes_added``; ``skipped``
    (rows identical to a stored coding or an earlier row) and ``replaced``
    (codings removed by ``replace``) are present when not zero.
    """
    coder = check_coder_name(coder)
    rows = list(_read_rows(path))
    with store.transaction():
        store.ensure_coder(coder)
        check = _Validator(
            store, path, coder, add_missing_codes, store.transcript_lengths(), store.codebook()
        )
        valid = [check.row(where, row) for where, row in rows]
        transcripts = sorted({r["transcript_id"] for r in valid})
        replaced = store.delete_coder_codings(coder, transcripts) if replace else 0
        stored = {} if replace else store.coding_memos(coder, transcripts)
        fresh, memo_updates = _without_duplicates(valid, stored)
        store.add_codings(fresh)
        store.set_coding_memos(memo_updates)
        skipped = len(valid) - len(fresh)
        counts = {"rows": len(fresh), "codes_added": check.added, "skipped": skipped, "replaced": replaced}
        store.log(coder, "codings.import", path.name, after=counts)
    result = {"imported": len(fresh), "codes_added": len(check.added)}
    result.update({k: v for k, v in (("skipped", skipped), ("replaced", replaced)) if v})
    return result


def export_codings(store: Store, coder: str, out: Path) -> int:
    """Write one coder's codings as CSV or JSONL (by extension); code as id path.

    The file is written next to ``out`` under a temporary name and renamed, so
    an interrupted export never leaves half a file where a good one was.
    """
    suffix = out.suffix.lower()
    if suffix not in (".csv", ".jsonl"):
        raise CoderError(f"{out}: unsupported codings file {suffix!r}", "use .csv or .jsonl")
    codebook = store.codebook()
    paths = {c.id: codebook.path(c.id) for c in codebook.codes}
    rows = [
        {
            "transcript": c.transcript_id,
            "start": c.start,
            "end": c.end,
            "code": paths.get(c.code_id, c.code_id),
            "memo": c.memo,
            **({"key_quote": True} if c.key_quote else {}),
            **({"flagged": c.flagged, "flagged_text": c.flagged_text} if c.flagged else {}),
        }
        for c in store.codings(coder=coder)
    ]
    carried = {k for r in rows for k in r}
    fields = [f for f in ROW_FIELDS if f in carried or f in ROW_FIELDS[:5]]
    with atomic_output(out) as tmp, tmp.open("w", encoding="utf-8", newline="") as fh:
        if suffix == ".jsonl":
            fh.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
        else:
            writer = csv.DictWriter(fh, fieldnames=fields, restval="")
            writer.writeheader()
            writer.writerows(rows)
    return len(rows)
