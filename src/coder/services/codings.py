"""Codings: applying codes, and reading/writing them as CSV or JSONL rows.

Rows are validated one by one before anything is written, and the whole file
goes in one transaction, so a bad row 57 leaves the project as it was and the
error names row 57.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from coder.errors import CoderError, InputFormatError, UnknownIdError
from coder.model import Coding
from coder.naming import check_coder_name, existing_id
from coder.outfile import atomic_output, write_text
from coder.services.codebook import new_coder_code, resolve_code
from coder.storage import Store

ROW_FIELDS = ("transcript", "start", "end", "code", "memo")
MAX_FIELD = 2**31 - 1
"""csv's field size limit while reading codings: a memo may be as long as it likes."""


def _read_rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    suffix = path.suffix.lower()
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputFormatError(f"{path}: not UTF-8 text", "save it as UTF-8") from exc
    if suffix == ".jsonl":
        for line_no, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputFormatError(f"{path}: line {line_no}: not JSON ({exc.msg})") from exc
            except RecursionError as exc:
                raise InputFormatError(f"{path}: line {line_no}: JSON nested too deeply") from exc
            if not isinstance(row, dict):
                raise InputFormatError(f"{path}: line {line_no}: expected a JSON object")
            yield line_no, row
    elif suffix == ".csv":
        # Memos may be long (over csv's default 128 KB field limit) and span lines.
        csv.field_size_limit(MAX_FIELD)
        reader = csv.DictReader(io.StringIO(text, newline=""))
        try:
            missing = {"transcript", "start", "end", "code"} - set(reader.fieldnames or [])
            if missing:
                raise InputFormatError(
                    f"{path}: header lacks {', '.join(sorted(missing))}",
                    "columns: transcript,start,end,code[,memo]",
                )
            for row_no, row in enumerate(reader, start=2):
                yield row_no, row
        except csv.Error as exc:
            raise InputFormatError(f"{path}: line {reader.line_num}: not valid CSV ({exc})") from exc
    else:
        raise InputFormatError(
            f"{path}: unsupported codings file {suffix!r}", "use .csv (with header) or .jsonl"
        )


def import_codings(store: Store, path: Path, coder: str, add_missing_codes: bool = False) -> dict[str, int]:
    """Import one coder's codings from CSV/JSONL; all rows or none."""
    coder = check_coder_name(coder)
    lengths = {t: len(text) for t, text in store.transcript_texts().items()}
    with store.transaction():
        store.ensure_coder(coder)
        rows: list[dict[str, Any]] = []
        added_codes: list[str] = []
        for where, row in _read_rows(path):
            rows.append(
                _validate_row(store, path, where, row, lengths, coder, add_missing_codes, added_codes)
            )
        store.add_codings(rows)
        store.log(coder, "codings.import", path.name, after={"rows": len(rows), "codes_added": added_codes})
    return {"imported": len(rows), "codes_added": len(added_codes)}


def _validate_row(
    store: Store,
    path: Path,
    where: int,
    row: dict[str, Any],
    lengths: dict[str, int],
    coder: str,
    add_missing: bool,
    added: list[str],
) -> dict[str, Any]:
    label = f"{path}: {'line' if path.suffix.lower() == '.jsonl' else 'row'} {where}"
    transcript = str(row.get("transcript") or "").strip()
    if transcript not in lengths:
        raise InputFormatError(
            f"{label}: unknown transcript {transcript!r}", "import it first with `coder import`"
        )
    try:
        start, end = int(row["start"]), int(row["end"])
    except (KeyError, TypeError, ValueError) as exc:
        raise InputFormatError(f"{label}: start and end must be whole numbers") from exc
    if not 0 <= start < end <= lengths[transcript]:
        raise InputFormatError(
            f"{label}: span {start}-{end} is out of range for {transcript!r} (0 <= start < end <= {lengths[transcript]})"
        )
    code_ref = str(row.get("code") or "").strip()
    code_id = _code_for_row(store, label, code_ref, coder, add_missing, added)
    return {
        "coder": coder,
        "transcript_id": transcript,
        "start": start,
        "end": end,
        "code_id": code_id,
        "memo": str(row.get("memo") or ""),
    }


def _code_for_row(store: Store, label: str, ref: str, coder: str, add_missing: bool, added: list[str]) -> str:
    if not ref:
        raise InputFormatError(f"{label}: empty code")
    codebook = store.codebook()
    known = [c.id for c in codebook.codes]
    # Ids ignore case: `Privacy` is the existing `privacy`, never a second code beside it.
    ref = "/".join(existing_id(part, known) or part for part in ref.strip().strip("/").split("/"))
    try:
        return resolve_code(codebook, ref)
    except UnknownIdError:
        if not add_missing:
            raise InputFormatError(
                f"{label}: unknown code {ref!r}", "load a codebook that has it, or pass --add-missing-codes"
            ) from None
    except CoderError as exc:
        raise InputFormatError(f"{label}: {exc.message}") from None
    parent: str | None = None
    for part in ref.split("/"):
        if not store.has_code(part):
            try:
                new_coder_code(store, part, coder, parent, code_id=part)
            except CoderError as exc:
                raise InputFormatError(f"{label}: {exc.message}", exc.hint) from None
            added.append(part)
        parent = part
    return parent or ref


def export_codings(store: Store, coder: str, out: Path) -> int:
    """Write one coder's codings as CSV or JSONL (by extension); code as id path."""
    codebook = store.codebook()
    rows = [
        {
            "transcript": c.transcript_id,
            "start": c.start,
            "end": c.end,
            "code": codebook.path(c.code_id),
            "memo": c.memo,
        }
        for c in store.codings(coder=coder)
    ]
    suffix = out.suffix.lower()
    if suffix == ".jsonl":
        write_text(out, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    elif suffix == ".csv":
        with atomic_output(out) as tmp, tmp.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=ROW_FIELDS)
            writer.writeheader()
            writer.writerows(rows)
    else:
        raise CoderError(f"{out}: unsupported codings file {suffix!r}", "use .csv or .jsonl")
    return len(rows)


def apply_code(store: Store, coder: str, transcript_id: str, start: int, end: int, code_id: str) -> Coding:
    """One coder applies a code to a span (one transaction, logged)."""
    transcript = store.get_transcript(transcript_id)
    if not 0 <= start < end <= len(transcript.text):
        raise CoderError(f"span {start}-{end} is outside {transcript_id!r}")
    store.get_code(code_id)
    with store.transaction():
        store.ensure_coder(coder)
        coding = store.add_coding(coder, transcript_id, start, end, code_id)
        store.log(
            coder,
            "coding.add",
            coding.guid,
            after={"transcript": transcript_id, "start": start, "end": end, "code": code_id},
        )
    return coding


def remove_coding(store: Store, coder: str, coding_id: int) -> Coding:
    """Remove one of the coder's own codings; returns it (for undo)."""
    coding = store.get_coding(coding_id)
    if coding.coder != coder:
        raise CoderError(f"coding {coding_id} belongs to another coder")
    with store.transaction():
        store.delete_coding(coding_id)
        store.log(
            coder,
            "coding.remove",
            coding.guid,
            before={"code": coding.code_id, "start": coding.start, "end": coding.end},
        )
    return coding


def restore_coding(store: Store, coding: Coding) -> None:
    """Put a removed coding back exactly as it was (undo of a removal)."""
    with store.transaction():
        store.restore_coding(coding)
        store.log(coding.coder, "coding.restore", coding.guid)


def update_coding(store: Store, coder: str, coding_id: int, **fields: Any) -> Coding:
    """Change a coder's own coding (span, memo, key-quote flag)."""
    coding = store.get_coding(coding_id)
    if coding.coder != coder:
        raise CoderError(f"coding {coding_id} belongs to another coder")
    with store.transaction():
        updated = store.update_coding(coding_id, **fields)
        store.log(
            coder, "coding.edit", coding.guid, before={k: getattr(coding, k) for k in fields}, after=fields
        )
    return updated
